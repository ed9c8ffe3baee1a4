// What `portmqtt bench` measures while it runs: counters and latency histograms updated from
// the loop threads without locks, the per-second samples the main thread takes of them, and
// the process's own memory and CPU use.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace portmqtt::tools {

/// Latency histogram in microseconds, lock-free: exact below 128 us, then 64 buckets per power
/// of two (at most 1.6% error), plus the exact count, sum and maximum.
class LatencyHistogram {
 public:
  /// Any thread.
  void record(std::uint64_t micros) noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  std::uint64_t max() const noexcept { return max_.load(std::memory_order_relaxed); }
  double mean() const noexcept;
  /// The value below which `fraction` (0..1) of the samples lie, in microseconds.
  std::uint64_t percentile(double fraction) const noexcept;
  /// Calls `visit(lowest, highest, count)` for every non-empty bucket, in increasing order
  /// (bounds in microseconds, both inclusive).
  void for_each_bucket(
      const std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)>& visit) const;

 private:
  static constexpr std::size_t kBuckets = 128 + 64 * 40;
  static std::size_t bucket_of(std::uint64_t micros) noexcept;
  static std::uint64_t lower_bound_of(std::size_t bucket) noexcept;
  static std::uint64_t upper_bound_of(std::size_t bucket) noexcept;

  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_{0};
  std::atomic<std::uint64_t> max_{0};
};

/// The first and last time something happened (nanoseconds of the steady clock), for rates
/// measured over the span of the activity rather than the whole run.
class ActivitySpan {
 public:
  /// Any thread.
  void mark(std::uint64_t ns) noexcept;
  /// Seconds from the first to the last mark; 0 with fewer than two marks.
  double seconds() const noexcept;

 private:
  std::atomic<std::uint64_t> first_{UINT64_MAX};
  std::atomic<std::uint64_t> last_{0};
};

/// Everything the clients report, updated from the loop threads.
struct BenchCounters {
  std::atomic<std::uint64_t> started{0};           ///< connection attempts begun
  std::atomic<std::uint64_t> connects{0};          ///< CONNACKs accepted
  std::atomic<std::uint64_t> connected{0};         ///< connected now
  std::atomic<std::uint64_t> connect_failures{0};  ///< attempts that never got CONNACK
  std::atomic<std::uint64_t> disconnects{0};       ///< connections lost after CONNACK
  std::atomic<std::uint64_t> subscribed{0};        ///< subscriptions granted
  std::atomic<std::uint64_t> sent{0};              ///< PUBLISHes handed to the client
  std::atomic<std::uint64_t> acked{0};             ///< QoS 1/2 completions
  std::atomic<std::uint64_t> refused{0};           ///< completions with a failure reason code
  std::atomic<std::uint64_t> received{0};          ///< messages delivered to sub clients
  std::atomic<std::uint64_t> errors{0};  ///< refused publishes/subscriptions, lost connections
  std::atomic<std::uint64_t> in_flight{0};
  LatencyHistogram connect_latency;  ///< start() to CONNACK
  LatencyHistogram ack_latency;      ///< PUBLISH handed over to PUBACK/PUBCOMP
  LatencyHistogram end_to_end;       ///< from the send time in the payload to its arrival
  ActivitySpan connect_span;         ///< first attempt .. last CONNACK
  ActivitySpan send_span;            ///< first PUBLISH .. last one (QoS 0) or last completion
  ActivitySpan receive_span;         ///< first message .. last message
};

/// The counters at one moment of the run (the main thread takes one per second).
struct Sample {
  double seconds = 0;  ///< since the run started
  std::uint64_t connected = 0, connects = 0, sent = 0, acked = 0, received = 0, errors = 0;
};

Sample take_sample(const BenchCounters& counters, double seconds);

/// Nanoseconds of the steady clock (for spans and in-process latencies).
std::uint64_t steady_ns() noexcept;

/// Resident memory of this process in KiB (/proc/self/statm), 0 when unknown.
std::uint64_t resident_kib();
/// User plus system CPU time of this process, seconds.
double cpu_seconds();
/// Raises the open-file limit to the hard limit (a fleet needs a descriptor per client).
/// Returns the limit in force.
std::uint64_t raise_open_file_limit();

}  // namespace portmqtt::tools
