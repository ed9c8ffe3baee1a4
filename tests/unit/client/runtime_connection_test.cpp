// The connection life cycle of the runtime over the scripted transport: a normal exchange, a
// failure at every stage of a connection (each reported by Error and Disconnected, then a new
// attempt), and stop() while connecting.
#include <ostream>
#include <thread>

#include "runtime_harness.hpp"
#include "transport/errc.hpp"

namespace portmqtt::test {
namespace {

const std::string kBefore = "before_connect mqtt://broker.test:1883";

TEST_F(RuntimeTest, ConnectsPublishesAndDisconnectsWithTheExactBytes) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect({0x32, 0x06,       // PUBLISH QoS 1, remaining 6
               0x00, 0x01, 't',  // topic "t"
               0x00, 0x01,       // packet id 1
               'a'},             // payload
              "PUBLISH")
      .deliver({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(client.publish("t", "a", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(log.wait_for("published id=1 reason=0"));
  EXPECT_FALSE(client.stop());

  EXPECT_EQ(log.lines(),
            (std::vector<std::string>{kBefore, "connected", "published id=1 reason=0"}));
  const ConnectionRecord r = script->record(0);
  EXPECT_EQ(r.endpoint.host, "broker.test");
  EXPECT_EQ(r.endpoint.port, 1883);
  ASSERT_EQ(r.packets.size(), 3u);
  EXPECT_EQ(r.packets[2], kDisconnect);  // stop() says goodbye
  EXPECT_EQ(r.closes, 1u);
  EXPECT_EQ(script->attempts(), 1u);
  EXPECT_EQ(client.state(), ConnectionState::stopped);
}

// One failure of a connection, and the lines it must produce before the next attempt.
struct Stage {
  const char* name;
  void (*script)(ConnectionScript&);
  std::error_code error;  // what Error and Disconnected carry
  int system_errno;       // Error::system_errno
  bool connected;         // the failure comes after CONNACK
  bool publish;           // the test publishes once connected (the write that fails)
};

void PrintTo(const Stage& stage, std::ostream* out) {
  *out << stage.name;
}

void refuse_connect(ConnectionScript& c) {
  c.refuse(system_error(ECONNREFUSED));
}
void fail_first_write(ConnectionScript& c) {
  c.fail_call(Op::write, 1, system_error(EPIPE));
}
void reset_while_waiting_for_connack(ConnectionScript& c) {
  c.expect(connect_packet(), "CONNECT").read_error(system_error(ECONNRESET));
}
void reset_while_connected(ConnectionScript& c) {
  c.expect(connect_packet(), "CONNECT").deliver(kConnack).read_error(system_error(ECONNRESET));
}
void close_while_connected(ConnectionScript& c) {
  c.expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .read_error(transport::errc::end_of_stream);
}
void fail_write_while_connected(ConnectionScript& c) {
  c.expect(connect_packet(), "CONNECT").deliver(kConnack).write_error(system_error(EPIPE));
}

const Stage kStages[] = {
    {"ConnectRefused", refuse_connect, system_error(ECONNREFUSED), ECONNREFUSED, false, false},
    {"FirstWrite", fail_first_write, system_error(EPIPE), EPIPE, false, false},
    {"ReadDuringConnackWait", reset_while_waiting_for_connack, system_error(ECONNRESET), ECONNRESET,
     false, false},
    {"ReadWhileConnected", reset_while_connected, system_error(ECONNRESET), ECONNRESET, true,
     false},
    {"PeerClosesWhileConnected", close_while_connected, errc::connection_closed, 0, true, false},
    {"WriteWhileConnected", fail_write_while_connected, system_error(EPIPE), EPIPE, true, true},
};

class FailureStage : public RuntimeTest, public ::testing::WithParamInterface<Stage> {};

TEST_P(FailureStage, IsReportedAndTheClientReconnects) {
  const Stage& stage = GetParam();
  ConnectionScript first = script->connection();
  stage.script(first);
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  if (stage.publish) {
    ASSERT_TRUE(log.wait_for("connected"));
    ASSERT_TRUE(client.publish("t", "a"));  // QoS 0: its write is the one that fails
  }
  std::vector<std::string> expected{kBefore};
  if (stage.connected) expected.push_back("connected");
  expected.push_back("error transport " + code_of(stage.error) +
                     " errno=" + std::to_string(stage.system_errno) + " at broker.test:1883");
  expected.push_back("disconnected " + code_of(stage.error) +
                     (stage.connected ? " was_connected" : " never_connected"));
  expected.push_back(kBefore);
  expected.push_back("connected");
  ASSERT_TRUE(log.wait_lines(expected.size()));
  EXPECT_EQ(log.first(expected.size()), expected);
  EXPECT_EQ(script->record(0).closes, 1u);  // the failed transport is closed once
  EXPECT_EQ(script->attempts(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Runtime, FailureStage, ::testing::ValuesIn(kStages),
                         [](const ::testing::TestParamInfo<Stage>& param) {
                           return std::string(param.param.name);
                         });

TEST_F(RuntimeTest, StopWhileTheConnectHangsClosesTheTransportAndReportsNothing) {
  script->connection().hang();
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(script->wait_attempts(1));
  EXPECT_FALSE(client.stop());
  EXPECT_EQ(client.state(), ConnectionState::stopped);
  EXPECT_EQ(script->record(0).closes, 1u);
  EXPECT_FALSE(script->record(0).connected);
  std::this_thread::sleep_for(100ms);  // five reconnect intervals: none may start
  EXPECT_EQ(script->attempts(), 1u);
  EXPECT_EQ(log.lines(), std::vector<std::string>{kBefore});  // stop() emits no Disconnected
}

TEST_F(RuntimeTest, StopWhileWaitingForConnackSendsNoDisconnect) {
  script->connection().expect(connect_packet(), "CONNECT");
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(script->wait_steps_done(0));
  EXPECT_FALSE(client.stop());
  const ConnectionRecord r = script->record(0);
  EXPECT_EQ(r.packets, std::vector<Bytes>{connect_packet()});
  EXPECT_EQ(r.closes, 1u);
  EXPECT_EQ(log.lines(), std::vector<std::string>{kBefore});
}

TEST_F(RuntimeTest, StartAgainAfterStopUsesANewConnection) {
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  EXPECT_FALSE(client.stop());
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(4));
  EXPECT_EQ(log.lines(), (std::vector<std::string>{kBefore, "connected", kBefore, "connected"}));
  EXPECT_EQ(script->record(0).packets, (std::vector<Bytes>{connect_packet(), kDisconnect}));
}

TEST_F(RuntimeTest, WithReconnectOffTheClientWaitsForReconnect) {
  script->connection().refuse(system_error(ECONNREFUSED));
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Config config = base_config();
  config.network.reconnect.enabled = false;
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(3));
  std::this_thread::sleep_for(100ms);  // five reconnect intervals: none may start
  EXPECT_EQ(script->attempts(), 1u);
  EXPECT_EQ(client.state(), ConnectionState::waiting_reconnect);
  ASSERT_FALSE(client.reconnect());
  ASSERT_TRUE(log.wait_for("connected"));
  const std::string refused = code_of(system_error(ECONNREFUSED));
  EXPECT_EQ(log.lines(), (std::vector<std::string>{
                             kBefore,
                             "error transport " + refused +
                                 " errno=" + std::to_string(ECONNREFUSED) + " at broker.test:1883",
                             "disconnected " + refused + " never_connected",
                             kBefore,
                             "connected",
                         }));
}

TEST_F(RuntimeTest, ARefusalRetryingCannotFixStopsTheClient) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver({0x20, 0x02,  // CONNACK, remaining 2
                0x00,        // no session present
                0x05});      // refused: not authorized
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(3));
  std::this_thread::sleep_for(100ms);  // five reconnect intervals: none may start
  EXPECT_EQ(script->attempts(), 1u);
  EXPECT_EQ(client.state(), ConnectionState::stopped);
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 3u);
  const std::string refused = code_of(errc::connection_refused);
  const std::string reason = std::to_string(static_cast<int>(ReasonCode::not_authorized));
  EXPECT_TRUE(lines[1].starts_with("error connection_refused " + refused +
                                   " errno=0 at broker.test:1883 reason=" + reason + " fatal ("))
      << lines[1];
  EXPECT_EQ(lines[2], "disconnected " + refused + " never_connected");
}

TEST_F(RuntimeTest, ARefusalThatMayPassRetries) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver({0x20, 0x02,  // CONNACK, remaining 2
                0x00,        // no session present
                0x03});      // refused: server unavailable
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(5));
  const std::string refused = code_of(errc::connection_refused);
  const std::string reason = std::to_string(static_cast<int>(ReasonCode::server_unavailable));
  EXPECT_EQ(log.lines(), (std::vector<std::string>{
                             kBefore,
                             "error connection_refused " + refused +
                                 " errno=0 at broker.test:1883 reason=" + reason,
                             "disconnected " + refused + " never_connected",
                             kBefore,
                             "connected",
                         }));
}

