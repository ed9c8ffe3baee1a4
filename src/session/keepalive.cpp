#include "session/keepalive.hpp"

#include <algorithm>

#include "session/session_impl.hpp"

namespace portmqtt::session {

void KeepAlive::start(TimePoint now, std::uint16_t keep_alive_s, std::uint8_t ping_interval_percent,
                      Duration ping_timeout) {
  enabled_ = keep_alive_s != 0;
  ping_sent_.reset();
  last_sent_ = now;
  last_received_ = now;
  if (!enabled_) return;
  const Duration keep_alive = std::chrono::seconds{keep_alive_s};
  // A share above 100 % would break the broker's 1.5x rule; 0 would ping on every tick.
  const auto percent =
      std::clamp<int>(ping_interval_percent == 0 ? 50 : ping_interval_percent, 1, 100);
  interval_ = std::max(Duration{1}, keep_alive * percent / 100);
  timeout_ = ping_timeout > Duration{0} ? ping_timeout : keep_alive / 2;
}

KeepAlive::Action KeepAlive::poll(TimePoint now) const {
  if (!enabled_) return Action::none;
  if (ping_sent_) return now - *ping_sent_ >= timeout_ ? Action::timed_out : Action::none;
  // Idle in either direction for the interval: quiet sending risks the broker's timeout, and
  // quiet receiving may be a half-open link that only a PINGRESP can disprove.
  if (now - last_sent_ >= interval_ || now - last_received_ >= interval_) return Action::send_ping;
  return Action::none;
}

std::optional<KeepAlive::TimePoint> KeepAlive::deadline() const {
  if (!enabled_) return std::nullopt;
  if (ping_sent_) return *ping_sent_ + timeout_;
  return std::min(last_sent_, last_received_) + interval_;
}

}  // namespace portmqtt::session
namespace portmqtt::session {

void Session::Impl::on_pingresp() {
  // An unsolicited PINGRESP is harmless and not worth ending the connection for.
  keepalive.on_pingresp();
}

}  // namespace portmqtt::session
