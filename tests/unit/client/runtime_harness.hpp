// What the runtime tests share: a Client over the scripted transport (no socket, no broker),
// its events as one line each (so a test asserts the exact sequence), and MQTT 3.1.1 packets
// written by hand, one comment per field.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "portmqtt/client.hpp"
#include "scripted_transport.hpp"

namespace portmqtt::test {

using namespace std::chrono_literals;

// --- packets (MQTT 3.1.1, client id "c", clean session) -------------------------------------

/// `flags`: 0x02 clean session, 0x00 a persistent one.
inline Bytes connect_packet(std::uint8_t keep_alive_seconds = 0, std::uint8_t flags = 0x02) {
  // clang-format off
  return {0x10, 0x0d,                      // CONNECT, remaining 13
          0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
          0x04,                            // protocol level 3.1.1
          flags,                           // connect flags
          0x00, keep_alive_seconds,        // keep-alive
          0x00, 0x01, 'c'};                // client id "c"
  // clang-format on
}
inline const Bytes kConnack = {0x20, 0x02,  // CONNACK, remaining 2
                               0x00,        // no session present
                               0x00};       // accepted
inline const Bytes kPingreq = {0xc0, 0x00};
inline const Bytes kPingresp = {0xd0, 0x00};
inline const Bytes kDisconnect = {0xe0, 0x00};
/// The packets one after the other, as one write or one delivery.
inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}
// A subscription to "t" and a QoS 1 message on it, as several tests exchange them.
inline const Bytes kSubscribe = {0x82, 0x06,                 // SUBSCRIBE, remaining 6
                                 0x00, 0x01,                 // packet id 1
                                 0x00, 0x01, 't',            // filter "t"
                                 0x01};                      // maximum QoS 1
inline const Bytes kSuback = {0x90, 0x03,                    // SUBACK, remaining 3
                              0x00, 0x01,                    // packet id 1
                              0x01};                         // granted QoS 1
inline const Bytes kIncoming = {0x32, 0x0a,                  // PUBLISH QoS 1, remaining 10
                                0x00, 0x01, 't',             // topic "t"
                                0x00, 0x07,                  // packet id 7
                                'h',  'e',  'l', 'l', 'o'};  // payload
inline const Bytes kPuback7 = {0x40, 0x02,                   // PUBACK, remaining 2
                               0x00, 0x07};                  // packet id 7

// --- events as lines ------------------------------------------------------------------------

/// "<category>:<value>", or "ok" for no error.
std::string code_of(std::error_code ec);

/// Records every event of a client as one line, with the time it arrived. Declare it after
/// its client: it stops the client (discarding what is queued) before it goes.
class EventLog {
 public:
  explicit EventLog(Client& client);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  std::vector<std::string> lines() const;
  /// The times of the lines that start with `prefix`.
  std::vector<std::chrono::steady_clock::time_point> times_of(const std::string& prefix) const;
  /// Until `count` lines are in (or 10 s).
  bool wait_lines(std::size_t count, std::chrono::milliseconds timeout = 10s) const;
  /// Until a line equal to `line` is in.
  bool wait_for(const std::string& line, std::chrono::milliseconds timeout = 10s) const;
  /// The first `count` lines.
  std::vector<std::string> first(std::size_t count) const;

 private:
  void add(std::string line);

  Client& client_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::string> lines_;
  std::vector<std::chrono::steady_clock::time_point> times_;
};

/// A fixture with a script installed for every client of the test.
class RuntimeTest : public ::testing::Test {
 protected:
  /// MQTT 3.1.1 at broker.test:1883 as client "c", no keep-alive, quick reconnects without
  /// jitter, short timeouts.
  static Config base_config();

  void TearDown() override;

  std::shared_ptr<Script> script = std::make_shared<Script>();
  transport::TransportFactoryScope scope = script->install();
};

}  // namespace portmqtt::test
