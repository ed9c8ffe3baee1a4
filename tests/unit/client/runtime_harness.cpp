#include "runtime_harness.hpp"

#include <type_traits>
#include <variant>

namespace portmqtt::test {

std::string code_of(std::error_code ec) {
  if (!ec) return "ok";
  return std::string(ec.category().name()) + ":" + std::to_string(ec.value());
}

namespace {

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::transport:
      return "transport";
    case ErrorKind::connection_refused:
      return "connection_refused";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::tls:
      return "tls";
    case ErrorKind::store:
      return "store";
  }
  return "?";
}

std::string line_of(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, BeforeConnect>) {
          return "before_connect " + std::string(e.broker);
        } else if constexpr (std::is_same_v<E, Connected>) {
          return "connected";
        } else if constexpr (std::is_same_v<E, Disconnected>) {
          return "disconnected " + code_of(e.error) +
                 (e.was_connected ? " was_connected" : " never_connected");
        } else if constexpr (std::is_same_v<E, Error>) {
          std::string line = "error " + std::string(kind_name(e.kind)) + " " + code_of(e.error) +
                             " errno=" + std::to_string(e.system_errno) + " at " + e.where;
          if (e.kind == ErrorKind::connection_refused)
            line += " reason=" + std::to_string(static_cast<int>(e.connect_reason));
          if (e.fatal) line += " fatal";
          if (!e.cause.empty()) line += " (" + e.cause + ")";
          return line;
        } else if constexpr (std::is_same_v<E, Published>) {
          return "published id=" + std::to_string(e.packet_id) +
                 " reason=" + std::to_string(static_cast<int>(e.reason));
        } else if constexpr (std::is_same_v<E, Subscribed>) {
          std::string line = "subscribed id=" + std::to_string(e.packet_id);
          for (ReasonCode r : e.reasons)
            line += " " + std::to_string(static_cast<int>(r));
          return line;
        } else if constexpr (std::is_same_v<E, MessageReceived>) {
          return "message " + std::string(e.topic) + " " + std::string(e.payload) +
                 " qos=" + std::to_string(static_cast<int>(e.qos)) +
                 " id=" + std::to_string(e.packet_id);
        } else if constexpr (std::is_same_v<E, Deleted>) {
          return "deleted id=" + std::to_string(e.packet_id);
        } else {
          return "other";
        }
      },
      event);
}

}  // namespace

EventLog::EventLog(Client& client) : client_(client) {
  client.on_event([this](const Event& e) { add(line_of(e)); });
}

EventLog::~EventLog() {
  (void)client_.stop(discard);  // from here on no handler runs
}

void EventLog::add(std::string line) {
  std::lock_guard lock(mutex_);
  lines_.push_back(std::move(line));
  times_.push_back(std::chrono::steady_clock::now());
  changed_.notify_all();
}

std::vector<std::string> EventLog::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::vector<std::chrono::steady_clock::time_point> EventLog::times_of(
    const std::string& prefix) const {
  std::lock_guard lock(mutex_);
  std::vector<std::chrono::steady_clock::time_point> out;
  for (std::size_t i = 0; i < lines_.size(); ++i)
    if (lines_[i].starts_with(prefix)) out.push_back(times_[i]);
  return out;
}

bool EventLog::wait_lines(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return lines_.size() >= count; });
}

bool EventLog::wait_for(const std::string& line, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    for (const std::string& l : lines_)
      if (l == line) return true;
    return false;
  });
}

std::vector<std::string> EventLog::first(std::size_t count) const {
  std::lock_guard lock(mutex_);
  return {lines_.begin(),
          lines_.begin() + static_cast<std::ptrdiff_t>(std::min(count, lines_.size()))};
}

Config RuntimeTest::base_config() {
  Config config;
  config.broker.uri = "mqtt://broker.test:1883";
  config.credentials.client_id = "c";
  config.session.keep_alive = 0s;
  config.network.timeout = 2s;
  config.network.reconnect.interval = 20ms;
  config.network.reconnect.exponential_backoff = false;
  config.network.reconnect.jitter = 0;
  config.outbox.stop_drain_timeout = 200ms;
  return config;
}

void RuntimeTest::TearDown() {
  EXPECT_EQ(script->mismatches(), std::vector<std::string>{});
}

}  // namespace portmqtt::test
