// Application-controlled acknowledgement (InboundConfig::manual_ack) and disconnect_abruptly()
// against mosquitto: a message not acknowledged comes back (DUP) after a reconnect and an
// acknowledged one does not; the MQTT 5 reason code of ack() reaches the broker; an abrupt
// disconnect makes the broker publish the will and keeps the client offline, a normal one
// does not publish it.
#include <gtest/gtest.h>

#include <thread>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

class ManualAck : public ::testing::TestWithParam<ProtocolVersion> {
 protected:
  bool v5() const { return GetParam() == ProtocolVersion::v5; }
  Config config(const std::string& id) {
    Config c;
    c.broker.uri = broker.uri();
    c.credentials.client_id = id;
    c.session.protocol_version = GetParam();
    c.session.clean_session = false;  // the broker keeps what was not acknowledged
    if (v5()) c.session.connect_properties.add(PropertyId::session_expiry_interval, 300);
    c.network.reconnect.interval = 100ms;
    c.inbound.manual_ack = true;
    return c;
  }
  Mosquitto broker{{.extra_config = "log_type all\n"}};
};

TEST_P(ManualAck, AnUnacknowledgedMessageComesBackAfterAReconnectAnAcknowledgedOneDoesNot) {
  Client client{config("ma-resend")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("ma/t", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to ma-resend", 5s));

  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "ma/t", .payload = "one", .qos = 1, .v5 = v5()}),
            0);
  ASSERT_TRUE(rec.wait_messages(1));
  AckHandle first;
  {
    std::lock_guard lock(rec.mutex);
    first = rec.messages[0].ack_handle;
  }
  ASSERT_NE(first, 0u);
  ASSERT_FALSE(client.ack(first));
  ASSERT_TRUE(broker.wait_for_log("Received PUBACK from ma-resend", 5s));

  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "ma/t", .payload = "two", .qos = 1, .v5 = v5()}),
            0);
  ASSERT_TRUE(rec.wait_messages(2));
  AckHandle second;
  {
    std::lock_guard lock(rec.mutex);
    second = rec.messages[1].ack_handle;
    EXPECT_FALSE(rec.messages[1].dup);
  }
  std::this_thread::sleep_for(300ms);  // an automatic PUBACK would have been logged by now
  EXPECT_EQ(broker.count_in_log("Received PUBACK from ma-resend"), 1u);

  // Not acknowledged when the connection ends: the broker sends it again, with DUP.
  ASSERT_FALSE(client.disconnect_abruptly());
  ASSERT_TRUE(rec.wait([&] { return rec.disconnects.size() == 1; }));
  EXPECT_EQ(client.ack(second), errc::ack_handle_stale);
  ASSERT_FALSE(client.reconnect());
  ASSERT_TRUE(rec.wait_connected(2));
  ASSERT_TRUE(rec.wait_messages(3));
  AckHandle again;
  {
    std::lock_guard lock(rec.mutex);
    EXPECT_EQ(rec.messages[2].payload, "two");  // "one" was acknowledged: not resent
    EXPECT_TRUE(rec.messages[2].dup);
    again = rec.messages[2].ack_handle;
  }
  EXPECT_NE(again, second);
  ASSERT_FALSE(client.ack(again));
  ASSERT_TRUE(broker.wait_for_log("Received PUBACK from ma-resend", 5s, 2));

  // Acknowledged now: nothing comes back after another reconnect.
  ASSERT_FALSE(client.disconnect_abruptly());
  ASSERT_TRUE(rec.wait([&] { return rec.disconnects.size() == 2; }));
  ASSERT_FALSE(client.reconnect());
  ASSERT_TRUE(rec.wait_connected(3));
  std::this_thread::sleep_for(500ms);
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.messages.size(), 3u);
}

TEST_P(ManualAck, TheReasonCodeOfTheApplicationReachesTheBroker) {
  Client client{config("ma-reason")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("ma/r", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(broker.wait_for_log("Sending SUBACK to ma-reason", 5s));
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "ma/r", .payload = "x", .qos = 1, .v5 = v5()}), 0);
  ASSERT_TRUE(rec.wait_messages(1));
  AckHandle handle;
  {
    std::lock_guard lock(rec.mutex);
    handle = rec.messages[0].ack_handle;
  }
  Properties props;
  if (v5()) props.add(PropertyId::reason_string, "cannot store it");
  ASSERT_FALSE(client.ack(handle, ReasonCode::unspecified_error, props));
  // mosquitto logs the PUBACK's reason code (MQTT 3.1.1 has none: 0).
  const std::string expected = v5() ? "RC:128" : "RC:0";
  ASSERT_TRUE(broker.wait_for_log("Received PUBACK from ma-reason", 5s));
  const std::string log = broker.log();
  const auto at = log.find("Received PUBACK from ma-reason");
  const auto line = log.substr(at, log.find('\n', at) - at);
  EXPECT_NE(line.find(expected), std::string::npos) << line;
}

