#include "bench_report.hpp"

#include <bit>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace portmqtt::tools {
namespace {

constexpr std::string_view kMagic = "PMQB";
constexpr std::size_t kHeaderSize = 4 + 8;

double rate(std::uint64_t count, std::chrono::duration<double> elapsed) {
  return elapsed.count() > 0 ? static_cast<double>(count) / elapsed.count() : 0.0;
}

double millis(std::uint64_t micros) {
  return static_cast<double>(micros) / 1000.0;
}

struct Percentiles {
  double p50, p90, p99, p999, max;
};

Percentiles percentiles_ms(const LatencyHistogram& histogram) {
  return {millis(histogram.percentile(0.50)), millis(histogram.percentile(0.90)),
          millis(histogram.percentile(0.99)), millis(histogram.percentile(0.999)),
          millis(histogram.max())};
}

std::string format(const char* pattern, auto... values) {
  char buffer[512];
  const int size = std::snprintf(buffer, sizeof buffer, pattern, values...);
  return std::string(buffer, static_cast<std::size_t>(std::max(size, 0)));
}

std::string percentile_text(const char* label, const LatencyHistogram& histogram) {
  if (histogram.count() == 0) return format("%s: no samples\n", label);
  const auto p = percentiles_ms(histogram);
  return format("%s (ms, %llu samples): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
                label, static_cast<unsigned long long>(histogram.count()), p.p50, p.p90, p.p99,
                p.p999, p.max);
}

std::string percentile_json(const LatencyHistogram& histogram) {
  if (histogram.count() == 0) return "null";
  const auto p = percentiles_ms(histogram);
  return format(
      "{\"samples\":%llu,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f}",
      static_cast<unsigned long long>(histogram.count()), p.p50, p.p90, p.p99, p.p999, p.max);
}

unsigned long long load(const std::atomic<std::uint64_t>& value) {
  return static_cast<unsigned long long>(value.load(std::memory_order_relaxed));
}

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::uint64_t micros) noexcept {
  if (micros < 128) return static_cast<std::size_t>(micros);
  const auto shift = static_cast<unsigned>(std::bit_width(micros)) - 7;  // keeps 7 bits
  const auto index = 128 + (shift - 1) * 64 + ((micros >> shift) - 64);
  return std::min<std::size_t>(static_cast<std::size_t>(index), kBuckets - 1);
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
  auto seen = max_.load(std::memory_order_relaxed);
  while (micros > seen && !max_.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
  }
}

std::uint64_t LatencyHistogram::percentile(double fraction) const noexcept {
  const auto total = count();
  if (total == 0) return 0;
  auto wanted = static_cast<std::uint64_t>(fraction * static_cast<double>(total) + 0.5);
  wanted = std::max<std::uint64_t>(wanted, 1);
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    seen += buckets_[bucket].load(std::memory_order_relaxed);
    if (seen >= wanted) return std::min(upper_bound_of(bucket), max());
  }
  return max();
}

ProgressLine::ProgressLine(const BenchCounters& counters, std::uint64_t clients)
    : counters_(counters), clients_(clients) {}

void ProgressLine::update(std::chrono::duration<double> elapsed) {
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::duration<double> window = now - last_time_;
  const auto sent = counters_.sent.load(std::memory_order_relaxed);
  const auto received = counters_.received.load(std::memory_order_relaxed);
  std::fprintf(stderr,
               "\r[%6.1fs] connected %llu/%llu  sent %.0f/s  received %.0f/s  in-flight %llu  "
               "errors %llu   ",
               elapsed.count(), load(counters_.connected),
               static_cast<unsigned long long>(clients_), rate(sent - last_sent_, window),
               rate(received - last_received_, window), load(counters_.in_flight),
               load(counters_.errors));
  std::fflush(stderr);
  last_sent_ = sent;
  last_received_ = received;
  last_time_ = now;
  printed_ = true;
}

void ProgressLine::finish() {
  if (printed_) std::fputc('\n', stderr);
}

std::string summary_text(const BenchRun& run, const BenchCounters& c) {
  std::string text = format(
      "bench %s: %llu clients, %.2f s, QoS %d, payload %zu bytes\n"
      "connected %llu, connect failures %llu, disconnects %llu, errors %llu\n"
      "sent %llu (%.1f msg/s), acknowledged %llu, received %llu (%.1f msg/s), in-flight %llu\n",
      run.mode.c_str(), static_cast<unsigned long long>(run.clients), run.elapsed.count(), run.qos,
      run.payload_size, load(c.connected), load(c.connect_failures), load(c.disconnects),
      load(c.errors), load(c.sent), rate(c.sent, run.elapsed), load(c.acked), load(c.received),
      rate(c.received, run.elapsed), load(c.in_flight));
  text += percentile_text("connect latency", c.connect_latency);
  if (run.mode == "sub") text += percentile_text("message latency", c.latency);
  return text;
}

std::string summary_json(const BenchRun& run, const BenchCounters& c) {
  return format(
             "{\"mode\":\"%s\",\"clients\":%llu,\"seconds\":%.3f,\"qos\":%d,\"payload_size\":%zu,"
             "\"connected\":%llu,\"connect_failures\":%llu,\"disconnects\":%llu,\"errors\":%llu,"
             "\"sent\":%llu,\"acked\":%llu,\"received\":%llu,\"in_flight\":%llu,",
             run.mode.c_str(), static_cast<unsigned long long>(run.clients), run.elapsed.count(),
             run.qos, run.payload_size, load(c.connected), load(c.connect_failures),
             load(c.disconnects), load(c.errors), load(c.sent), load(c.acked), load(c.received),
             load(c.in_flight)) +
         "\"connect_latency_ms\":" + percentile_json(c.connect_latency) +
         ",\"latency_ms\":" + percentile_json(c.latency) + "}\n";
}

std::uint64_t now_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

std::string make_bench_payload(std::size_t size) {
  std::string payload(std::max(size, kHeaderSize), 'x');
  std::memcpy(payload.data(), kMagic.data(), kMagic.size());
  const auto stamp = now_ns();
  std::memcpy(payload.data() + kMagic.size(), &stamp, sizeof stamp);
  return payload;
}

std::uint64_t bench_payload_time(std::string_view payload) noexcept {
  if (payload.size() < kHeaderSize || payload.substr(0, kMagic.size()) != kMagic) return 0;
  std::uint64_t stamp = 0;
  std::memcpy(&stamp, payload.data() + kMagic.size(), sizeof stamp);
  return stamp;
}

}  // namespace portmqtt::tools
