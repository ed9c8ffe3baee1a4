// Connecting, disconnecting, keep-alive, reconnecting and clear errors, against mosquitto, for
// MQTT 3.1.1 and 5.0.
#include <gtest/gtest.h>

#include <cerrno>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

class ConnectTest : public ::testing::TestWithParam<ProtocolVersion> {
 protected:
  Config config(const std::string& id) {
    Config c;
    c.broker.uri = broker.uri();
    c.credentials.client_id = id;
    c.session.protocol_version = GetParam();
    c.network.reconnect.interval = 200ms;
    return c;
  }
  std::string protocol_tag() const { return GetParam() == ProtocolVersion::v5 ? "p5" : "p2"; }
  Mosquitto broker;
};

TEST_P(ConnectTest, ConnectsWithTheRequestedVersionAndKeepAlive) {
  Client client{config("c-connect")};
  Recorder rec{client};
  EXPECT_EQ(client.state(), ConnectionState::not_started);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_EQ(client.state(), ConnectionState::connected);
  EXPECT_EQ(rec.before_connect, 1);
  EXPECT_FALSE(rec.session_present);
  ASSERT_TRUE(broker.wait_for_log("as c-connect (" + protocol_tag() + ", c1, k120)", 5s))
      << broker.log();
}

TEST_P(ConnectTest, DisconnectSendsDisconnectAndReconnectsAfterTheInterval) {
  Client client{config("c-disc")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_FALSE(client.disconnect());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  EXPECT_FALSE(rec.disconnects[0].error) << rec.disconnects[0].error.message();
  EXPECT_TRUE(rec.disconnects[0].was_connected);
  EXPECT_TRUE(broker.wait_for_log("Client c-disc disconnected.", 5s)) << broker.log();
  ASSERT_TRUE(rec.wait_connected(2));  // ESP behaviour: disconnect() re-arms auto-reconnect
  EXPECT_EQ(rec.before_connect, 2);
}

TEST_P(ConnectTest, StopSendsDisconnectEmitsNothingAndCanStartAgain) {
  Client client{config("c-stop")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_EQ(client.start(), errc::already_started);
  ASSERT_FALSE(client.stop());
  EXPECT_EQ(client.state(), ConnectionState::stopped);
  EXPECT_TRUE(broker.wait_for_log("Client c-stop disconnected.", 5s)) << broker.log();
  EXPECT_TRUE(rec.disconnects.empty());
  EXPECT_EQ(client.stop(), errc::not_started);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected(2));
}

TEST_P(ConnectTest, KeepAliveSendsPingsAndStaysConnected) {
  Config c = config("c-ping");
  // 2 s rather than 1: the wait for a PINGRESP is a fraction of the keep-alive, and a stall of
  // a loaded machine should not end the connection this test expects to stay.
  c.session.keep_alive = 2s;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_TRUE(broker.wait_for_log("Received PINGREQ from c-ping", 10s, 3)) << broker.log();
  EXPECT_TRUE(broker.wait_for_log("Sending PINGRESP to c-ping", 10s, 3));
  EXPECT_EQ(rec.connected, 1);
  EXPECT_TRUE(rec.disconnects.empty());
}

TEST_P(ConnectTest, KeepAliveDetectsASilentBroker) {
  Config c = config("c-silent");
  c.session.keep_alive = 2s;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  // The TCP connection stays up; only the PINGRESP never comes.
  broker.freeze();
  const auto frozen = std::chrono::steady_clock::now();
  const bool noticed = rec.wait([&] { return !rec.errors.empty(); }, 10s);
  const auto elapsed = std::chrono::steady_clock::now() - frozen;
  broker.thaw();
  ASSERT_TRUE(noticed);
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.errors[0].error, errc::keepalive_timeout) << rec.errors[0].error.message();
  // PINGREQ after half the keep-alive without traffic, PINGRESP due within the other half.
  EXPECT_LT(elapsed, 5s);
}

