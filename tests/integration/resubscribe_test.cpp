// Subscribing again when the broker lost the session (SessionConfig::resubscribe_on_session_lost),
// against mosquitto restarted without persistence, and not when the session survived.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

/// Connected::resubscribed of each connection.
struct ResubscribeTrail {
  ResubscribeTrail(Client& client, Recorder& rec) : client_(client), rec_(rec) {
    client.on_event([this](const Event& event) {
      if (const auto* c = std::get_if<Connected>(&event)) {
        rec_.record([&] { counts.push_back(c->resubscribed); });
      }
    });
  }
  ~ResubscribeTrail() { client_.stop(); }  // destroyed before the recorder
  ResubscribeTrail(const ResubscribeTrail&) = delete;
  ResubscribeTrail& operator=(const ResubscribeTrail&) = delete;
  std::vector<std::size_t> counts;

 private:
  Client& client_;
  Recorder& rec_;
};

Config config_for(const Mosquitto& broker, const std::string& id) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = id;
  c.network.reconnect.interval = 200ms;
  return c;
}

void restart(Mosquitto& broker) {
  broker.stop(SIGTERM);
  broker.start();
}

TEST(Resubscribe, AfterTheBrokerLostTheSessionEveryFilterIsSubscribedAgain) {
  Mosquitto broker;
  Config c = config_for(broker, "rs-on");
  c.session.protocol_version = ProtocolVersion::v5;
  Client client{c};
  Recorder rec{client};
  ResubscribeTrail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(1));
  Properties props;
  props.add(PropertyId::subscription_identifier, 7);
  const Subscription two[] = {{"rs/a/#", {.qos = QoS::at_least_once}}, {"rs/b", {}}};
  ASSERT_TRUE(client.subscribe(two, props));
  ASSERT_TRUE(client.subscribe("rs/gone", {}));
  ASSERT_TRUE(client.unsubscribe("rs/gone"));
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 2 && rec.unsubacks == 1; }));

  restart(broker);  // no persistence: the subscriptions are gone with it
  ASSERT_TRUE(rec.wait([&] { return trail.counts.size() == 2; }));
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 3; }));
  ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to rs-on", 5s));
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "rs/a/x", .payload = "1", .qos = 1}), 0);
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "rs/b", .payload = "2"}), 0);
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "rs/gone", .payload = "3"}), 0);
  ASSERT_TRUE(rec.wait_messages(2));
  std::this_thread::sleep_for(200ms);  // a message on rs/gone would have come by now
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(trail.counts, (std::vector<std::size_t>{0, 2}));
  ASSERT_EQ(rec.messages.size(), 2u);
  EXPECT_EQ(rec.messages[0].topic, "rs/a/x");
  EXPECT_EQ(rec.messages[0].qos, QoS::at_least_once);  // the options came along
  EXPECT_EQ(rec.messages[0].properties.number(PropertyId::subscription_identifier), 7u);
  EXPECT_EQ(rec.messages[1].topic, "rs/b");
}

TEST(Resubscribe, OffLeavesItToTheApplication) {
  Mosquitto broker;
  Config c = config_for(broker, "rs-off");
  c.session.resubscribe_on_session_lost = false;
  Client client{c};
  Recorder rec{client};
  ResubscribeTrail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(1));
  ASSERT_TRUE(client.subscribe("rs/#", {}));
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  restart(broker);
  ASSERT_TRUE(rec.wait([&] { return trail.counts.size() == 2; }));
  std::this_thread::sleep_for(300ms);
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(trail.counts, (std::vector<std::size_t>{0, 0}));
  EXPECT_EQ(rec.subacks.size(), 1u);
  EXPECT_EQ(broker.count_in_log("Received SUBSCRIBE from rs-off"), 1u) << broker.log();
}

TEST(Resubscribe, NotWhenTheSessionSurvived) {
  Mosquitto broker{{.persistence = true}};
  Config c = config_for(broker, "rs-kept");
  c.session.clean_session = false;
  Client client{c};
  Recorder rec{client};
  ResubscribeTrail trail{client, rec};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(1));
  ASSERT_TRUE(client.subscribe("rs/#", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  restart(broker);  // SIGTERM saves the session
  ASSERT_TRUE(rec.wait([&] { return trail.counts.size() == 2; }));
  EXPECT_TRUE(rec.session_present);
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "rs/x", .payload = "kept", .qos = 1}), 0);
  ASSERT_TRUE(rec.wait_messages(1));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(trail.counts, (std::vector<std::size_t>{0, 0}));
  EXPECT_EQ(rec.subacks.size(), 1u);
}

}  // namespace
}  // namespace portmqtt::test
