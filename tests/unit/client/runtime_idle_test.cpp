// An idle connection keeps little: it waits for bytes without a receive buffer, gives back the
// scratch memory kept between packets, and makes the completions of subscribe, unsubscribe and
// drain on first use. Each must behave the same once made again: these tests go idle first
// (a transport that can wait for readability, as a socket does), then use each of them.
#include <future>
#include <thread>

#include "runtime_harness.hpp"

namespace portmqtt::test {
namespace {

const Bytes kQos0 = {0x30, 0x04,                   // PUBLISH QoS 0, remaining 4
                     0x00, 0x01, 't', 'p'};        // topic "t", payload "p"
const Bytes kUnsubscribe = {0xa2, 0x05,            // UNSUBSCRIBE, remaining 5
                            0x00, 0x02,            // packet id 2
                            0x00, 0x01, 't'};      // filter "t"
const Bytes kUnsuback = {0xb0, 0x02, 0x00, 0x02};  // UNSUBACK, packet id 2

// Until the connection has waited for readability `n` times (10 s at most).
bool wait_idle(const Script& script, unsigned n) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (script.record(0).readable_waits >= n) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST_F(RuntimeTest, AnIdleConnectionWorksTheSameAfterGivingItsMemoryBack) {
  script->connection()
      .readability_waits()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect(kSubscribe, "SUBSCRIBE")
      .deliver(kSuback)
      .after(50ms)
      .deliver(kIncoming)
      .expect(kPuback7, "PUBACK 7")
      .expect(kQos0, "PUBLISH QoS 0")
      .expect(kUnsubscribe, "UNSUBSCRIBE")
      .deliver(kUnsuback);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(wait_idle(*script, 1));  // after CONNACK: idle, nothing held

  // The completions of subscribe are made by the first one; the SUBACK completes it.
  std::promise<SubscribeResult> subscribed;
  client.subscribe("t", {.qos = QoS::at_least_once}, Properties{},
                   [&](std::error_code ec, SubscribeResult result) {
                     EXPECT_FALSE(ec);
                     subscribed.set_value(std::move(result));
                   });
  auto suback = subscribed.get_future();
  ASSERT_EQ(suback.wait_for(10s), std::future_status::ready);
  const SubscribeResult result = suback.get();
  EXPECT_EQ(result.packet_id, 1);
  ASSERT_EQ(result.reasons.size(), 1u);
  EXPECT_EQ(result.reasons[0], ReasonCode::granted_qos_1);

  // A message arrives after a pause: read, delivered, acknowledged.
  ASSERT_TRUE(log.wait_for("message t hello qos=1 id=7"));
  ASSERT_TRUE(client.publish("t", "p", {.qos = QoS::at_most_once}));
  std::promise<std::error_code> unsubscribed;
  client.unsubscribe("t", Properties{},
                     [&](std::error_code ec, UnsubscribeResult) { unsubscribed.set_value(ec); });
  auto unsuback = unsubscribed.get_future();
  ASSERT_EQ(unsuback.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(unsuback.get());
  // Everything sent since the last idle spell is written: drain() completes (its completions
  // too are made on first use).
  EXPECT_FALSE(client.drain(2000ms));
  ASSERT_TRUE(script->wait_steps_done(0));

  const ConnectionRecord r = script->record(0);
  EXPECT_TRUE(script->mismatches().empty());
  EXPECT_EQ(r.written, concat({connect_packet(), kSubscribe, kPuback7, kQos0, kUnsubscribe}));
  EXPECT_GE(r.readable_waits, 2u);  // after CONNACK, and at least once more
}

TEST_F(RuntimeTest, AStopWhileWaitingForBytesEndsTheWait) {
  script->connection().readability_waits().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(wait_idle(*script, 1));
  EXPECT_FALSE(client.stop());
  EXPECT_EQ(script->record(0).closes, 1u);
}

}  // namespace
}  // namespace portmqtt::test
