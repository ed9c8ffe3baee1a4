// What real brokers send that the specification does not foresee, and what the session makes
// of it: a refusal ends that message, never the connection, and it is never resent; what is
// really malformed still ends the connection.
#include "codec/errc.hpp"
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

// mosquitto 2.0.11 answering an MQTT 5 PUBLISH above its message_size_limit.
const Bytes kPuback95{0x40, 0x03,  // PUBACK, remaining length 3
                      0x00, 0x01,  // packet id 1
                      0x95};       // reason 0x95 Packet too large (not listed for PUBACK)
Config v5_config() {
  Config c = config_for(ProtocolVersion::v5);
  c.outbox_expiry = 0ms;
  return c;
}

TEST(BrokerQuirks, UnlistedPubackFailureCodeRefusesThatMessageOnly) {
  Harness h(v5_config());
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "x", QoS::at_least_once));
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07,       // PUBLISH QoS 1, remaining length 7
                               0x00, 0x01, 't',  // topic "t"
                               0x00, 0x01,       // packet id 1
                               0x00,             // no properties
                               'x'}));           // payload
  h.feed(kPuback95);
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);  // no ErrorOccurred, no CloseConnection
  auto done = take<PublishCompleted>(events);
  EXPECT_EQ(done.packet_id, 1);
  EXPECT_EQ(done.reason, ReasonCode::packet_too_large);
  EXPECT_FALSE(done.downgraded);
  EXPECT_EQ(h.session.state(), State::connected);
  EXPECT_EQ(h.output(), Bytes{});  // no DISCONNECT
  EXPECT_EQ(h.session.outbox_messages(), 0u);

  // Never resent: not after a while, not after a reconnect (whose lost session would have
  // every unacknowledged message resent as new).
  h.advance(5s);
  EXPECT_EQ(h.output(), Bytes{});
  h.session.connection_lost(h.now());
  h.events();
  h.connect_with(connack_v5());
  EXPECT_EQ(h.output(), Bytes{});
  EXPECT_TRUE(h.pending_after_connect.empty());

  // The connection goes on: the next message is sent and acknowledged.
  ASSERT_TRUE(h.publish("t", "x", QoS::at_least_once));
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07,       // PUBLISH QoS 1, remaining length 7
                               0x00, 0x01, 't',  // topic "t"
                               0x00, 0x02,       // packet id 2
                               0x00,             // no properties
                               'x'}));           // payload
  h.feed({0x40, 0x02, 0x00, 0x02});              // PUBACK id 2, success
  auto next = h.events();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(take<PublishCompleted>(next).reason, ReasonCode::success);
}

TEST(BrokerQuirks, UnlistedPubrecFailureCodeEndsTheQos2FlowWithoutPubrel) {
  Harness h(v5_config());
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "x", QoS::exactly_once));
  h.output();
  h.feed({0x50, 0x03,  // PUBREC, remaining length 3
          0x00, 0x01,  // packet id 1
          0x95});      // reason 0x95 (not listed for PUBREC)
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto done = take<PublishCompleted>(events);
  EXPECT_EQ(done.qos, QoS::exactly_once);
  EXPECT_EQ(done.reason, ReasonCode::packet_too_large);
  EXPECT_EQ(h.output(), Bytes{});  // no PUBREL
  EXPECT_EQ(h.session.state(), State::connected);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
}

TEST(BrokerQuirks, AMalformedAckStillEndsTheConnection) {
  // Below 0x80 an unlisted code would claim a success PUBACK cannot report.
  Harness h(v5_config());
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "x", QoS::at_least_once));
  h.output();
  h.session.receive(view_of(Bytes{0x40, 0x03, 0x00, 0x01, 0x11}), h.now());  // PUBACK 0x11
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  auto error = take<ErrorOccurred>(events, 0);
  EXPECT_EQ(error.error, errc::malformed_packet);
  EXPECT_EQ(error.cause, codec::errc::invalid_reason_code);
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x81}));  // DISCONNECT Malformed Packet
}

TEST(BrokerQuirks, PubackForQos2IsAcknowledgedAsDowngraded) {
  // RabbitMQ 3.x (MQTT 3.1.1) answers a QoS 2 PUBLISH with PUBACK.
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "x", QoS::exactly_once));
  EXPECT_EQ(h.output(), (Bytes{0x34, 0x06,       // PUBLISH QoS 2, remaining length 6
                               0x00, 0x01, 't',  // topic "t"
                               0x00, 0x01,       // packet id 1
                               'x'}));           // payload
  h.feed({0x40, 0x02, 0x00, 0x01});              // PUBACK id 1
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto done = take<PublishCompleted>(events);
  EXPECT_EQ(done.packet_id, 1);
  EXPECT_EQ(done.qos, QoS::exactly_once);
  EXPECT_EQ(done.reason, ReasonCode::success);
  EXPECT_TRUE(done.downgraded);
  EXPECT_EQ(h.output(), Bytes{});  // no PUBREL
  EXPECT_EQ(h.session.state(), State::connected);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
  // The retransmit timer has nothing left to resend, and a late duplicate PUBACK is ignored.
  h.advance(5s);
  EXPECT_EQ(h.output(), Bytes{});
  h.feed({0x40, 0x02, 0x00, 0x01});
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(BrokerQuirks, PubackInThePubrelStageIsStillAViolation) {
  Harness h(v5_config());
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "x", QoS::exactly_once));
  h.output();
  h.feed({0x50, 0x02, 0x00, 0x01});                                    // PUBREC id 1
  EXPECT_EQ(h.output(), (Bytes{0x62, 0x02, 0x00, 0x01}));              // PUBREL id 1
  h.session.receive(view_of(Bytes{0x40, 0x02, 0x00, 0x01}), h.now());  // PUBACK id 1
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  auto error = take<ErrorOccurred>(events, 0);
  EXPECT_EQ(error.error, errc::protocol_error);
  EXPECT_FALSE(error.rule.empty());
}

TEST(BrokerQuirks, IncomingPacketLimitHoldsOnMqtt311AsSoonAsTheHeaderArrives) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.maximum_incoming_packet_size = 1024;
  Harness h(c);
  h.connect_with(connack_v311());
  // A PUBLISH announcing a Remaining Length of 268,435,455 bytes; only its header is here.
  const Bytes header{0x30, 0xFF, 0xFF, 0xFF, 0x7F};
  h.session.receive(view_of(header), h.now());
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  auto error = take<ErrorOccurred>(events, 0);
  EXPECT_EQ(error.error, errc::packet_too_large);
  EXPECT_EQ(error.cause, codec::errc::packet_too_large);
  EXPECT_EQ(h.session.state(), State::closing);
}

TEST(BrokerQuirks, IncomingPacketLimitAllowsPacketsUpToIt) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.maximum_incoming_packet_size = 8;  // a 7-byte PUBLISH fits
  Harness h(c);
  h.connect_with(connack_v311());
  h.feed({0x30, 0x05, 0x00, 0x01, 't', 'h', 'i'});  // PUBLISH QoS 0 "t" = "hi", 7 bytes
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<MessageReceived>(events).publish.payload, "hi");
}

}  // namespace
}  // namespace portmqtt::session::test
