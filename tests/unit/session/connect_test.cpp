// CONNECT / CONNACK for MQTT 3.1, 3.1.1 and 5: the bytes we send, what CONNACK tells us, and
// every way the handshake can fail.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

TEST(Connect, Mqtt31UsesProtocolNameMQIsdp) {
  Harness h(config_for(ProtocolVersion::v3_1));
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.session.state(), State::connecting);
  EXPECT_EQ(h.output(), (Bytes{
                            0x10, 0x0F,                                // CONNECT, remaining 15
                            0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name
                            0x03,                                      // protocol level 3
                            0x02,                                      // flags: clean session
                            0x00, 0x3C,                                // keep-alive 60 s
                            0x00, 0x01, 'c',                           // client id "c"
                        }));
}

TEST(Connect, Mqtt311WithWillUserAndPassword) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.will = WillConfig{"w", "bye", QoS::at_least_once, true, {}};
  c.username = "u";
  c.password = "p";
  Harness h(c);
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), (Bytes{
                            0x10, 0x1B,                      // CONNECT, remaining 27
                            0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
                            0x04,                            // level 4
                            0xEE,        // user, password, will retain, will QoS 1, will, clean
                            0x00, 0x3C,  // keep-alive 60
                            0x00, 0x01, 'c',            // client id
                            0x00, 0x01, 'w',            // will topic
                            0x00, 0x03, 'b', 'y', 'e',  // will payload
                            0x00, 0x01, 'u',            // user name
                            0x00, 0x01, 'p',            // password
                        }));
}

TEST(Connect, Mqtt311EmptyClientIdAndNoCleanSession) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.client_id = "";
  c.clean_start = false;
  c.keep_alive_s = 0;
  Harness h(c);
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), (Bytes{
                            0x10, 0x0C,                      // CONNECT, remaining 12
                            0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
                            0x04,                            // level 4
                            0x00,                            // no flags
                            0x00, 0x00,                      // keep-alive off
                            0x00, 0x00,                      // empty client id
                        }));
}

TEST(Connect, Mqtt5WithPropertiesAndWillProperties) {
  Config c = config_for(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::session_expiry_interval, 300);
  c.connect_props.add(PropertyId::receive_maximum, 10);
  WillConfig will{"w", "x", QoS::at_most_once, false, {}};
  will.props.add(PropertyId::will_delay_interval, 5);
  c.will = will;
  Harness h(c);
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), (Bytes{
                            0x10, 0x22,                         // CONNECT, remaining 34
                            0x00, 0x04, 'M',  'Q',  'T',  'T',  // protocol name
                            0x05,                               // level 5
                            0x06,                               // will, clean start
                            0x00, 0x3C,                         // keep-alive 60
                            0x08,                               // properties: 8 bytes
                            0x11, 0x00, 0x00, 0x01, 0x2C,       // session expiry 300
                            0x21, 0x00, 0x0A,                   // receive maximum 10
                            0x00, 0x01, 'c',                    // client id
                            0x05,                               // will properties: 5 bytes
                            0x18, 0x00, 0x00, 0x00, 0x05,       // will delay 5
                            0x00, 0x01, 'w',                    // will topic
                            0x00, 0x01, 'x',                    // will payload
                        }));
}

TEST(Connect, InvalidWillTopicFailsTheAttempt) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.will = WillConfig{"a/#", "x", QoS::at_most_once, false, {}};
  Harness h(c);
  h.session.connection_opened(h.now());
  EXPECT_TRUE(h.output().empty());
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(take<ErrorOccurred>(events, 0).error);
  EXPECT_TRUE(std::holds_alternative<CloseConnection>(events[1]));
  EXPECT_EQ(h.session.state(), State::closing);
}

