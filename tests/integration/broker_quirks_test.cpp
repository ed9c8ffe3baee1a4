// Broker deviations tolerated, spec violations refused, fatal refusals, bounded packets, and
// errors that say what failed and where: against mosquitto, and a scripted broker for what no
// broker here does (RabbitMQ's PUBACK for QoS 2, a 256 MiB packet announced).
#include <gtest/gtest.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "rabbitmq.hpp"
#include "recorder.hpp"
#include "scripted_broker.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

// --- mosquitto with message_size_limit --------------------------------------------------------

class MessageSizeLimit : public ::testing::TestWithParam<ProtocolVersion> {
 protected:
  bool v5() const { return GetParam() == ProtocolVersion::v5; }
  Config config(const std::string& id) {
    Config c;
    c.broker.uri = broker.uri();
    c.credentials.client_id = id;
    c.session.protocol_version = GetParam();
    c.network.reconnect.interval = 200ms;
    return c;
  }
  Mosquitto broker{{.extra_config = "message_size_limit 100\n"}};
};

TEST_P(MessageSizeLimit, AMessageAboveTheLimitEndsThatMessageNotTheConnection) {
  MosquittoSub sub{broker,
                   {.topic = "lim/#", .qos = 1, .count = 1, .v5 = v5(), .client_id = "lim-sub"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{config("lim-pub")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  const std::string big(300, 'x');
  auto q1 = client.publish("lim/a", big, {.qos = QoS::at_least_once});
  auto q2 = client.publish("lim/b", big, {.qos = QoS::exactly_once});
  auto small = client.publish("lim/c", "small", {.qos = QoS::at_least_once});
  ASSERT_TRUE(q1 && q2 && small);
  ASSERT_TRUE(rec.wait([&] { return rec.publish_results.size() == 3; }));
  ASSERT_EQ(sub.wait(10s), 0);
  EXPECT_EQ(sub.output(), "small");  // the broker dropped both big ones
  EXPECT_TRUE(broker.wait_for_log("Dropped too large PUBLISH from lim-pub", 5s, 2));
  std::this_thread::sleep_for(1500ms);  // long enough for a 3.x retransmit or a reconnect
  std::lock_guard lock(rec.mutex);
  const ReasonCode refused = v5() ? ReasonCode::packet_too_large : ReasonCode::success;
  // MQTT 5: PUBACK / PUBREC 0x95. MQTT 3.1.1 has no way to say it: mosquitto sends a plain
  // PUBACK / PUBREC and drops the message, so the client cannot know.
  ASSERT_EQ(rec.publish_results.size(), 3u);
  auto reason_of = [&](const PublishAccepted& accepted) {
    for (const PublishAck& r : rec.publish_results)
      if (r.handle == accepted.handle) return r.reason;
    ADD_FAILURE() << "no Published for handle " << accepted.handle;
    return ReasonCode::unspecified_error;
  };
  EXPECT_EQ(reason_of(*q1), refused);
  EXPECT_EQ(reason_of(*q2), refused);
  EXPECT_EQ(reason_of(*small), ReasonCode::success);
  EXPECT_TRUE(rec.errors.empty()) << rec.errors[0].text;
  EXPECT_TRUE(rec.disconnects.empty());
  EXPECT_EQ(rec.connected, 1);
  EXPECT_EQ(broker.count_in_log("as lim-pub ("), 1u);                       // one CONNECT
  EXPECT_EQ(broker.count_in_log("Received PUBLISH from lim-pub (d1"), 0u);  // never resent
  EXPECT_EQ(broker.count_in_log("Received PUBREL from lim-pub"), v5() ? 0u : 1u);
}

INSTANTIATE_TEST_SUITE_P(Versions, MessageSizeLimit,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                         [](const auto& param_info) {
                           return param_info.param == ProtocolVersion::v5 ? "v5" : "v311";
                         });

// --- mosquitto's QoS 2 window towards an MQTT 5 subscriber -----------------------------------

TEST(Qos2Window, IdsAwaitingPubrelBeyondOurReceiveMaximumKeepTheConnection) {
  // mosquitto 2.0.11 ends its count of a subscriber's window at the PUBREC, so under a burst
  // more QoS 2 ids await its PUBREL than the subscriber's Receive Maximum (libmosquitto's
  // mosquitto_sub disconnects then). Every message arrives once, on one connection.
  // mosquitto keeps at most max_queued_messages (1,000 by default) for a subscriber beyond
  // those in flight and drops newer ones ("Outgoing messages are being dropped"): on a loaded
  // machine the 3,000 published here can outrun the subscriber that far.
  Mosquitto broker{{.extra_config = "max_queued_messages 100000\n"}};
  Config sub_config;
  sub_config.broker.uri = broker.uri();
  sub_config.credentials.client_id = "q2w-sub";
  sub_config.session.protocol_version = ProtocolVersion::v5;
  sub_config.session.connect_properties.add(PropertyId::receive_maximum, 20);
  Client subscriber{sub_config};
  Recorder rec{subscriber};
  ASSERT_FALSE(subscriber.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(subscriber.subscribe("q2w/t", {.qos = QoS::exactly_once}));
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  Config pub_config = sub_config;
  pub_config.credentials.client_id = "q2w-pub";
  Client publisher{pub_config};
  Recorder pub_rec{publisher};
  ASSERT_FALSE(publisher.start());
  ASSERT_TRUE(pub_rec.wait_connected());
  constexpr int kMessages = 3000;
  for (int i = 0; i < kMessages; ++i)
    ASSERT_TRUE(publisher.publish("q2w/t", std::to_string(i), {.qos = QoS::exactly_once}));
  const bool all_arrived = rec.wait_messages(kMessages, 60s);
  std::this_thread::sleep_for(200ms);  // a copy delivered twice would arrive by now
  std::lock_guard lock(rec.mutex);
  ASSERT_TRUE(all_arrived) << rec.messages.size() << " of " << kMessages
                           << " messages arrived; the broker dropped messages "
                           << broker.count_in_log("are being dropped") << " times";
  EXPECT_EQ(rec.messages.size(), static_cast<std::size_t>(kMessages));
  for (std::size_t i = 0; i < std::min<std::size_t>(rec.messages.size(), kMessages); ++i)
    ASSERT_EQ(rec.messages[i].payload, std::to_string(i)) << "in order, none twice";
  EXPECT_TRUE(rec.errors.empty()) << rec.errors[0].text;
  EXPECT_TRUE(rec.disconnects.empty());
  EXPECT_EQ(rec.connected, 1);
}

// --- refusals that retrying cannot fix ---------------------------------------------------------

class FatalRefusal : public ::testing::TestWithParam<ProtocolVersion> {
 protected:
  static std::string password_config(const TempDir& dir) {
    const auto file = dir.path() / "passwords";
    Process passwd({"/usr/bin/mosquitto_passwd", "-c", "-b", file.string(), "alice", "secret"},
                   dir.path() / "passwd.out", dir.path() / "passwd.err");
    EXPECT_EQ(passwd.wait(10s), 0);
    return "allow_anonymous false\npassword_file " + file.string() + "\n";
  }
  Config config(const std::string& id, const char* password) {
    Config c;
    c.broker.uri = broker.uri();
    c.credentials = {.client_id = id, .username = "alice", .password = password};
    c.session.protocol_version = GetParam();
    c.network.reconnect.interval = 100ms;
    return c;
  }
  // Calls stop() (or destroys the client) from this thread while the Disconnected handler of
  // a fatal refusal sleeps on the loop: the call returns only after that handler returned,
  // and no handler runs afterwards.
  void end_during_last_handler(EventLoop* shared, bool destroy) {
    std::atomic<bool> entered{false};
    std::atomic<bool> finished{false};
    std::atomic<int> calls{0};
    std::optional<Client> client;
    if (shared != nullptr)
      client.emplace(*shared, config("fatal-race", "wrong"));
    else
      client.emplace(config("fatal-race", "wrong"));
    client->set_handlers({.on_disconnected =
                              [&](const Disconnected&) {
                                entered = true;
                                std::this_thread::sleep_for(200ms);
                                finished = true;
                              },
                          .on_event = [&](const Event&) { ++calls; }});
    ASSERT_FALSE(client->start());
    for (int i = 0; i < 10'000 && !entered; ++i)
      std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(entered);
    if (destroy)
      client.reset();
    else
      EXPECT_EQ(client->stop(), errc::not_started);
    EXPECT_TRUE(finished);
    const int seen = calls;
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(finished);
    EXPECT_EQ(calls, seen);
  }

  TempDir dir;
  Mosquitto broker{{.extra_config = password_config(dir)}};
};

TEST_P(FatalRefusal, AWrongPasswordStopsTheClientAfterOneAttempt) {
  Client client{config("fatal-pw", "wrong")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  std::this_thread::sleep_for(600ms);  // six reconnect intervals
  EXPECT_EQ(client.state(), ConnectionState::stopped);
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.before_connect, 1);
  EXPECT_EQ(broker.count_in_log("disconnected, not authorised."), 1u) << broker.log();
  ASSERT_EQ(rec.errors.size(), 1u);
  const RecordedError& e = rec.errors[0];
  EXPECT_EQ(e.kind, ErrorKind::connection_refused);
  EXPECT_TRUE(e.fatal);
  // mosquitto: 3.1.1 return code 5 (mapped to Not authorized), MQTT 5 0x87.
  EXPECT_EQ(e.connect_reason, ReasonCode::not_authorized);
  EXPECT_EQ(e.where, "127.0.0.1:" + std::to_string(broker.port()));
  EXPECT_NE(e.text.find("Not authorized (0x87)"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find("client stopped"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find(e.where), std::string::npos) << e.text;
  ASSERT_EQ(rec.disconnects.size(), 1u);
  EXPECT_FALSE(rec.disconnects[0].was_connected);
}

TEST_P(FatalRefusal, StartAfterFixingTheConfigurationConnects) {
  Client client{config("fatal-fix", "wrong")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  ASSERT_TRUE(rec.wait([&] { return client.state() == ConnectionState::stopped; }));
  ASSERT_FALSE(client.set_config(config("fatal-fix", "secret")));
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
}

TEST_P(FatalRefusal, TheRetryPolicyKeepsRetrying) {
  Config c = config("fatal-retry", "wrong");
  c.network.reconnect.retry_after_fatal_refusal = true;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return rec.errors.size() >= 3; }));
  EXPECT_NE(client.state(), ConnectionState::stopped);
  std::lock_guard lock(rec.mutex);
  EXPECT_FALSE(rec.errors[0].fatal);
  EXPECT_TRUE(broker.wait_for_log("disconnected, not authorised.", 5s, 3)) << broker.log();
}

TEST_P(FatalRefusal, StopWaitsForTheLastDisconnectedHandler) {
  end_during_last_handler(nullptr, false);
}

TEST_P(FatalRefusal, DestructionWaitsForTheLastDisconnectedHandler) {
  end_during_last_handler(nullptr, true);
}

TEST_P(FatalRefusal, StopOnASharedLoopWaitsForTheLastDisconnectedHandler) {
  EventLoop loop{2};
  end_during_last_handler(&loop, false);
}

TEST_P(FatalRefusal, DestructionOnASharedLoopWaitsForTheLastDisconnectedHandler) {
  EventLoop loop{2};
  end_during_last_handler(&loop, true);
}

INSTANTIATE_TEST_SUITE_P(Versions, FatalRefusal,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5),
                         [](const auto& param_info) {
                           return param_info.param == ProtocolVersion::v5 ? "v5" : "v311";
                         });

// --- errors that say where --------------------------------------------------------------------

TEST(ErrorContext, ARefusedTcpConnectNamesHostAndPort) {
  std::uint16_t port = 0;
  {
    ScriptedBroker gone{[](ScriptedPeer&) {}, 0};  // a port that was free, closed again
    port = gone.port();
  }
  Config c;
  c.broker.uri = "mqtt://127.0.0.1:" + std::to_string(port);
  c.credentials.client_id = "ctx-refused";
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.errors.empty(); }));
  std::lock_guard lock(rec.mutex);
  const RecordedError& e = rec.errors[0];
  EXPECT_EQ(e.kind, ErrorKind::transport);
  EXPECT_EQ(e.where, "127.0.0.1:" + std::to_string(port));
  EXPECT_NE(e.text.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << e.text;
  EXPECT_FALSE(e.fatal);
}

TEST(ErrorContext, CheckUriSaysWhichPartIsWrong) {
  EXPECT_FALSE(check_uri("mqtt://broker.local:1883").has_value());
  auto port = check_uri("mqtt://broker.local:99999");
  ASSERT_TRUE(port.has_value());
  EXPECT_EQ(port->error, errc::invalid_uri);
  EXPECT_EQ(port->position, 20u);
  EXPECT_NE(port->message.find("port 99999"), std::string::npos) << port->message;
  auto scheme = check_uri("broker.local:1883");
  ASSERT_TRUE(scheme.has_value());
  EXPECT_NE(scheme->message.find("missing scheme"), std::string::npos) << scheme->message;
  auto escape = check_uri("mqtt://user:p%zz@h");
  ASSERT_TRUE(escape.has_value());
  EXPECT_EQ(escape->position, 13u);
  EXPECT_NE(escape->message.find("percent-encoding"), std::string::npos) << escape->message;
  auto http = check_uri("http://h");
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(http->error, errc::unsupported_transport);
}

// --- RabbitMQ 3.10 (MQTT 3.1.1 through rabbitmq_mqtt) ------------------------------------------

TEST(RabbitMqQuirks, Qos2IsAcknowledgedWithPubackAndCompletesAsDowngraded) {
  if (!RabbitMq::installed()) GTEST_SKIP() << "rabbitmq-server is not installed (scripts/setup)";
  RabbitMq rabbit;
  std::cout << "rabbitmq started in " << rabbit.startup_time().count() << " ms\n";
  Config c;
  c.broker.uri = rabbit.uri();
  c.credentials.client_id = "rabbit-q2";
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  // RabbitMQ grants at most QoS 1: the message comes back to us at QoS 1.
  ASSERT_TRUE(client.subscribe("rabbit/q2", {.qos = QoS::exactly_once}));
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  auto id = client.publish("rabbit/q2", "once or more", {.qos = QoS::exactly_once});
  ASSERT_TRUE(id);
  ASSERT_TRUE(rec.wait([&] { return !rec.publish_results.empty(); }));
  ASSERT_TRUE(rec.wait_messages(1));
  std::this_thread::sleep_for(1500ms);  // past the 1 s MQTT 3.x retransmit interval
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.subacks[0], std::vector<ReasonCode>{ReasonCode::granted_qos_1});
  ASSERT_EQ(rec.publish_results.size(), 1u);
  EXPECT_EQ(rec.publish_results[0].handle, id->handle);
  EXPECT_EQ(rec.publish_results[0].reason, ReasonCode::success);
  EXPECT_TRUE(rec.publish_results[0].downgraded);
  EXPECT_EQ(rec.messages.size(), 1u);
  EXPECT_EQ(rec.messages[0].payload, "once or more");
  EXPECT_TRUE(rec.errors.empty()) << rec.errors[0].text;
  EXPECT_TRUE(rec.disconnects.empty());
  EXPECT_EQ(rec.connected, 1);
}

// --- a scripted broker -------------------------------------------------------------------------

const Bytes kConnackV311{0x20, 0x02, 0x00, 0x00};  // CONNACK accepted, no session
const Bytes kConnackV5{0x20, 0x03, 0x00, 0x00, 0x00};

TEST(ScriptedQuirks, PubackForQos2CompletesTheMessageAsDowngraded) {
  // What RabbitMQ 3.x (MQTT 3.1.1) does: PUBACK for a QoS 2 PUBLISH.
  std::atomic<bool> saw_pubrel{false};
  std::atomic<bool> closed{false};
  ScriptedBroker rabbit{[&](ScriptedPeer& peer) {
    if (!peer.read_packet()) return;  // CONNECT
    peer.write(kConnackV311);
    auto publish = peer.read_packet();
    if (!publish || ((*publish)[0] & 0xF6) != 0x34) return;                  // PUBLISH QoS 2
    const std::size_t id_at = 2 + 2 + ((*publish)[2] << 8 | (*publish)[3]);  // after the topic
    peer.write({0x40, 0x02, (*publish)[id_at], (*publish)[id_at + 1]});      // PUBACK
    // Nothing about that message may follow: no PUBREL, no resend, no close.
    while (auto next = peer.read_packet(3s))
      if (((*next)[0] & 0xF0) == 0x60 || ((*next)[0] & 0xF0) == 0x30) saw_pubrel = true;
    closed = peer.closed_within(10ms);
  }};
  Config c;
  c.broker.uri = rabbit.uri();
  c.credentials.client_id = "rabbit-q2";
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  auto id = client.publish("q2/t", "once or more", {.qos = QoS::exactly_once});
  ASSERT_TRUE(id);
  ASSERT_TRUE(rec.wait([&] { return !rec.publish_results.empty(); }));
  std::this_thread::sleep_for(1700ms);  // past the 1 s retransmit interval and the script
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.publish_results[0].handle, id->handle);
  EXPECT_EQ(rec.publish_results[0].reason, ReasonCode::success);
  EXPECT_TRUE(rec.publish_results[0].downgraded);
  EXPECT_FALSE(saw_pubrel);
  EXPECT_TRUE(rec.errors.empty()) << rec.errors[0].text;
  EXPECT_TRUE(rec.disconnects.empty());
  EXPECT_EQ(client.outbox_messages(), 0u);
}