TEST_P(ConnectTest, RefusedTcpConnectReportsErrnoAndRetries) {
  Config c = config("c-refused");
  c.broker.uri = "mqtt://127.0.0.1:1";  // nothing listens on port 1 here
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return rec.disconnects.size() >= 2; }));
  std::lock_guard lock(rec.mutex);
  ASSERT_FALSE(rec.errors.empty());
  EXPECT_EQ(rec.errors[0].kind, ErrorKind::transport);
  EXPECT_EQ(rec.errors[0].system_errno, ECONNREFUSED);
  EXPECT_FALSE(rec.disconnects[0].was_connected);
  EXPECT_GE(rec.before_connect, static_cast<int>(rec.disconnects.size()));  // one per attempt
}

TEST_P(ConnectTest, BeforeConnectMaySwitchTheUri) {
  Config c = config("c-switch");
  c.broker.uri = "mqtt://127.0.0.1:1";
  Client client{c};
  Recorder rec{client};
  const std::string good = broker.uri();
  client.on_before_connect([&](const BeforeConnect&) { EXPECT_FALSE(client.set_uri(good)); });
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
}

TEST_P(ConnectTest, ReconnectWithAutoReconnectOff) {
  Config c = config("c-manual");
  c.network.reconnect.enabled = false;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_EQ(client.reconnect(), errc::invalid_state);
  ASSERT_FALSE(client.disconnect());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  EXPECT_EQ(client.state(), ConnectionState::waiting_reconnect);
  ASSERT_FALSE(client.reconnect());
  ASSERT_TRUE(rec.wait_connected(2));
}

TEST_P(ConnectTest, BrokerGoingAwayIsReportedAndTheClientComesBack) {
  Client client{config("c-restart")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  broker.stop();
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  EXPECT_TRUE(rec.disconnects[0].error);
  EXPECT_TRUE(rec.disconnects[0].was_connected);
  broker.start();
  ASSERT_TRUE(rec.wait_connected(2));
}

TEST_P(ConnectTest, BadUrisAreRefusedUpFront) {
  Config c = config("c-bad");
  c.broker.uri = "mqtt://user:pw%zz@127.0.0.1";
  Client bad_escape{c};
  EXPECT_EQ(bad_escape.start(), errc::invalid_uri);
  c.broker.uri = "not a uri";
  Client garbage{c};
  EXPECT_EQ(garbage.start(), errc::invalid_uri);
  c.broker.uri = "mqtt://127.0.0.1";
  Client other{c};
  EXPECT_EQ(other.set_uri("http://x"), errc::invalid_uri);
  EXPECT_EQ(other.set_uri("mqtt://[::1"), errc::invalid_uri);
}

TEST_P(ConnectTest, CommandsReportClearErrors) {
  Client client{config("c-errors")};
  Recorder rec{client};
  EXPECT_EQ(client.subscribe("a/b").error(), errc::not_connected);
  EXPECT_EQ(client.publish("a/b", "x").error(), errc::not_connected);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_EQ(client.publish("a/+", "x").error(), errc::invalid_topic);
  EXPECT_EQ(client.publish("a/#", "x").error(), errc::invalid_topic);
  EXPECT_EQ(client.publish("", "x").error(), errc::invalid_topic);
  EXPECT_EQ(client.subscribe("a/#/b").error(), errc::invalid_topic);
  EXPECT_EQ(client.subscribe("a+").error(), errc::invalid_topic);
  EXPECT_EQ(client.unsubscribe("").error(), errc::invalid_topic);
  EXPECT_EQ(client.publish(std::string(70'000, 't'), "x").error(), errc::invalid_topic);
  if (GetParam() != ProtocolVersion::v5) {
    Properties props;
    props.add(PropertyId::content_type, "text/plain");
    EXPECT_EQ(client.publish("a", "x", {}, props).error(), errc::not_supported_by_version);
  }
}

TEST_P(ConnectTest, InboundPacketsAboveOurLimitAreRefused) {
  // MQTT 5 announces the limit, so the broker drops the big message itself; on 3.1.1 the
  // client closes the connection with packet_too_large.
  Config c = config("c-oversize");
  c.buffer.max_packet_size = 1024;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("big", {.qos = QoS::at_most_once}).has_value());
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "big", .payload = patterned(4096)}), 0);
  if (GetParam() == ProtocolVersion::v5) {
    ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "big", .payload = "small"}), 0);
    ASSERT_TRUE(rec.wait_messages(1));
    std::lock_guard lock(rec.mutex);
    EXPECT_EQ(rec.messages[0].payload, "small");
    EXPECT_TRUE(rec.disconnects.empty());
    return;
  }
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  std::lock_guard lock(rec.mutex);
  EXPECT_TRUE(rec.messages.empty());
  ASSERT_FALSE(rec.errors.empty());
  // The session reports the codec's verdict; either name is a clear answer.
  EXPECT_TRUE(rec.errors[0].error == errc::packet_too_large ||
              rec.errors[0].error == errc::malformed_packet)
      << rec.errors[0].error.message();
}