TEST(Connack, Mqtt311AcceptedGivesDefaults) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.session.connection_opened(h.now());
  h.output();
  h.feed({0x20, 0x02, 0x00, 0x00});  // CONNACK: no session, accepted
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto connected = take<Connected>(events);
  EXPECT_FALSE(connected.session_present);
  EXPECT_EQ(connected.server.keep_alive, 60);
  EXPECT_EQ(connected.server.receive_maximum, 65535);
  EXPECT_EQ(connected.server.maximum_qos, QoS::exactly_once);
  EXPECT_TRUE(connected.assigned_client_id.empty());
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(Connack, Mqtt5CapabilitiesAreReported) {
  Harness h(config_for(ProtocolVersion::v5));
  h.session.connection_opened(h.now());
  h.output();
  h.feed({
      0x20, 0x25,                    // CONNACK, remaining 37
      0x00, 0x00,                    // no session, success
      0x22,                          // properties: 34 bytes
      0x21, 0x00, 0x05,              // receive maximum 5
      0x24, 0x01,                    // maximum QoS 1
      0x25, 0x00,                    // retain not available
      0x27, 0x00, 0x00, 0x04, 0x00,  // maximum packet size 1024
      0x22, 0x00, 0x03,              // topic alias maximum 3
      0x28, 0x00,                    // no wildcard subscriptions
      0x29, 0x00,                    // no subscription identifiers
      0x2A, 0x00,                    // no shared subscriptions
      0x13, 0x00, 0x1E,              // server keep alive 30
      0x11, 0x00, 0x00, 0x00, 0x78,  // session expiry 120
      0x12, 0x00, 0x02, 'i',  'd',   // assigned client identifier "id"
  });
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto connected = take<Connected>(events);
  EXPECT_EQ(connected.server.receive_maximum, 5);
  EXPECT_EQ(connected.server.maximum_qos, QoS::at_least_once);
  EXPECT_FALSE(connected.server.retain_available);
  EXPECT_EQ(connected.server.maximum_packet_size, 1024u);
  EXPECT_EQ(connected.server.topic_alias_maximum, 3);
  EXPECT_FALSE(connected.server.wildcard_subscription_available);
  EXPECT_FALSE(connected.server.subscription_identifiers_available);
  EXPECT_FALSE(connected.server.shared_subscription_available);
  EXPECT_EQ(connected.server.keep_alive, 30);
  EXPECT_EQ(connected.server.session_expiry_interval, 120u);
  EXPECT_EQ(connected.assigned_client_id, "id");
  EXPECT_EQ(connected.props.size(), 11u);
  EXPECT_EQ(h.session.client_id(), "id");
  EXPECT_EQ(h.session.server().maximum_packet_size, 1024u);
}

TEST(Connack, AssignedClientIdIsUsedOnTheNextConnect) {
  Config c = config_for(ProtocolVersion::v5);
  c.client_id = "";
  c.keep_alive_s = 0;
  Harness h(c);
  h.connect_with({0x20, 0x08, 0x00, 0x00,        // CONNACK, remaining 8, success
                  0x05,                          // properties: 5 bytes
                  0x12, 0x00, 0x02, 'i', 'd'});  // assigned client identifier "id"
  h.session.connection_lost(h.now());
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), (Bytes{
                            0x10, 0x0F,                      // CONNECT, remaining 15
                            0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
                            0x05, 0x02,                      // level 5, clean start
                            0x00, 0x00,                      // keep-alive off
                            0x00,                            // no properties
                            0x00, 0x02, 'i', 'd',            // client id "id"
                        }));
}

TEST(Connack, Mqtt311RefusedReportsReasonAndCloses) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.session.connection_opened(h.now());
  h.output();
  h.feed({0x20, 0x02, 0x00, 0x05});  // CONNACK: not authorized
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ConnectRefused>(events, 0).reason, ReasonCode::not_authorized);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::connection_refused);
  EXPECT_EQ(h.session.state(), State::closing);
  EXPECT_TRUE(h.output().empty());
}

TEST(Connack, Mqtt5RefusedReportsReasonAndCloses) {
  Harness h(config_for(ProtocolVersion::v5));
  h.session.connection_opened(h.now());
  h.output();
  h.feed({0x20, 0x03, 0x00, 0x86, 0x00});  // CONNACK: bad user name or password
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ConnectRefused>(events, 0).reason, ReasonCode::bad_user_name_or_password);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::connection_refused);
  EXPECT_TRUE(h.output().empty());
}

TEST(Connack, TimeoutClosesTheConnection) {
  Config c = config_for(ProtocolVersion::v5);
  c.connect_timeout = 5s;
  Harness h(c);
  h.session.connection_opened(h.now());
  h.output();
  EXPECT_EQ(h.session.next_deadline(), h.now() + 5s);
  h.advance(4999ms);
  EXPECT_TRUE(h.events().empty());
  h.advance(1ms);
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).error, errc::connack_timeout);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::connack_timeout);
  EXPECT_TRUE(h.output().empty());  // nothing to say before CONNACK
  EXPECT_EQ(h.session.state(), State::closing);
}

TEST(Connack, SecondConnackIsAProtocolError) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed(connack_v5());
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x82}));  // DISCONNECT: protocol error
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).error, errc::protocol_error);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::protocol_error);
}

TEST(Connack, PublishBeforeConnackIsAProtocolError) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.session.connection_opened(h.now());
  h.output();
  h.feed({0x30, 0x05, 0x00, 0x01, 't', 'h', 'i'});  // PUBLISH QoS 0 "t" "hi"
  EXPECT_TRUE(h.output().empty());  // 3.1.1 has no DISCONNECT from a client with a reason
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).error, errc::protocol_error);
  EXPECT_EQ(h.session.state(), State::closing);
}

