// Counters, latency histogram and output (live progress line, summary, JSON) of
// `portmqtt bench`.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace portmqtt::tools {

/// Lock-free latency histogram in microseconds: exact below 128 us, then 64 buckets per power
/// of two (at most 1.6% error), plus the exact maximum.
class LatencyHistogram {
 public:
  void record(std::uint64_t micros) noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  std::uint64_t max() const noexcept { return max_.load(std::memory_order_relaxed); }
  /// The value below which `fraction` (0..1) of the samples lie, in microseconds.
  std::uint64_t percentile(double fraction) const noexcept;

 private:
  static constexpr std::size_t kBuckets = 128 + 64 * 40;
  static std::size_t bucket_of(std::uint64_t micros) noexcept;
  static std::uint64_t upper_bound_of(std::size_t bucket) noexcept;

  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> max_{0};
};

/// Everything the clients report, updated from the loop threads.
struct BenchCounters {
  std::atomic<std::uint64_t> connected{0};
  std::atomic<std::uint64_t> connect_failures{0};
  std::atomic<std::uint64_t> disconnects{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> acked{0};  ///< QoS 1/2 completions
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> errors{0};  ///< failed publishes, refused or lost connections
  std::atomic<std::uint64_t> in_flight{0};
  LatencyHistogram latency;          ///< end to end, from the timestamp in the payload
  LatencyHistogram connect_latency;  ///< start() to CONNACK
};

/// What the summary says about the run.
struct BenchRun {
  std::string mode;  ///< pub, sub or conn
  std::uint64_t clients = 0;
  int qos = 0;
  std::size_t payload_size = 0;
  std::chrono::duration<double> elapsed{};
};

/// Writes the live one-line progress (carriage return, no newline) to stderr.
class ProgressLine {
 public:
  explicit ProgressLine(const BenchCounters& counters, std::uint64_t clients);
  /// Prints the line for the second that just passed.
  void update(std::chrono::duration<double> elapsed);
  /// Ends the line so that the summary starts on its own line.
  void finish();

 private:
  const BenchCounters& counters_;
  std::uint64_t clients_;
  std::uint64_t last_sent_ = 0;
  std::uint64_t last_received_ = 0;
  std::chrono::steady_clock::time_point last_time_ = std::chrono::steady_clock::now();
  bool printed_ = false;
};

/// The human summary (totals, rates, latency percentiles).
std::string summary_text(const BenchRun& run, const BenchCounters& counters);
/// The same as one JSON object.
std::string summary_json(const BenchRun& run, const BenchCounters& counters);

/// Payload of a bench message: magic, send time (ns since the epoch), padding to `size`.
std::string make_bench_payload(std::size_t size);
/// The send time in a bench payload, or 0 when the payload is not one.
std::uint64_t bench_payload_time(std::string_view payload) noexcept;
/// Nanoseconds since the epoch (the clock both ends of a bench share).
std::uint64_t now_ns() noexcept;

}  // namespace portmqtt::tools
