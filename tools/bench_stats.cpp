#include "bench_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <fstream>

namespace portmqtt::tools {

std::size_t LatencyHistogram::bucket_of(std::uint64_t micros) noexcept {
  if (micros < 128) return static_cast<std::size_t>(micros);
  const auto shift = static_cast<unsigned>(std::bit_width(micros)) - 7;  // keeps 7 bits
  const auto index = 128 + (shift - 1) * 64 + ((micros >> shift) - 64);
  return std::min<std::size_t>(static_cast<std::size_t>(index), kBuckets - 1);
}

std::uint64_t LatencyHistogram::lower_bound_of(std::size_t bucket) noexcept {
  if (bucket < 128) return bucket;
  const auto shift = (bucket - 128) / 64 + 1;
  const auto mantissa = (bucket - 128) % 64 + 64;
  return mantissa << shift;
}

std::uint64_t LatencyHistogram::upper_bound_of(std::size_t bucket) noexcept {
  if (bucket < 128) return bucket;
  const auto shift = (bucket - 128) / 64 + 1;
  const auto mantissa = (bucket - 128) % 64 + 64;
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::record(std::uint64_t micros) noexcept {
  buckets_[bucket_of(micros)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(micros, std::memory_order_relaxed);
  auto seen = max_.load(std::memory_order_relaxed);
  while (micros > seen && !max_.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
  }
}

double LatencyHistogram::mean() const noexcept {
  const auto total = count();
  return total == 0 ? 0.0
                    : static_cast<double>(sum_.load(std::memory_order_relaxed)) /
                          static_cast<double>(total);
}

std::uint64_t LatencyHistogram::percentile(double fraction) const noexcept {
  const auto total = count();
  if (total == 0) return 0;
  auto wanted = static_cast<std::uint64_t>(fraction * static_cast<double>(total) + 0.5);
  wanted = std::clamp<std::uint64_t>(wanted, 1, total);
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    seen += buckets_[bucket].load(std::memory_order_relaxed);
    if (seen >= wanted) return std::min(upper_bound_of(bucket), max());
  }
  return max();
}

void LatencyHistogram::for_each_bucket(
    const std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)>& visit) const {
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket)
    if (const auto n = buckets_[bucket].load(std::memory_order_relaxed); n != 0)
      visit(lower_bound_of(bucket), upper_bound_of(bucket), n);
}

void ActivitySpan::mark(std::uint64_t ns) noexcept {
  auto first = first_.load(std::memory_order_relaxed);
  while (ns < first && !first_.compare_exchange_weak(first, ns, std::memory_order_relaxed)) {
  }
  auto last = last_.load(std::memory_order_relaxed);
  while (ns > last && !last_.compare_exchange_weak(last, ns, std::memory_order_relaxed)) {
  }
}

double ActivitySpan::seconds() const noexcept {
  const auto first = first_.load(std::memory_order_relaxed);
  const auto last = last_.load(std::memory_order_relaxed);
  return first == UINT64_MAX || last <= first ? 0.0 : static_cast<double>(last - first) / 1e9;
}

Sample take_sample(const BenchCounters& c, double seconds) {
  const auto get = [](const std::atomic<std::uint64_t>& value) {
    return value.load(std::memory_order_relaxed);
  };
  return Sample{.seconds = seconds,
                .connected = get(c.connected),
                .connects = get(c.connects),
                .sent = get(c.sent),
                .acked = get(c.acked),
                .received = get(c.received),
                .errors = get(c.errors)};
}

std::uint64_t steady_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::uint64_t resident_kib() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace portmqtt::tools
