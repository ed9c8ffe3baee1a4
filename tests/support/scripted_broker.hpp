// A broker that follows a script, for behaviour no real broker here shows (a broker that
// answers QoS 2 with PUBACK, one that announces a 256 MiB packet). One connection at a time on
// a free loopback port; the script runs on its own thread with blocking, time-bounded reads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace portmqtt::test {

using Bytes = std::vector<std::uint8_t>;

/// One accepted connection, seen from the broker's side.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(int fd) : fd_(fd) {}
  /// The next whole MQTT packet (fixed header included), or nothing on timeout or close.
  std::optional<Bytes> read_packet(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Writes all of `bytes`; false when the peer is gone.
  bool write(const Bytes& bytes);
  /// True when the client closed the connection within `timeout` (bytes before the close are
  /// discarded).
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  bool read_exact(std::uint8_t* out, std::size_t n, std::chrono::steady_clock::time_point until);
  int fd_;
};

class ScriptedBroker {
 public:
  using Script = std::function<void(ScriptedPeer&)>;
  /// Listens on 127.0.0.1 and runs `script` for each accepted connection, one after the
  /// other, up to `connections` of them.
  explicit ScriptedBroker(Script script, int connections = 1);
  ~ScriptedBroker();  ///< closes the listener and joins the script thread
  ScriptedBroker(const ScriptedBroker&) = delete;
  ScriptedBroker& operator=(const ScriptedBroker&) = delete;

  std::uint16_t port() const { return port_; }
  std::string uri() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  /// How many connections were accepted so far.
  int accepted() const { return accepted_; }

 private:
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace portmqtt::test
