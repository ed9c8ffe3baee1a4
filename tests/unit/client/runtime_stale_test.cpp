// Staleness by identity: each connection attempt is its own object, and a completion of an
// attempt that has ended changes nothing in the attempt that replaced it. The scripted
// transport's complete_after_close() lets an operation of the first link complete without an
// error after the client closed it and began the next one, as a completion already queued
// when the link was closed does.
#include <thread>

#include "runtime_harness.hpp"

namespace portmqtt::test {
namespace {

const std::string kBefore = "before_connect mqtt://broker.test:1883";

// A QoS 0 PUBLISH on "t" that only the first link could deliver.
const Bytes kStalePublish = {0x30, 0x08,                  // PUBLISH QoS 0, remaining 8
                             0x00, 0x01, 't',             // topic "t"
                             's',  't',  'a', 'l', 'e'};  // payload "stale"

// Until the late completions of connection `index` have run (each counted after its handler
// returned).
bool wait_late(Script& script, std::size_t index, unsigned count) {
  return script.wait([&] { return script.record(index).late_completions == count; });
}

TEST_F(RuntimeTest, AReadOfTheRefreshedLinkThatCompletesLateDeliversNothing) {
  // The first link's read is pending when refresh_connection() closes it; 50 ms later it completes
  // with a whole PUBLISH, after the second link is connected.
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .complete_after_close(50ms, kStalePublish);
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_FALSE(client.refresh_connection());
  const std::vector<std::string> expected{kBefore, "connected", "disconnected ok was_connected",
                                          kBefore, "connected"};
  ASSERT_TRUE(log.wait_lines(expected.size()));
  ASSERT_EQ(log.lines(), expected);

  ASSERT_TRUE(wait_late(*script, 0, 1));  // the stale read's handler has returned
  std::this_thread::sleep_for(20ms);      // and anything it might have posted has run
  EXPECT_EQ(log.lines(), expected);       // no "message t stale", no second disconnect
  EXPECT_EQ(client.state(), ConnectionState::connected);
  const ConnectionRecord second = script->record(1);
  EXPECT_EQ(second.packets, std::vector<Bytes>{connect_packet()});
  EXPECT_EQ(second.closes, 0u);
  EXPECT_EQ(script->record(0).closes, 1u);
  EXPECT_EQ(script->attempts(), 2u);
}

TEST_F(RuntimeTest, AConnectOfAnAbandonedAttemptThatSucceedsLateOpensNothing) {
  // The first connect never completes before disconnect_abruptly() closes it; 50 ms later it
  // succeeds, while the attempt that reconnect() began is connected.
  script->connection().hang().complete_after_close(50ms);
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(script->wait_attempts(1));
  ASSERT_FALSE(client.disconnect_abruptly());
  ASSERT_FALSE(client.reconnect());
  ASSERT_TRUE(log.wait_for("connected"));
  const std::vector<std::string> before_late = log.lines();

  ASSERT_TRUE(wait_late(*script, 0, 1));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(log.lines(), before_late);
  EXPECT_EQ(client.state(), ConnectionState::connected);
  // A stale connect taken for the current one would have sent a second CONNECT.
  EXPECT_EQ(script->record(1).packets, std::vector<Bytes>{connect_packet()});
  EXPECT_TRUE(script->record(0).packets.empty());
  EXPECT_EQ(script->record(1).closes, 0u);
  EXPECT_EQ(script->attempts(), 2u);
}

TEST_F(RuntimeTest, AWriteOfTheRefreshedLinkThatCompletesLateEndsNoWriteOfTheNextOne) {
  // The first link stops taking writes; its PUBLISH is in flight when refresh_connection() closes
  // it and completes 50 ms later, while the second link's own write stalls in flight. Taken for the
  // current write, the stale completion would end it and let the next one start.
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .stall_writes()
      .complete_after_close(50ms);
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack).stall_writes();
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(script->wait_steps_done(0));
  ASSERT_TRUE(client.publish("t", "a"));  // QoS 0: stalls in flight on the first link
  ASSERT_FALSE(client.refresh_connection());
  ASSERT_TRUE(log.wait_lines(5));  // ..., disconnected, before_connect, connected
  ASSERT_TRUE(script->wait_steps_done(1));
  ASSERT_TRUE(client.publish("t", "b"));  // stalls in flight on the second link
  ASSERT_TRUE(client.publish("t", "c"));  // waits for that write
  const std::vector<std::string> before_late = log.lines();

  // The first link's read (with no bytes) and its write (whole) report success.
  ASSERT_TRUE(wait_late(*script, 0, 2));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(log.lines(), before_late);
  EXPECT_EQ(client.state(), ConnectionState::connected);
  // Still one write in flight on the second link, and the third message queued behind it.
  EXPECT_EQ(script->record(1).packets, std::vector<Bytes>{connect_packet()});
  EXPECT_EQ(script->record(1).writes.size(), 1u);  // CONNECT's; the stalled one never ends
  EXPECT_EQ(client.stats().bytes_out, 2 * connect_packet().size());
  EXPECT_EQ(script->record(1).closes, 0u);
}

}  // namespace
}  // namespace portmqtt::test
