// Keep-alive (§3.1.2.10) from the client's side: when to send PINGREQ and when to give up on
// PINGRESP, computed only from the times it is told about.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "session/config.hpp"

namespace portmqtt::session {

class KeepAlive {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  enum class Action : std::uint8_t { none, send_ping, timed_out };

  /// Arms the timers for a connection whose keep-alive is `keep_alive_s` (0: off).
  void start(TimePoint now, std::uint16_t keep_alive_s, std::uint8_t ping_interval_percent,
             Duration ping_timeout);
  void stop() { enabled_ = false; }

  void on_sent(TimePoint now) { last_sent_ = now; }
  void on_received(TimePoint now) { last_received_ = now; }
  void on_pingresp() { ping_sent_.reset(); }
  /// Records that a PINGREQ went out (call on_sent too).
  void on_ping_sent(TimePoint now) { ping_sent_ = now; }

  /// What the timers ask for at `now`.
  Action poll(TimePoint now) const;
  std::optional<TimePoint> deadline() const;

 private:
  bool enabled_ = false;
  Duration interval_{0};
  Duration timeout_{0};
  TimePoint last_sent_{};
  TimePoint last_received_{};
  std::optional<TimePoint> ping_sent_;
};

}  // namespace portmqtt::session
