// What every benchmark peer shares: the command line, the clock, the window and the report.
//
// Every peer takes the same options and prints the same one-line JSON, so that scripts can
// run any of them, ours included, interchangeably:
//   <prog> [--recv] --host H --port P --count N --size S --qos Q --window W --version 311|5
//          --topic T [--rate R]
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace portmqtt::bench {

/// Parsed command line of a peer.
struct PeerOptions {
  std::string host = "127.0.0.1";  ///< broker address (loopback)
  std::uint16_t port = 1883;       ///< broker port
  std::uint64_t count = 100'000;   ///< messages to publish or to receive
  std::size_t size = 16;           ///< payload bytes per message
  int qos = 0;                     ///< 0, 1 or 2
  std::uint32_t window = 1000;     ///< most QoS 1/2 messages unacknowledged (1..65535)
  int version = 311;               ///< 311 or 5
  std::string topic = "bench/t";   ///< topic to publish on or to subscribe to
  bool recv = false;               ///< receive instead of publish
  /// Latency peers only: messages per second, paced by absolute deadlines; 0 publishes as
  /// fast as the window allows (saturation).
  std::uint32_t rate = 0;
  /// Keep unacknowledged messages on disk, in a fresh directory under $TMPDIR (or /tmp):
  /// "file" (Paho's file persistence), "group" or "per_message" (portmqtt's SQLite store
  /// with that durability; "_nosync" appended: without fsync). Empty: in memory. A peer that
  /// cannot fails.
  std::string persist;
};

/// Parses the command line; prints usage and exits with status 2 on an error.
PeerOptions parse_peer_options(int argc, char** argv);

/// A new empty directory for --persist, removed (with what is in it) by remove_tree().
std::string make_temp_dir();
void remove_tree(const std::string& path);

/// A client id unique to this process, e.g. "mosq_loop-1234".
std::string client_id_for(std::string_view client);

/// The payload every peer sends: `size` bytes of 'x'.
std::string make_payload(std::size_t size);

/// Prints the result line: client, mode, messages, seconds, rate, CPU from
/// getrusage(RUSAGE_SELF) and the peak RSS of this program.
void print_report(std::string_view client, const PeerOptions& options, double seconds);

/// Prints `message` to stderr prefixed with `client` and exits with status 1.
[[noreturn]] void fail(std::string_view client, std::string_view message);

/// Seconds since construction on the monotonic clock.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  /// Seconds elapsed since construction.
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

/// Thread-safe count of completions with a bound on outstanding operations, for clients whose
/// callbacks run on a library thread while the main thread publishes.
class Completions {
 public:
  /// At most `window` operations may be outstanding; 0 means no bound.
  explicit Completions(std::uint32_t window) : window_(window) {}

  /// Blocks until fewer than `window` operations are outstanding, then counts one more.
  void acquire();

  /// One operation finished (called from any thread).
  void complete();

  /// Blocks until `total` operations have finished.
  void wait_for(std::uint64_t total);

  /// Operations finished so far.
  std::uint64_t done() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::uint32_t window_;
  std::uint64_t started_ = 0;
  std::uint64_t done_ = 0;
  bool waiting_ = false;  // someone blocks in acquire() or wait_for()
};

}  // namespace portmqtt::bench
