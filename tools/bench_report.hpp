// What `portmqtt bench` prints: the live one-line progress, the summary as text or JSON. The
// HTML report is in bench_html.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_options.hpp"
#include "bench_stats.hpp"

namespace portmqtt::tools {

/// Everything measured in one run, at its end.
struct BenchResult {
  const BenchPlan& plan;
  const BenchCounters& counters;
  double seconds = 0;                   ///< the whole run, first connection attempt to the end
  std::vector<Sample> samples;          ///< one per second of the run, and the last partial one
  std::uint64_t memory_before_kib = 0;  ///< resident memory before the first client
  std::uint64_t memory_kib = 0;         ///< resident memory at the end of the run
  double cpu_seconds = 0;               ///< CPU (user + system) used by the run
  std::string first_error;
};

/// Rates of the run, in messages (or connections) per second over the span of each activity.
struct BenchRates {
  double connects = 0, sent = 0, acked = 0, received = 0;
};
BenchRates rates_of(const BenchResult& result);

/// Memory per connected client in KiB (0 without any).
double memory_per_client_kib(const BenchResult& result);

/// The human summary.
std::string summary_text(const BenchResult& result);
/// The same as one JSON object (documented in portmqtt-bench(1)), newline-terminated.
std::string summary_json(const BenchResult& result);

/// The live one-line progress (carriage return, no newline) on stderr.
class ProgressLine {
 public:
  explicit ProgressLine(const BenchPlan& plan) : plan_(plan) {}
  /// Prints the line for the interval from `previous` to `now`.
  void update(const Sample& previous, const Sample& now, const BenchCounters& counters);
  /// Ends the line so that the summary starts on its own line.
  void finish();

 private:
  const BenchPlan& plan_;
  bool printed_ = false;
};

/// `value` with thousands separators and `decimals` digits ("12,345.6").
std::string grouped(double value, int decimals = 0);

}  // namespace portmqtt::tools