TEST(ManualAckLimit, TheBrokerSendsNoMoreThanOurReceiveMaximumUnacknowledged) {
  Mosquitto broker;
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = "ma-limit";
  c.session.protocol_version = ProtocolVersion::v5;
  c.session.connect_properties.add(PropertyId::receive_maximum, 2);
  c.inbound.manual_ack = true;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("ma/l", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(run_mosquitto_pub(
                  broker, {.topic = "ma/l", .payload = std::to_string(i), .qos = 1, .v5 = true}),
              0);
  ASSERT_TRUE(rec.wait_messages(2));
  std::this_thread::sleep_for(300ms);  // a third message would have come by now
  std::vector<AckHandle> handles;
  {
    std::lock_guard lock(rec.mutex);
    ASSERT_EQ(rec.messages.size(), 2u);
    for (const auto& m : rec.messages)
      handles.push_back(m.ack_handle);
  }
  // Acknowledgements let the rest through, in order. (mosquitto 2.0.11 then keeps one more
  // than the limit in flight: tolerated, see src/session/inbound_ack.cpp.)
  for (AckHandle h : handles)
    ASSERT_FALSE(client.ack(h));
  ASSERT_TRUE(rec.wait_messages(4));
  {
    std::lock_guard lock(rec.mutex);
    handles = {rec.messages[2].ack_handle, rec.messages[3].ack_handle};
  }
  for (AckHandle h : handles)
    ASSERT_FALSE(client.ack(h));
  ASSERT_TRUE(rec.wait_messages(5));
  std::lock_guard lock(rec.mutex);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(rec.messages[static_cast<std::size_t>(i)].payload, std::to_string(i));
}

INSTANTIATE_TEST_SUITE_P(Versions, ManualAck,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                         [](const auto& param_info) {
                           return param_info.param == ProtocolVersion::v5 ? "v5" : "v311";
                         });

// --- disconnect_abruptly() ---------------------------------------------------------------------

Config will_config(const Mosquitto& broker, const std::string& id) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = id;
  c.session.last_will = Message{.topic = "will/" + id, .payload = "gone", .qos = QoS::at_most_once};
  c.network.reconnect.interval = 100ms;
  return c;
}

TEST(DisconnectAbruptly, TheBrokerPublishesTheWillAndTheClientStaysOffline) {
  Mosquitto broker;
  MosquittoSub sub{broker, {.topic = "will/#", .count = 1, .timeout_s = 20, .client_id = "w-sub"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{will_config(broker, "abrupt")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_FALSE(client.disconnect_abruptly());
  ASSERT_EQ(sub.wait(10s), 0);
  EXPECT_EQ(sub.output(), "gone");
  std::this_thread::sleep_for(600ms);  // six reconnect intervals
  {
    std::lock_guard lock(rec.mutex);
    EXPECT_EQ(rec.connected, 1);
    EXPECT_EQ(rec.before_connect, 1);  // not even an attempt
    ASSERT_EQ(rec.disconnects.size(), 1u);
    EXPECT_FALSE(rec.disconnects[0].error);
    EXPECT_TRUE(rec.disconnects[0].was_connected);
  }
  EXPECT_EQ(client.state(), ConnectionState::waiting_reconnect);
  ASSERT_FALSE(client.reconnect());
  ASSERT_TRUE(rec.wait_connected(2));
}

TEST(DisconnectAbruptly, ANormalDisconnectPublishesNoWill) {
  Mosquitto broker;
  MosquittoSub sub{broker, {.topic = "will/#", .count = 1, .timeout_s = 2, .client_id = "w-sub2"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{will_config(broker, "polite")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_FALSE(client.stop());  // DISCONNECT: the broker discards the will
  const auto status = sub.wait(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(*status, 0);  // timed out without a message
  EXPECT_EQ(sub.output(), "");
}

TEST(DisconnectAbruptly, AReconnectRightAfterItClosesTheLinkAndConnectsAgain) {
  Mosquitto broker;
  MosquittoSub sub{broker, {.topic = "will/#", .count = 1, .timeout_s = 20, .client_id = "w-sub3"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Config c = will_config(broker, "abrupt-back");
  c.network.reconnect.enabled = false;  // only reconnect() may bring it back
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_FALSE(client.disconnect_abruptly());
  // Offline from the return of the call, so reconnect() is accepted before the loop closed the
  // link; the link still goes first (the will), then a new attempt connects.
  EXPECT_EQ(client.state(), ConnectionState::waiting_reconnect);
  ASSERT_FALSE(client.reconnect());
  ASSERT_TRUE(rec.wait_connected(2));
  ASSERT_EQ(sub.wait(10s), 0);
  EXPECT_EQ(sub.output(), "gone");
  std::lock_guard lock(rec.mutex);
  ASSERT_EQ(rec.disconnects.size(), 1u);
  EXPECT_TRUE(rec.disconnects[0].was_connected);
  EXPECT_EQ(rec.before_connect, 2);
}

TEST(DisconnectAbruptly, NeedsARunningClient) {
  Client client{Config{}};
  EXPECT_EQ(client.disconnect_abruptly(), errc::not_started);
}

}  // namespace
}  // namespace portmqtt::test
