// The WebSocket transports (ws://, wss://) against an aedes broker (tests/ws_server): round
// trips at every QoS, the upgrade request (path, query, subprotocol, extra headers), large
// packets, and refused upgrades.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "portmqtt/client.hpp"
#include "recorder.hpp"
#include "tls_certs.hpp"
#include "ws_broker.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

Config ws_config(const std::string& uri, const std::string& id) {
  Config c;
  c.broker.uri = uri;
  c.credentials.client_id = id;
  c.network.reconnect.interval = 200ms;
  c.network.timeout = 5s;
  c.tls.ca_certificate = read_file(test_certificates().ca_cert);
  return c;
}

// Subscribes to `topic`, publishes `payloads` at QoS 0, 1, 2 in turn; all come back, each
// at its QoS. (Order across QoS levels is not guaranteed: the broker may forward a QoS 2
// message only on PUBREL.)
void expect_round_trip(const Config& c, const std::string& topic,
                       const std::vector<std::string>& payloads) {
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe(topic, {.qos = QoS::exactly_once}).has_value());
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  for (std::size_t i = 0; i < payloads.size(); ++i)
    ASSERT_TRUE(client.publish(topic, payloads[i], {.qos = static_cast<QoS>(i % 3)}).has_value());
  ASSERT_TRUE(rec.wait_messages(payloads.size(), 20s));
  std::lock_guard lock(rec.mutex);
  ASSERT_EQ(rec.messages.size(), payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    auto found = std::find_if(rec.messages.begin(), rec.messages.end(),
                              [&](const ReceivedMessage& m) { return m.payload == payloads[i]; });
    ASSERT_NE(found, rec.messages.end()) << "payload " << i << " missing";
    EXPECT_EQ(found->qos, static_cast<QoS>(i % 3)) << i;
  }
}

TEST(WsTest, RoundTripAtEveryQos) {
  WsBroker broker;
  expect_round_trip(ws_config(broker.uri(), "w-rt"), "ws/rt", {"qos0", "qos1", "qos2"});
}

TEST(WsTest, SecureRoundTripAtEveryQos) {
  WsBroker broker{{.secure = true}};
  expect_round_trip(ws_config(broker.uri(), "w-wss"), "ws/wss", {"qos0", "qos1", "qos2"});
}

TEST(WsTest, SecureWebSocketVerifiesTheCertificate) {
  WsBroker broker{{.secure = true}};
  Config c = ws_config(broker.uri(), "w-wss-ca");
  c.tls.ca_certificate = read_file(test_certificates().other_ca_cert);
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.errors.empty(); }));
  EXPECT_EQ(rec.errors[0].error, errc::certificate_invalid) << rec.errors[0].error.message();
  EXPECT_EQ(rec.connected, 0);
}

TEST(WsTest, LargePacketsAndManySmallOnesArriveWhole) {
  WsBroker broker;
  // 300 KiB is bigger than any single read, so packets span reads and frames.
  std::vector<std::string> payloads{patterned(300 * 1024), "a", "b", "c", "d", "e"};
  expect_round_trip(ws_config(broker.uri(), "w-large"), "ws/large", payloads);
}

TEST(WsTest, UpgradeRequestCarriesPathQuerySubprotocolAndHeaders) {
  WsBroker broker;
  Config c =
      ws_config("ws://localhost:" + std::to_string(broker.port()) + "/mqtt?token=a%20b", "w-path");
  c.websocket.headers = {{"X-Test", "yes"}};
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_NE(broker.output().find("upgrade /mqtt?token=a%20b protocol=mqtt x-test=yes"),
            std::string::npos)
      << broker.output();
}

TEST(WsTest, DefaultPathIsSlash) {
  WsBroker broker;
  Client client{ws_config("ws://localhost:" + std::to_string(broker.port()), "w-slash")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_NE(broker.output().find("upgrade / protocol=mqtt"), std::string::npos) << broker.output();
}

TEST(WsTest, AnswersPingsAndReportsTheServersClose) {
  WsBroker broker{{.behaviour = WsBehaviour::ping_close}};
  Config c = ws_config(broker.uri(), "w-ping");
  c.network.reconnect.enabled = false;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  EXPECT_NE(broker.output().find("pong probe"), std::string::npos) << broker.output();
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.disconnects[0].error, errc::connection_closed)
      << rec.disconnects[0].error.message();
  EXPECT_TRUE(rec.disconnects[0].was_connected);
}

void expect_upgrade_refused(WsBrokerOptions options) {
  WsBroker broker{options};
  Client client{ws_config(broker.uri(), "w-refused")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.errors.empty(); }, 10s));
  EXPECT_EQ(rec.errors[0].error, errc::websocket_upgrade_failed) << rec.errors[0].error.message();
  EXPECT_EQ(rec.connected, 0);
}

TEST(WsTest, UpgradeRefusedWith404IsAClearError) {
  expect_upgrade_refused({.behaviour = WsBehaviour::refuse_404});
}

TEST(WsTest, UpgradeWithoutTheMqttSubprotocolIsAClearError) {
  expect_upgrade_refused({.behaviour = WsBehaviour::no_subprotocol});
}

TEST(WsTest, SecureUpgradeRefusedWith404IsAClearError) {
  expect_upgrade_refused({.behaviour = WsBehaviour::refuse_404, .secure = true});
}

// Polls the server's output (its only channel to the test) until `needle` shows up.
bool wait_for_output(const WsBroker& broker, const std::string& needle,
                     std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (broker.output().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

void expect_outbox_survives_a_restart(bool secure) {
  WsBroker broker{{.secure = secure}};
  Client client{ws_config(broker.uri(), secure ? "w-restart-s" : "w-restart")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  broker.stop();
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  Result<PublishAccepted> qos1 =
      client.publish("ws/restart", "kept-1", {.qos = QoS::at_least_once});
  Result<PublishAccepted> qos2 = client.publish("ws/restart", "kept-2", {.qos = QoS::exactly_once});
  ASSERT_TRUE(qos1.has_value() && qos2.has_value());
  broker.start();
  ASSERT_TRUE(rec.wait_connected(2));
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 2; }));
  EXPECT_TRUE(wait_for_output(broker, "publish ws/restart kept-1")) << broker.output();
  EXPECT_TRUE(wait_for_output(broker, "publish ws/restart kept-2")) << broker.output();
}

TEST(WsTest, ReconnectsAfterServerRestartAndDeliversTheOutbox) {
  expect_outbox_survives_a_restart(false);
}

TEST(WsTest, SecureReconnectsAfterServerRestartAndDeliversTheOutbox) {
  expect_outbox_survives_a_restart(true);
}

TEST(WsTest, PacketsSpanFramesAndFramesHoldSeveralPackets) {
  WsBroker broker{{.behaviour = WsBehaviour::frames}};
  Client client{ws_config(broker.uri(), "w-frames")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(rec.wait_messages(4));
  std::lock_guard lock(rec.mutex);
  ASSERT_EQ(rec.messages.size(), 4U);
  const char* expected[] = {"one", "two", "three", "four"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(rec.messages[i].topic, "w/f");
    EXPECT_EQ(rec.messages[i].payload, expected[i]);
  }
}

}  // namespace
}  // namespace portmqtt::test
