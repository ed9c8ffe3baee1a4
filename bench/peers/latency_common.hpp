// What every latency peer shares: timestamped payloads, the paced publisher, the samples and
// the report.
//
// A latency peer connects one client, subscribes to a topic of its own and publishes to it, so
// that mosquitto hands every message back to the same process. The payload starts with the
// publish time in nanoseconds on CLOCK_MONOTONIC (same host, same clock); the subscriber
// callback subtracts it from the time of delivery. Options: the common peer options plus
//   --rate R   publish R msgs/s, paced by absolute deadlines (0: as fast as the window allows)
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "peer_common.hpp"
#include "portmqtt_progress.hpp"

namespace portmqtt::bench {

/// Nanoseconds on CLOCK_MONOTONIC.
std::int64_t monotonic_ns();

/// Publish-to-delivery times of one run, written by the thread that delivers messages.
class LatencySamples {
 public:
  explicit LatencySamples(std::uint64_t count) : samples_(count) {}

  /// A delivered payload (one callback thread at a time): records now - its time stamp.
  /// A payload shorter than a stamp, or more messages than expected, fails the program.
  void delivered(const void* data, std::size_t size);

  /// Messages delivered so far, and a wait for a total (one waiting thread).
  Progress& progress() { return delivered_; }

  /// The samples in nanoseconds, sorted; only once every message was delivered.
  std::vector<std::int64_t> sorted() const;

 private:
  std::vector<std::int64_t> samples_;
  std::atomic<std::uint64_t> next_{0};
  Progress delivered_;
};

/// Publishes options.count messages of options.size bytes (at least 8) through `publish`,
/// each stamped with its publish time. With options.rate > 0 message i is due at
/// start + i / rate (the thread sleeps until that absolute deadline) and carries its due time,
/// so that a late publish counts as latency; with rate 0 the publisher keeps at most
/// options.window messages on their way and stamps the time of the call. Waits until every
/// message was delivered and returns the seconds from the first publish to the last delivery.
double publish_timed(const PeerOptions& options, LatencySamples& samples,
                     const std::function<void(const std::string& payload)>& publish);

/// The topic of this process: `base` + "/" + the client id, so that runs never see each
/// other's messages.
std::string latency_topic(std::string_view base, std::string_view client);

/// Prints the result line: the fields of print_report() plus "rate", "qos" and the
/// percentiles "p50_us", "p99_us", "p999_us", "max_us".
void print_latency_report(std::string_view client, const PeerOptions& options,
                          const LatencySamples& samples, double seconds);

}  // namespace portmqtt::bench