// Bytes the process has allocated with malloc and not freed (every arena, mmapped blocks
// included): an allocation of an announced length shows here even before its pages are
// touched, which the resident size would not show.
std::size_t allocated_bytes() {
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;
}

// A PUBLISH header announcing the largest packet MQTT allows: Remaining Length 268,435,455.
const Bytes kHugePublishHeader{0x30, 0xFF, 0xFF, 0xFF, 0x7F};

TEST(ScriptedQuirks, A256MiBPacketIsRefusedByDefaultAndAnnouncedInMqtt5) {
  Bytes connect;
  std::atomic<bool> closed{false};
  ScriptedBroker hostile{[&](ScriptedPeer& peer) {
    auto packet = peer.read_packet();
    if (!packet) return;
    connect = *packet;
    peer.write(kConnackV5);
    peer.write(kHugePublishHeader);
    peer.write(Bytes(64 * 1024, 'x'));
    closed = peer.closed_within(5s);
  }};
  Config c;
  c.broker.uri = hostile.uri();
  c.credentials.client_id = "hostile";
  c.session.protocol_version = ProtocolVersion::v5;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.errors.empty(); }));
  std::lock_guard lock(rec.mutex);
  const RecordedError& e = rec.errors[0];
  EXPECT_EQ(e.error, errc::packet_too_large) << e.text;
  EXPECT_NE(e.cause.find("268435460"), std::string::npos) << e.cause;
  EXPECT_NE(e.cause.find("16777216"), std::string::npos) << e.cause;
  EXPECT_FALSE(e.where.empty());
  // CONNECT carried Maximum Packet Size (0x27) = 16 MiB.
  const Bytes property{0x27, 0x01, 0x00, 0x00, 0x00};
  EXPECT_NE(std::search(connect.begin(), connect.end(), property.begin(), property.end()),
            connect.end());
}

