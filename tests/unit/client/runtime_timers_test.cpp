// The runtime's timers over the scripted transport: the CONNACK timeout, the reconnect
// back-off, keep-alive pings and a missing PINGRESP, a write that never ends. Times are
// measured with the steady clock as bounds: a timer never fires early, and the upper bounds
// are loose enough for a loaded machine.
#include <thread>

#include "runtime_harness.hpp"

namespace portmqtt::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

const std::string kBefore = "before_connect mqtt://broker.test:1883";

milliseconds between(Clock::time_point from, Clock::time_point to) {
  return duration_cast<milliseconds>(to - from);
}

TEST_F(RuntimeTest, NoConnackWithinTheNetworkTimeoutEndsTheAttempt) {
  script->connection().expect(connect_packet(), "CONNECT");  // and no CONNACK
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Config config = base_config();
  config.network.timeout = 150ms;
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(5));
  const std::string timeout = code_of(errc::connack_timeout);
  EXPECT_EQ(log.first(5), (std::vector<std::string>{
                              kBefore,
                              "error protocol " + timeout + " errno=0 at broker.test:1883",
                              "disconnected " + timeout + " never_connected",
                              kBefore,
                              "connected",
                          }));
  const milliseconds waited = between(script->record(0).made, log.times_of("error")[0]);
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 150ms + 2s);
  EXPECT_EQ(script->record(0).packets, std::vector<Bytes>{connect_packet()});
  EXPECT_EQ(script->record(0).closes, 1u);
}

TEST_F(RuntimeTest, ReconnectDelaysGrowByTheMultiplierUpToTheMaximum) {
  // No connection scripted: every attempt is refused.
  Config config = base_config();
  config.network.reconnect = {.interval = 50ms,
                              .exponential_backoff = true,
                              .multiplier = 2.0,
                              .max_interval = 200ms,
                              .jitter = 0};
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(script->wait_attempts(5));
  EXPECT_FALSE(client.stop());
  const milliseconds expected[] = {50ms, 100ms, 200ms, 200ms};
  for (std::size_t i = 0; i < 4; ++i) {
    // From the Disconnected of attempt i to the transport of attempt i + 1.
    const milliseconds delay = between(log.times_of("disconnected")[i], script->record(i + 1).made);
    EXPECT_GE(delay, expected[i]) << "delay " << i;
    EXPECT_LT(delay, expected[i] + 1s) << "delay " << i;
  }
  const std::string refused = code_of(system_error(ECONNREFUSED));
  EXPECT_EQ(log.first(4), (std::vector<std::string>{
                              kBefore,
                              "error transport " + refused +
                                  " errno=" + std::to_string(ECONNREFUSED) + " at broker.test:1883",
                              "disconnected " + refused + " never_connected",
                              kBefore,
                          }));
}

TEST_F(RuntimeTest, ACompletedConnectionResetsTheBackoff) {
  script->connection().refuse(system_error(ECONNREFUSED));
  script->connection().refuse(system_error(ECONNREFUSED));
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .read_error(system_error(ECONNRESET));
  Config config = base_config();
  config.network.reconnect = {.interval = 100ms,
                              .exponential_backoff = true,
                              .multiplier = 8.0,
                              .max_interval = 5s,
                              .jitter = 0};
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(script->wait_attempts(4));
  EXPECT_FALSE(client.stop());
  const auto disconnected = log.times_of("disconnected");
  ASSERT_GE(disconnected.size(), 3u);
  EXPECT_GE(between(disconnected[0], script->record(1).made), 100ms);
  EXPECT_GE(between(disconnected[1], script->record(2).made), 800ms);
  // After CONNACK the next delay is the interval again, not 6.4 s.
  const milliseconds after_loss = between(disconnected[2], script->record(3).made);
  EXPECT_GE(after_loss, 100ms);
  EXPECT_LT(after_loss, 3s);
}

TEST_F(RuntimeTest, KeepAlivePingsAndAMissingPingrespClosesTheConnection) {
  script->connection()
      .expect(connect_packet(1), "CONNECT keep-alive 1 s")
      .deliver(kConnack)
      .expect(kPingreq, "PINGREQ")
      .deliver(kPingresp)
      .expect(kPingreq, "PINGREQ");  // this one stays unanswered
  script->connection().expect(connect_packet(1), "CONNECT keep-alive 1 s").deliver(kConnack);
  Config config = base_config();
  config.session.keep_alive = 1s;
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(6));
  const std::string timeout = code_of(errc::keepalive_timeout);
  EXPECT_EQ(log.first(6), (std::vector<std::string>{
                              kBefore,
                              "connected",
                              "error protocol " + timeout + " errno=0 at broker.test:1883",
                              "disconnected " + timeout + " was_connected",
                              kBefore,
                              "connected",
                          }));
  EXPECT_EQ(script->record(0).packets, (std::vector<Bytes>{connect_packet(1), kPingreq, kPingreq}));
  // Two pings half a keep-alive apart, then half a keep-alive for the PINGRESP.
  const milliseconds lived = between(log.times_of("connected")[0], log.times_of("error")[0]);
  EXPECT_GE(lived, 1500ms);
  EXPECT_LT(lived, 4s);
}

