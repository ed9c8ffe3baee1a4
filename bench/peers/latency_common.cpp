#include "latency_common.hpp"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace portmqtt::bench {

namespace {

constexpr std::size_t kStampBytes = sizeof(std::int64_t);

void write_stamp(std::string& payload, std::int64_t ns) {
  std::memcpy(payload.data(), &ns, kStampBytes);
}

// Sleeps until `deadline_ns` on CLOCK_MONOTONIC; an absolute deadline does not drift with the
// time spent publishing.
void sleep_until(std::int64_t deadline_ns) {
  timespec t{};
  t.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000);
  t.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nullptr) == EINTR) {
  }
}

// Nearest rank: the smallest sample that at least `p` of all samples do not exceed.
double percentile_us(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1000.0;
}

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

std::int64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

void LatencySamples::delivered(const void* data, std::size_t size) {
  const std::int64_t now = monotonic_ns();
  if (size < kStampBytes) fail("latency", "a delivered payload has no time stamp");
  std::int64_t stamp = 0;
  std::memcpy(&stamp, data, kStampBytes);
  const std::uint64_t i = next_.fetch_add(1, std::memory_order_relaxed);
  if (i >= samples_.size()) fail("latency", "more messages delivered than published");
  samples_[i] = now - stamp;
  delivered_.complete();  // seq_cst: the sample is visible to whoever sees this count
}

std::vector<std::int64_t> LatencySamples::sorted() const {
  std::vector<std::int64_t> copy = samples_;
  std::sort(copy.begin(), copy.end());
  return copy;
}

double publish_timed(const PeerOptions& o, LatencySamples& samples,
                     const std::function<void(const std::string& payload)>& publish) {
  std::string payload = make_payload(std::max(o.size, kStampBytes));
  Progress& delivered = samples.progress();
  const std::int64_t start = monotonic_ns();
  const double period_ns = o.rate > 0 ? 1e9 / static_cast<double>(o.rate) : 0.0;
  for (std::uint64_t i = 0; i < o.count; ++i) {
    if (o.rate > 0) {
      const std::int64_t due =
          start + static_cast<std::int64_t>(static_cast<double>(i) * period_ns);
      if (monotonic_ns() < due) sleep_until(due);
      write_stamp(payload, due);
    } else {
      if (i - delivered.done() >= o.window) delivered.wait_for(i - o.window + 1);
      write_stamp(payload, monotonic_ns());
    }
    publish(payload);
  }
  delivered.wait_for(o.count);
  return static_cast<double>(monotonic_ns() - start) / 1e9;
}

std::string latency_topic(std::string_view base, std::string_view client) {
  return std::string(base) + "/" + client_id_for(client);
}

void print_latency_report(std::string_view client, const PeerOptions& o,
                          const LatencySamples& samples, double seconds) {
  const std::vector<std::int64_t> sorted = samples.sorted();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double rate = seconds > 0 ? static_cast<double>(o.count) / seconds : 0.0;
  std::printf(
      "{\"client\":\"%.*s\",\"mode\":\"latency\",\"qos\":%d,\"rate\":%u,\"msgs\":%llu,"
      "\"seconds\":%.6f,\"msgs_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
      "\"max_us\":%.1f,\"cpu_user_s\":%.6f,\"cpu_sys_s\":%.6f}\n",
      static_cast<int>(client.size()), client.data(), o.qos, o.rate,
      static_cast<unsigned long long>(o.count), seconds, rate, percentile_us(sorted, 0.50),
      percentile_us(sorted, 0.99), percentile_us(sorted, 0.999),
      sorted.empty() ? 0.0 : static_cast<double>(sorted.back()) / 1000.0,
      seconds_of(usage.ru_utime), seconds_of(usage.ru_stime));
  std::fflush(stdout);
}

}  // namespace portmqtt::bench
