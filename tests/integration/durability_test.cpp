// Last will, persistent sessions and a broker restart in the middle of a QoS 1 stream.
#include <gtest/gtest.h>

#include <set>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

class DurabilityTest : public ::testing::TestWithParam<ProtocolVersion> {
 protected:
  Config config(const Mosquitto& b, const std::string& id) {
    Config c;
    c.broker.uri = b.uri();
    c.credentials.client_id = id;
    c.session.protocol_version = GetParam();
    c.network.reconnect.interval = 100ms;
    return c;
  }
  bool v5() const { return GetParam() == ProtocolVersion::v5; }
};

TEST_P(DurabilityTest, WillIsPublishedOnAbnormalCloseOnly) {
  Mosquitto broker;
  MosquittoSub sub{broker, {.topic = "will/t", .count = 1, .timeout_s = 20, .v5 = v5()}};
  ASSERT_TRUE(sub.wait_subscribed());
  Config c = config(broker, "testator");
  c.session.last_will = Message{.topic = "will/t", .payload = std::string("gone\0!", 6)};
  {
    // A clean DISCONNECT: no will.
    Client polite{c};
    Recorder rec{polite};
    ASSERT_FALSE(polite.start());
    ASSERT_TRUE(rec.wait_connected());
    ASSERT_FALSE(polite.stop());
  }
  EXPECT_TRUE(sub.wait(300ms) == std::nullopt) << "will published after a clean disconnect";
  // refresh_connection() drops the link without DISCONNECT: the broker publishes the will.
  Client rude{c};
  Recorder rec{rude};
  ASSERT_FALSE(rude.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_FALSE(rude.refresh_connection());
  ASSERT_EQ(sub.wait(10s), 0);
  EXPECT_EQ(sub.output(), std::string("gone\0!", 6));
  ASSERT_TRUE(rec.wait_connected(2));  // and reconnects at once
}

TEST_P(DurabilityTest, PersistentSessionReceivesWhatWasSentWhileOffline) {
  Mosquitto broker;
  Config c = config(broker, "durable");
  c.session.clean_session = false;
  if (v5()) c.session.connect_properties.add(PropertyId::session_expiry_interval, 3600);
  {
    Client first{c};
    Recorder rec{first};
    ASSERT_FALSE(first.start());
    ASSERT_TRUE(rec.wait_connected());
    ASSERT_TRUE(first.subscribe("p/+", {.qos = QoS::exactly_once}));
    ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
    ASSERT_FALSE(first.stop());
  }
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "p/1", .payload = "one", .qos = 1}), 0);
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "p/2", .payload = "two", .qos = 2}), 0);
  Client second{c};
  Recorder rec{second};
  ASSERT_FALSE(second.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_TRUE(rec.session_present);
  ASSERT_TRUE(rec.wait_messages(2));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.messages[0].topic, "p/1");
  EXPECT_EQ(rec.messages[0].payload, "one");
  EXPECT_EQ(rec.messages[0].qos, QoS::at_least_once);
  EXPECT_EQ(rec.messages[1].topic, "p/2");
  EXPECT_EQ(rec.messages[1].payload, "two");
  EXPECT_EQ(rec.messages[1].qos, QoS::exactly_once);
}

TEST_P(DurabilityTest, BrokerRestartDuringQos1StreamLosesNothing) {
  Mosquitto broker{{.persistence = true}};
  // The subscriber is our own client with a persistent session, so the broker keeps its
  // queue across the restart too.
  Config sc = config(broker, "stream-sink");
  sc.session.clean_session = false;
  if (v5()) sc.session.connect_properties.add(PropertyId::session_expiry_interval, 3600);
  Client sink{sc};
  Recorder in{sink};
  ASSERT_FALSE(sink.start());
  ASSERT_TRUE(in.wait_connected());
  ASSERT_TRUE(sink.subscribe("s/t", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(in.wait([&] { return !in.subacks.empty(); }));

  Config pc = config(broker, "stream-source");
  pc.outbox.expiry = 0ms;  // keep everything until acknowledged
  Client source{pc};
  Recorder out{source};
  ASSERT_FALSE(source.start());
  ASSERT_TRUE(out.wait_connected());
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) {
    if (i == kCount / 2) broker.stop(SIGTERM);  // mid-stream; the rest goes to the outbox
    if (i == kCount / 2 + 20) broker.start();
    ASSERT_TRUE(source.publish("s/t", std::to_string(i), {.qos = QoS::at_least_once}));
  }
  ASSERT_TRUE(out.wait([&] { return out.published.size() >= kCount; }, 30s))
      << out.published.size();
  ASSERT_TRUE(in.wait(
      [&] {
        std::set<std::string> seen;
        for (const auto& m : in.messages)
          seen.insert(m.payload);
        return seen.size() >= kCount;
      },
      30s));
  std::lock_guard lock(in.mutex);
  std::set<std::string> seen;
  for (const auto& m : in.messages)
    seen.insert(m.payload);
  for (int i = 0; i < kCount; ++i)
    EXPECT_TRUE(seen.count(std::to_string(i))) << i;
}

INSTANTIATE_TEST_SUITE_P(Versions, DurabilityTest,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                         [](const auto& param_info) {
                           return param_info.param == ProtocolVersion::v5 ? "v5" : "v311";
                         });

}  // namespace
}  // namespace portmqtt::test
