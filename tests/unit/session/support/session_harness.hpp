// Drives a Session the way the runtime does, with a fake clock, and exposes what it produced
// as plain bytes and events so tests can compare them with hand-written expectations.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "session/session.hpp"

namespace portmqtt::session::test {

using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

/// Time that moves only when the test says so.
class FakeClock {
 public:
  TimePoint now() const { return now_; }
  void advance(Duration d) { now_ += d; }

 private:
  TimePoint now_{std::chrono::hours{1}};
};

/// Every buffer of a batch, back to back: what one gather write puts on the wire.
inline Bytes concat(const OutputBatch& batch) {
  Bytes all;
  for (auto view : batch.buffers())
    all.insert(all.end(), view.begin(), view.end());
  return all;
}

inline codec::ByteView view_of(const Bytes& bytes) {
  return {bytes.data(), bytes.size()};
}

/// Bytes of an ASCII string, for payloads and topics inside expectations.
inline Bytes ascii(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

/// Joins byte sequences: cat({0x30, 0x05}, ascii("topic")).
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const auto& p : parts)
    all.insert(all.end(), p.begin(), p.end());
  return all;
}

inline Config config_for(codec::ProtocolVersion version) {
  Config c;
  c.version = version;
  c.client_id = "c";
  c.keep_alive_s = 60;
  return c;
}

class Harness {
 public:
  explicit Harness(Config config, std::unique_ptr<Store> store = nullptr)
      : session(std::move(config), std::move(store)) {}

  TimePoint now() const { return clock.now(); }

  /// Everything the session queued for the transport since the last call.
  Bytes output() { return concat(session.take_output()); }

  /// Feeds bytes the broker sent; expects all of them to be consumed.
  /// Events borrow from the fed bytes, so the harness keeps them until the next feed.
  void feed(const Bytes& bytes) {
    fed_ = bytes;
    const std::size_t used = session.receive(view_of(fed_), clock.now());
    EXPECT_EQ(used, fed_.size());
  }

  /// Moves the clock and runs the timers.
  void advance(Duration d) {
    clock.advance(d);
    session.tick(clock.now());
  }

  /// Every pending event, in order.
  std::vector<Event> events() {
    std::vector<Event> all;
    while (auto e = session.next_event())
      all.push_back(std::move(*e));
    return all;
  }

  /// Opens the transport and accepts the CONNACK `connack`; drops the CONNECT bytes and the
  /// Connected event (tests of CONNECT itself assert those).
  void connect_with(const Bytes& connack) {
    session.connection_opened(clock.now());
    output();
    feed(connack);
    auto all = events();
    ASSERT_FALSE(all.empty());
    ASSERT_TRUE(std::holds_alternative<Connected>(all.front()));
    pending_after_connect.assign(std::make_move_iterator(all.begin() + 1),
                                 std::make_move_iterator(all.end()));
  }

  CommandResult publish(std::string_view topic, std::string_view payload, codec::QoS qos,
                        bool retain = false, PublishOptions options = {}) {
    codec::Publish p;
    p.topic = topic;
    p.payload = payload;
    p.qos = qos;
    p.retain = retain;
    return session.publish(p, clock.now(), options);
  }

  FakeClock clock;
  Session session;
  /// Events that followed Connected in connect_with().
  std::vector<Event> pending_after_connect;

 private:
  Bytes fed_;
};

/// CONNACK accepted, MQTT 3.1.1: session present as given.
inline Bytes connack_v311(bool session_present = false) {
  return {0x20, 0x02, static_cast<std::uint8_t>(session_present ? 0x01 : 0x00), 0x00};
}
/// CONNACK accepted, MQTT 5, no properties.
inline Bytes connack_v5(bool session_present = false) {
  return {0x20, 0x03, static_cast<std::uint8_t>(session_present ? 0x01 : 0x00), 0x00, 0x00};
}

/// The single event of a kind expected next; fails the test otherwise.
template <class T>
T take(std::vector<Event>& events, std::size_t index = 0) {
  if (index >= events.size()) {
    ADD_FAILURE() << "no event at index " << index;
    return T{};
  }
  if (auto* e = std::get_if<T>(&events[index])) return *e;
  ADD_FAILURE() << "event " << index << " has variant index " << events[index].index();
  return T{};
}

}  // namespace portmqtt::session::test