// MQTT 3.1 (protocol name "MQIsdp", level 3): connect, subscribe, and a round trip at each QoS
// with a will, checked by mosquitto's log and by a mosquitto_sub peer.
TEST(Mqtt31Smoke, ConnectsSubscribesAndRoundTripsEveryQos) {
  Mosquitto broker;
  MosquittoSub peer{broker, {.topic = "v31/#", .count = 3}};
  ASSERT_TRUE(peer.wait_subscribed());
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = "c-v31";
  c.session.protocol_version = ProtocolVersion::v3_1;
  c.session.last_will = Message{.topic = "v31/will", .payload = "gone"};
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(broker.wait_for_log("as c-v31 (p1, c1, k120)", 5s)) << broker.log();
  ASSERT_TRUE(client.subscribe("v31/#", {.qos = QoS::exactly_once}));
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  ASSERT_TRUE(client.publish("v31/a", "q0", {.qos = QoS::at_most_once}));
  ASSERT_TRUE(client.publish("v31/b", "q1", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(client.publish("v31/c", "q2", {.qos = QoS::exactly_once}));
  ASSERT_TRUE(rec.wait_messages(3));
  EXPECT_TRUE(rec.wait([&] { return rec.published.size() == 2; }));  // PUBACK and PUBCOMP
  ASSERT_EQ(peer.wait(10s), 0);
  EXPECT_EQ(peer.output(), "q0q1q2");
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.subacks[0], std::vector<ReasonCode>{ReasonCode::granted_qos_2});
}

// A Unix-domain socket listener (mosquitto's `listener 0 <path>`), and the clear error when
// nothing listens on the socket file.
TEST(UnixSocket, ConnectsAndRoundTripsThroughASocketFile) {
  TempDir dir;
  const std::string path = (dir.path() / "mqtt.sock").string();
  Mosquitto broker{{.extra_config = "listener 0 " + path + "\n"}};
  Config c;
  c.broker.transport = TransportKind::unix_socket;
  c.broker.path = path;
  c.credentials.client_id = "c-unix";
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(broker.wait_for_log("New client connected from " + path + ":0 as c-unix", 5s))
      << broker.log();
  ASSERT_TRUE(client.subscribe("u/t", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  ASSERT_TRUE(client.publish("u/t", "over a socket file", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait_messages(1));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.messages[0].payload, "over a socket file");
}

TEST(UnixSocket, MissingSocketFileIsATransportErrorWithErrno) {
  TempDir dir;
  Config c;
  c.broker.transport = TransportKind::unix_socket;
  c.broker.path = (dir.path() / "none.sock").string();
  c.credentials.client_id = "c-unix-none";
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.errors.empty(); }));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.errors[0].kind, ErrorKind::transport);
  EXPECT_EQ(rec.errors[0].system_errno, ENOENT);
  EXPECT_EQ(rec.connected, 0);
}

TEST(UnixSocket, EmptyPathIsRefusedUpFront) {
  Config c;
  c.broker.transport = TransportKind::unix_socket;
  Client client{c};
  EXPECT_EQ(client.start(), errc::invalid_uri);
}

INSTANTIATE_TEST_SUITE_P(Versions, ConnectTest,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                         [](const auto& param_info) {
                           return param_info.param == ProtocolVersion::v5 ? "v5" : "v311";
                         });

}  // namespace
}  // namespace portmqtt::test
