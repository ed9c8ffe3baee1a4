// Outbound topic aliases against mosquitto (MQTT 5): aliases defined by QoS 1/2 PUBLISHes,
// alias-only publishes, and automatic aliases. mosquitto resolves every alias itself and
// disconnects a client that uses one it does not know, so a subscriber receiving each
// message on its full topic shows the broker understood every alias.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

Config v5_config(const Mosquitto& broker, const std::string& id) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = id;
  c.session.protocol_version = ProtocolVersion::v5;
  c.network.reconnect.interval = 200ms;
  return c;
}

Properties alias(std::uint32_t value) {
  Properties p;
  p.add(PropertyId::topic_alias, value);
  return p;
}

TEST(TopicAliasMosquitto, AliasDefinedAtQos1ServesAliasOnlyPublishes) {
  Mosquitto broker{{.extra_config = "max_topic_alias 10\n"}};
  MosquittoSub sub{broker,
                   {.topic = "alias/#",
                    .qos = 1,
                    .count = 4,
                    .v5 = true,
                    .client_id = "alias-sub",
                    .format = "%t=%p"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{v5_config(broker, "alias-pub")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_EQ(rec.server.topic_alias_maximum, 10);
  const PublishOptions qos1{.qos = QoS::at_least_once};
  ASSERT_TRUE(client.publish("alias/long/topic/name", "one", qos1, alias(1)));
  ASSERT_TRUE(client.publish("", "two", {}, alias(1)));  // QoS 0, alias alone
  ASSERT_TRUE(client.publish("", "three", qos1, alias(1)));
  ASSERT_TRUE(client.publish("", "four", {.qos = QoS::exactly_once}, alias(1)));
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 3; })) << broker.log();
  ASSERT_EQ(sub.wait(10s), 0) << broker.log();
  EXPECT_EQ(sub.output(),
            "alias/long/topic/name=one\nalias/long/topic/name=two\n"
            "alias/long/topic/name=three\nalias/long/topic/name=four\n");
  EXPECT_TRUE(rec.errors.empty());
}

TEST(TopicAliasMosquitto, AutomaticAliasesAcrossManyTopicsAndAReconnect) {
  Mosquitto broker{{.extra_config = "max_topic_alias 4\n"}};
  constexpr int kTopics = 10;
  constexpr int kRounds = 3;
  MosquittoSub sub{broker,
                   {.topic = "fleet/#",
                    .qos = 1,
                    .count = 2 * kTopics * kRounds,
                    .v5 = true,
                    .client_id = "auto-sub",
                    .format = "%t=%p"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Config c = v5_config(broker, "auto-pub");
  c.session.auto_topic_aliases = 100;  // the broker's 4 is the limit
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  std::string expected;
  auto publish_all = [&](int pass) {
    for (int round = 0; round < kRounds; ++round) {
      for (int t = 0; t < kTopics; ++t) {
        // Topics 0..2 repeat often (they keep their aliases), the rest rotate through.
        const int topic = round % 2 == 0 ? t : t % 3;
        const std::string name = "fleet/building-7/floor-3/sensor-" + std::to_string(topic);
        const std::string payload =
            std::to_string(pass) + "." + std::to_string(round) + "." + std::to_string(t);
        const QoS qos = t % 2 == 0 ? QoS::at_most_once : QoS::at_least_once;
        ASSERT_TRUE(client.publish(name, payload, {.qos = qos}));
        expected += name + "=" + payload + "\n";
      }
    }
  };
  publish_all(0);
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == kTopics * kRounds / 2; }));
  // A new connection: the broker forgot every alias; the client starts again from none.
  ASSERT_FALSE(client.refresh_connection());
  ASSERT_TRUE(rec.wait_connected(2));
  publish_all(1);
  ASSERT_EQ(sub.wait(15s), 0) << broker.log();
  // mosquitto may deliver QoS 0 ahead of QoS 1 messages waiting for the subscriber's window:
  // compare the messages, not their order.
  auto lines = [](const std::string& text) {
    std::vector<std::string> all;
    std::size_t at = 0;
    for (std::size_t end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
      all.push_back(text.substr(at, end - at));
    std::sort(all.begin(), all.end());
    return all;
  };
  EXPECT_EQ(lines(sub.output()), lines(expected));
  EXPECT_TRUE(rec.errors.empty());
  EXPECT_EQ(broker.count_in_log("Client auto-pub disconnected due to protocol error"), 0u);
}

}  // namespace
}  // namespace portmqtt::test