TEST_F(RuntimeTest, AMalformedPacketClosesTheConnectionAndIsNamed) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .deliver({0x00, 0x00});  // control packet type 0 is reserved
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(6));
  const auto lines = log.lines();
  const std::string malformed = code_of(errc::malformed_packet);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[2], "error protocol " + malformed +
                          " errno=0 at broker.test:1883 (packet of type 0 (first byte 0x00): "
                          "invalid packet type)");
  EXPECT_EQ(lines[3], "disconnected " + malformed + " was_connected");
  EXPECT_EQ(lines[5], "connected");
  EXPECT_EQ(script->record(0).closes, 1u);
}

TEST_F(RuntimeTest, RunsOnASharedEventLoopToo) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .read_error(system_error(ECONNRESET));
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);
  EventLoop loop{1};
  Client client{loop, base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_lines(6));
  EXPECT_EQ(log.lines()[5], "connected");
  EXPECT_EQ(script->attempts(), 2u);
}

TEST_F(RuntimeTest, AQos1MessageInFlightIsResentWithDupAfterTheConnectionDrops) {
  const Bytes publish = {0x32, 0x06,       // PUBLISH QoS 1, remaining 6
                         0x00, 0x01, 't',  // topic "t"
                         0x00, 0x01,       // packet id 1
                         'a'};             // payload
  Bytes resent = publish;
  resent[0] = 0x3a;                           // the same with DUP set
  const Bytes session_present = {0x20, 0x02,  // CONNACK, remaining 2
                                 0x01,        // session present
                                 0x00};       // accepted
  script->connection()
      .expect(connect_packet(0, 0x00), "CONNECT (persistent session)")
      .deliver(session_present)
      .expect(publish, "PUBLISH")
      .read_error(system_error(ECONNRESET));  // before the PUBACK
  script->connection()
      .expect(connect_packet(0, 0x00), "CONNECT (persistent session)")
      .deliver(session_present)
      .expect(resent, "PUBLISH with DUP")
      .deliver({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  Config config = base_config();
  config.session.clean_session = false;
  Client client{config};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(client.publish("t", "a", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(log.wait_for("published id=1 reason=0"));
  const std::string reset = code_of(system_error(ECONNRESET));
  EXPECT_EQ(log.lines(), (std::vector<std::string>{
                             kBefore,
                             "connected",
                             "error transport " + reset + " errno=" + std::to_string(ECONNRESET) +
                                 " at broker.test:1883",
                             "disconnected " + reset + " was_connected",
                             kBefore,
                             "connected",
                             "published id=1 reason=0",
                         }));
  EXPECT_EQ(script->record(1).packets, (std::vector<Bytes>{connect_packet(0, 0x00), resent}));
}

TEST_F(RuntimeTest, StopDeliversWhatIsQueuedBeforeItDisconnects) {
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect(packet_of_type(3, "PUBLISH"))
      .after(50ms)
      .deliver({0x40, 0x02, 0x00, 0x01})  // PUBACK id 1, a little later
      .expect(kDisconnect, "DISCONNECT");
  Client client{base_config()};
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  ASSERT_TRUE(client.publish("t", "a", {.qos = QoS::at_least_once}));
  EXPECT_FALSE(client.stop());  // waits for the PUBACK (up to outbox.stop_drain_timeout)
  EXPECT_EQ(log.lines(),
            (std::vector<std::string>{kBefore, "connected", "published id=1 reason=0"}));
  EXPECT_TRUE(script->wait_steps_done(0));
}

}  // namespace
}  // namespace portmqtt::test