TEST(Connack, SessionPresentAfterCleanStartIsAProtocolError) {
  Harness h(config_for(ProtocolVersion::v5));
  h.session.connection_opened(h.now());
  h.output();
  h.feed(connack_v5(/*session_present=*/true));
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x82}));  // DISCONNECT: protocol error
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).error, errc::protocol_error);
}

TEST(Connack, SplitAcrossReadsIsReassembledByTheCaller) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.session.connection_opened(h.now());
  h.output();
  Bytes first{0x20, 0x02, 0x00};
  EXPECT_EQ(h.session.receive(view_of(first), h.now()), 0u);  // need more
  h.feed({0x20, 0x02, 0x00, 0x00});
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(Connect, ConfigChangeTakesEffectOnTheNextConnection) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  Config next = config_for(ProtocolVersion::v3_1_1);
  next.client_id = "d";
  h.session.set_config(next);
  EXPECT_EQ(h.session.config().client_id, "d");
  h.session.connection_lost(h.now());
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), (Bytes{0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T',  // CONNECT 3.1.1
                               0x04, 0x02, 0x00, 0x3C,                      // level, clean, 60
                               0x00, 0x01, 'd'}));                          // client id "d"
}

TEST(Disconnect, Mqtt5SendsReasonAndAsksToClose) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  EXPECT_FALSE(h.session.disconnect(ReasonCode::disconnect_with_will_message, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x04}));  // DISCONNECT: with will message
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(take<CloseConnection>(events).reason);
  EXPECT_EQ(h.session.state(), State::closing);
  h.session.connection_lost(h.now());
  EXPECT_EQ(h.session.state(), State::disconnected);
}

TEST(Disconnect, Mqtt311SendsTheBarePacket) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  EXPECT_FALSE(h.session.disconnect(ReasonCode::normal_disconnection, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x00}));  // DISCONNECT
}

TEST(Disconnect, RefusedWhenOfflineOrWithV5ReasonOn311) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  EXPECT_EQ(h.session.disconnect(ReasonCode::normal_disconnection, {}, h.now()),
            errc::not_connected);
  h.connect_with(connack_v311());
  EXPECT_EQ(h.session.disconnect(ReasonCode::disconnect_with_will_message, {}, h.now()),
            errc::not_supported_by_version);
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(ServerDisconnect, ReportedThenClosed) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed({0xE0, 0x01, 0x8B});  // DISCONNECT: server shutting down
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ServerDisconnected>(events, 0).reason, ReasonCode::server_shutting_down);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::server_disconnected);
  EXPECT_EQ(h.session.state(), State::closing);
}

TEST(Auth, ReceivedDuringConnectAndAnswered) {
  Config c = config_for(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::authentication_method, "SCRM");  // the caller runs it
  Harness h(c);
  h.session.connection_opened(h.now());
  h.output();
  h.feed({0xF0, 0x09,                              // AUTH, remaining 9
          0x18,                                    // continue authentication
          0x07,                                    // properties: 7 bytes
          0x15, 0x00, 0x04, 'S', 'C', 'R', 'M'});  // authentication method "SCRM"
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto auth = take<AuthReceived>(events);
  EXPECT_EQ(auth.reason, ReasonCode::continue_authentication);
  EXPECT_EQ(auth.props.text(PropertyId::authentication_method), "SCRM");
  codec::Properties props;
  props.add(PropertyId::authentication_method, "SCRM");
  props.add(PropertyId::authentication_data, "ab");
  EXPECT_FALSE(h.session.auth(ReasonCode::continue_authentication, props, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0xF0, 0x0E,                            // AUTH, remaining 14
                               0x18,                                  // continue authentication
                               0x0C,                                  // properties: 12 bytes
                               0x15, 0x00, 0x04, 'S', 'C', 'R', 'M',  // method "SCRM"
                               0x16, 0x00, 0x02, 'a', 'b'}));         // data "ab"
}

TEST(Auth, RefusedOn311AndOffline) {
  Harness v3(config_for(ProtocolVersion::v3_1_1));
  EXPECT_EQ(v3.session.auth(ReasonCode::re_authenticate, {}, v3.now()),
            errc::not_supported_by_version);
  Harness v5(config_for(ProtocolVersion::v5));
  EXPECT_EQ(v5.session.auth(ReasonCode::re_authenticate, {}, v5.now()), errc::not_connected);
}

}  // namespace
}  // namespace portmqtt::session::test