TEST(ScriptedQuirks, MemoryFollowsTheBytesThatArriveNotTheAnnouncedLength) {
  // With the limit lifted to the protocol maximum, a broker announcing 256 MiB and sending
  // 1 MiB must cost about 1 MiB, not 256.
  std::atomic<bool> go{false};
  std::atomic<bool> sent{false};
  std::atomic<bool> release{false};
  ScriptedBroker hostile{[&](ScriptedPeer& peer) {
    if (!peer.read_packet()) return;
    peer.write(kConnackV311);
    for (int i = 0; i < 500 && !go; ++i)  // until the test has measured
      std::this_thread::sleep_for(10ms);
    peer.write(kHugePublishHeader);
    peer.write(Bytes(1024 * 1024, 'x'));
    sent = true;
    for (int i = 0; i < 200 && !release; ++i)
      std::this_thread::sleep_for(10ms);
  }};
  Config c;
  c.broker.uri = hostile.uri();
  c.credentials.client_id = "hostile-slow";
  c.buffer.max_packet_size = 0;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  const std::size_t before = allocated_bytes();
  go = true;
  ASSERT_TRUE(rec.wait([&] { return sent.load(); }));
  std::this_thread::sleep_for(300ms);  // the client reads what was sent
  const std::size_t during = allocated_bytes();
  release = true;
  // 1 MiB arrived; the buffer at most doubles per read. 256 MiB would be an allocation of the
  // announced length.
  EXPECT_LT(during, before + 8 * 1024 * 1024) << "grew by " << (during - before) / 1024 << " KiB";
  std::lock_guard lock(rec.mutex);
  EXPECT_TRUE(rec.messages.empty());
}

}  // namespace
}  // namespace portmqtt::test