TEST_F(RuntimeTest, AWriteThatNeverEndsTimesOutAfterTheNetworkTimeout) {
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack).stall_writes();
  Config config = base_config();
  config.network.timeout = 200ms;
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(client.publish("t", "a"));
  ASSERT_TRUE(log.wait_lines(4));
  const std::string timed_out = code_of(system_error(ETIMEDOUT));
  EXPECT_EQ(log.first(4), (std::vector<std::string>{
                              kBefore,
                              "connected",
                              "error transport " + timed_out +
                                  " errno=" + std::to_string(ETIMEDOUT) + " at broker.test:1883",
                              "disconnected " + timed_out + " was_connected",
                          }));
  EXPECT_EQ(script->record(0).packets, std::vector<Bytes>{connect_packet()});
  EXPECT_GE(between(log.times_of("connected")[0], log.times_of("error")[0]), 200ms);
}

// Each write moves the write deadline later, and the session timer stays armed for the
// earlier one until it fires: a write that stalls after others went through still times out
// one network.timeout after it started, neither sooner nor never.
TEST_F(RuntimeTest, AWriteThatStallsAfterOthersTimesOutOneNetworkTimeoutAfterItStarted) {
  const Bytes publish = {0x30, 0x04, 0x00, 0x01, 't', 'a'};  // QoS 0, topic "t", payload "a"
  constexpr int kWrites = 6;
  // A handle on the script's connection, kept by value: connection() returns a temporary.
  ConnectionScript connection = script->connection();
  connection.expect(connect_packet(60), "CONNECT").deliver(kConnack);
  for (int i = 0; i < kWrites; ++i)
    connection.expect(publish, "PUBLISH");
  connection.stall_writes();
  Config config = base_config();
  config.network.timeout = 200ms;
  config.session.keep_alive = 60s;  // a later deadline for the timer to be armed for
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  // 360 ms of writes that complete: the deadline of the first runs out while they go on.
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(client.publish("t", "a"));
    std::this_thread::sleep_for(60ms);
  }
  const Clock::time_point stalled = Clock::now();
  ASSERT_TRUE(client.publish("t", "a"));
  ASSERT_TRUE(log.wait_lines(4));
  const std::string timed_out = code_of(system_error(ETIMEDOUT));
  EXPECT_EQ(log.first(4)[2], "error transport " + timed_out +
                                 " errno=" + std::to_string(ETIMEDOUT) + " at broker.test:1883");
  const milliseconds waited = between(stalled, log.times_of("error")[0]);
  EXPECT_GE(waited, 200ms);
  EXPECT_LT(waited, 200ms + 2s);
  std::vector<Bytes> written{connect_packet(60)};
  written.insert(written.end(), kWrites, publish);
  EXPECT_EQ(script->record(0).packets, written);
}

// When the CONNECT write stalls, the CONNACK timeout and the write timeout both run out (both
// are network.timeout). The first ends the attempt; the second is part of the same end: one
// Error, and a Disconnected that gives the same reason.
TEST_F(RuntimeTest, AStalledConnectWriteReportsOneError) {
  script->connection().stall_writes();
  Config config = base_config();
  config.network.timeout = 200ms;
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for(kBefore));
  ASSERT_TRUE(log.wait_lines(4));
  const auto lines = log.first(4);
  // Whichever timer runs out first names the end: the CONNACK timeout, or the write's ETIMEDOUT.
  const std::string connack = code_of(errc::connack_timeout);
  const std::string write = code_of(system_error(ETIMEDOUT));
  const bool by_connack = lines[1].starts_with("error protocol " + connack + " ");
  EXPECT_TRUE(by_connack || lines[1].starts_with("error transport " + write + " ")) << lines[1];
  EXPECT_EQ(lines[2], "disconnected " + (by_connack ? connack : write) + " never_connected");
  EXPECT_EQ(lines[3], kBefore);
}

}  // namespace
}  // namespace portmqtt::test
