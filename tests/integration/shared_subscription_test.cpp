// Shared subscriptions ($share/<group>/<filter>) against mosquitto: the broker hands each
// message of the group to one member; every member gets a share and none is lost or doubled.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

Config member(const Mosquitto& broker, const std::string& id, ProtocolVersion version) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = id;
  c.session.protocol_version = version;
  c.network.reconnect.interval = 200ms;
  return c;
}

class SharedSubscriptionTest : public ::testing::TestWithParam<ProtocolVersion> {};

TEST_P(SharedSubscriptionTest, LoadIsSpreadOverTheGroupAndNothingIsLostOrDoubled) {
  Mosquitto broker;
  constexpr int kMembers = 3;
  constexpr int kMessages = 300;
  std::vector<std::unique_ptr<Client>> members;
  std::vector<std::unique_ptr<Recorder>> records;
  for (int i = 0; i < kMembers; ++i) {
    members.push_back(
        std::make_unique<Client>(member(broker, "shared-" + std::to_string(i), GetParam())));
    records.push_back(std::make_unique<Recorder>(*members.back()));
    ASSERT_FALSE(members.back()->start());
  }
  for (int i = 0; i < kMembers; ++i) {
    ASSERT_TRUE(records[i]->wait_connected());
    if (GetParam() == ProtocolVersion::v5) {
      EXPECT_TRUE(records[i]->server.shared_subscription_available);
    }
    ASSERT_TRUE(members[i]->subscribe("$share/workers/jobs/#", {.qos = QoS::at_least_once}));
    ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to shared-" + std::to_string(i), 10s));
  }
  // Not in the group: sees every message.
  Client watcher{member(broker, "shared-watcher", GetParam())};
  Recorder watched{watcher};
  ASSERT_FALSE(watcher.start());
  ASSERT_TRUE(watched.wait_connected());
  ASSERT_TRUE(watcher.subscribe("jobs/#", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to shared-watcher", 10s));

  Client producer{member(broker, "shared-producer", GetParam())};
  Recorder produced{producer};
  ASSERT_FALSE(producer.start());
  ASSERT_TRUE(produced.wait_connected());
  for (int i = 0; i < kMessages; ++i)
    ASSERT_TRUE(producer.publish("jobs/" + std::to_string(i % 7), std::to_string(i),
                                 {.qos = QoS::at_least_once}));
  ASSERT_TRUE(watched.wait_messages(kMessages, 20s));
  auto total = [&] {
    std::size_t n = 0;
    for (auto& r : records) {
      std::lock_guard lock(r->mutex);
      n += r->messages.size();
    }
    return n;
  };
  for (int waited = 0; waited < 200 && total() < kMessages; ++waited)
    std::this_thread::sleep_for(50ms);

  std::multiset<std::string> payloads;
  for (int i = 0; i < kMembers; ++i) {
    std::lock_guard lock(records[i]->mutex);
    // Each member gets a share; mosquitto deals round robin, so about a third each.
    EXPECT_GE(records[i]->messages.size(), static_cast<std::size_t>(kMessages / 10))
        << "member " << i;
    std::printf("member %d received %zu of %d\n", i, records[i]->messages.size(), kMessages);
    for (const auto& m : records[i]->messages) {
      payloads.insert(m.payload);
      EXPECT_EQ(m.topic.rfind("jobs/", 0), 0u) << m.topic;  // the topic, not the $share filter
    }
  }
  EXPECT_EQ(payloads.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i)
    EXPECT_EQ(payloads.count(std::to_string(i)), 1u) << i;
}

TEST_P(SharedSubscriptionTest, AMemberLeavingHandsItsShareToTheOthers) {
  Mosquitto broker;
  Client a{member(broker, "share-a", GetParam())};
  Recorder ra{a};
  Client b{member(broker, "share-b", GetParam())};
  Recorder rb{b};
  ASSERT_FALSE(a.start());
  ASSERT_FALSE(b.start());
  ASSERT_TRUE(ra.wait_connected());
  ASSERT_TRUE(rb.wait_connected());
  ASSERT_TRUE(a.subscribe("$share/g/work", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(b.subscribe("$share/g/work", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to share-b", 10s));
  ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to share-a", 10s));
  ASSERT_TRUE(b.unsubscribe("$share/g/work"));
  ASSERT_TRUE(rb.wait([&] { return rb.unsubacks == 1; }));
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "work", .payload = std::to_string(i), .qos = 1}),
              0);
  ASSERT_TRUE(ra.wait_messages(20));
  std::lock_guard lock(rb.mutex);
  EXPECT_TRUE(rb.messages.empty());
}

INSTANTIATE_TEST_SUITE_P(Versions, SharedSubscriptionTest,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                         [](const auto& param_info) {
                           return param_info.param == ProtocolVersion::v5 ? "v5" : "v311";
                         });

}  // namespace
}  // namespace portmqtt::test
