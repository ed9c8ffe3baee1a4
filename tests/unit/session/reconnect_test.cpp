// Reconnects in the middle of every QoS 1/2 step, in both directions; DUP resends in order;
// the lost-session policies; retransmission on a live connection (3.x only).
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PacketType;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

Config persistent(ProtocolVersion version) {
  Config c = config_for(version);
  c.clean_start = false;
  c.keep_alive_s = 0;
  return c;
}

void reconnect(Harness& h, const Bytes& connack) {
  h.session.connection_lost(h.now());
  h.connect_with(connack);
}

const Bytes kQos2Publish{0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 'h', 'i'};     // QoS 2 id 1
const Bytes kQos2PublishDup{0x3C, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 'h', 'i'};  // QoS 2 DUP id 1
const Bytes kPubrec1{0x50, 0x02, 0x00, 0x01};
const Bytes kPubrel1{0x62, 0x02, 0x00, 0x01};
const Bytes kPubcomp1{0x70, 0x02, 0x00, 0x01};

TEST(ReconnectOutbound, Qos2AfterPublishSentResendsWithDup) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "hi", QoS::exactly_once));
  EXPECT_EQ(h.output(), kQos2Publish);
  reconnect(h, connack_v311(/*session_present=*/true));
  EXPECT_EQ(h.output(), kQos2PublishDup);
  h.feed(kPubrec1);
  EXPECT_EQ(h.output(), kPubrel1);
  h.feed(kPubcomp1);
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<PublishCompleted>(events).packet_id, 1);
}

TEST(ReconnectOutbound, Qos2AfterPubrecReceivedResendsPubrel) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "hi", QoS::exactly_once));
  h.output();
  h.feed(kPubrec1);  // the PUBREL is queued but the link dies before it is written
  reconnect(h, connack_v311(true));
  EXPECT_EQ(h.output(), kPubrel1);
  h.feed(kPubcomp1);
  EXPECT_EQ(h.events().size(), 1u);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
}

TEST(ReconnectOutbound, Qos2AfterPubrelSentResendsPubrel) {
  Harness h(persistent(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "hi", QoS::exactly_once));
  h.output();
  h.feed(kPubrec1);
  EXPECT_EQ(h.output(), kPubrel1);  // written; PUBCOMP never arrives
  reconnect(h, connack_v5(true));
  EXPECT_EQ(h.output(), kPubrel1);
  h.feed(kPubcomp1);
  auto events = h.events();
  EXPECT_EQ(take<PublishCompleted>(events).qos, QoS::exactly_once);
}

TEST(ReconnectOutbound, Qos1ResentWithDupInOriginalOrder) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::exactly_once).packet_id, 2);
  ASSERT_EQ(h.publish("t", "c", QoS::at_least_once).packet_id, 3);
  h.output();
  h.session.connection_lost(h.now());
  ASSERT_EQ(h.publish("t", "d", QoS::at_least_once).packet_id, 4);  // queued offline
  h.connect_with(connack_v311(true));
  EXPECT_EQ(h.output(), (Bytes{0x3A, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a',     // DUP QoS 1 id 1
                               0x3C, 0x06, 0x00, 0x01, 't', 0x00, 0x02, 'b',     // DUP QoS 2 id 2
                               0x3A, 0x06, 0x00, 0x01, 't', 0x00, 0x03, 'c',     // DUP QoS 1 id 3
                               0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x04, 'd'}));  // new: no DUP
}

TEST(ReconnectOutbound, Mqtt5ResendHonoursTheNewReceiveMaximum) {
  Harness h(persistent(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "a", QoS::at_least_once));
  ASSERT_TRUE(h.publish("t", "b", QoS::at_least_once));
  ASSERT_TRUE(h.publish("t", "c", QoS::at_least_once));
  h.output();
  reconnect(h, {0x20, 0x06, 0x01, 0x00,  // CONNACK, remaining 6, session present, success
                0x03,                    // properties: 3 bytes
                0x21, 0x00, 0x01});      // receive maximum 1
  EXPECT_EQ(h.output(), (Bytes{0x3A, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'}));  // DUP 1
  h.feed({0x40, 0x02, 0x00, 0x01});                                                    // PUBACK 1
  EXPECT_EQ(h.output(), (Bytes{0x3A, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'}));  // DUP 2
}

TEST(ReconnectOutbound, Mqtt5NeverResendsOnALiveConnection) {
  Harness h(persistent(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "a", QoS::at_least_once));
  h.output();
  EXPECT_FALSE(h.session.next_deadline());
  h.advance(1h);
  EXPECT_TRUE(h.output().empty());
}

TEST(ReconnectOutbound, LostSessionResendsAsNewAndReportsPubrelsAsUnknown) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "a", QoS::exactly_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::at_least_once).packet_id, 2);
  h.output();
  h.feed(kPubrec1);  // id 1 now waits for PUBCOMP
  h.output();
  reconnect(h, connack_v311(/*session_present=*/false));
  auto events = h.pending_after_connect;
  ASSERT_EQ(events.size(), 1u);
  // The broker had it (PUBREC) but lost the session: delivered or not, nobody can say. It is
  // not reported as completed, and no PUBREL goes out.
  auto unknown = take<MessageExpired>(events);
  EXPECT_EQ(unknown.packet_id, 1);
  EXPECT_EQ(unknown.why, DropReason::outcome_unknown);
  EXPECT_EQ(unknown.handle, 1u);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x02, 'b'}));  // DUP=0
  EXPECT_EQ(h.session.outbox_messages(), 1u);
}

TEST(ReconnectOutbound, LostSessionDiscardPolicyDropsWhatTheBrokerSaw) {
  Config c = persistent(ProtocolVersion::v3_1_1);
  c.lost_session_policy = LostSessionPolicy::discard;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  h.output();
  h.session.connection_lost(h.now());
  ASSERT_EQ(h.publish("t", "b", QoS::at_least_once).packet_id, 2);  // never sent
  h.connect_with(connack_v311(false));
  auto events = h.pending_after_connect;
  ASSERT_EQ(events.size(), 1u);
  auto expired = take<MessageExpired>(events);
  EXPECT_EQ(expired.packet_id, 1);
  EXPECT_EQ(expired.type, PacketType::publish);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x02, 'b'}));
}

TEST(ReconnectInbound, Qos2AfterPublishReceivedIsNotDeliveredTwice) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(kQos2Publish);
  EXPECT_EQ(h.events().size(), 1u);
  h.session.connection_lost(h.now());  // our PUBREC is lost
  h.connect_with(connack_v311(true));
  h.feed(kQos2PublishDup);
  EXPECT_EQ(h.output(), kPubrec1);
  EXPECT_TRUE(h.events().empty());
  h.feed(kPubrel1);
  EXPECT_EQ(h.output(), kPubcomp1);
}

TEST(ReconnectInbound, Qos2AfterPubrecSentCompletesOnPubrel) {
  Harness h(persistent(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed({0x34, 0x08, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'h', 'i'});  // QoS 2 id 1
  EXPECT_EQ(h.output(), kPubrec1);
  h.events();
  reconnect(h, connack_v5(true));
  h.feed(kPubrel1);  // the broker resends PUBREL
  EXPECT_EQ(h.output(), kPubcomp1);
  h.feed({0x34, 0x08, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'h', 'i'});  // id 1 reused: new
  EXPECT_EQ(h.events().size(), 1u);
}

TEST(ReconnectInbound, Qos2AfterPubrelReceivedAnswersARepeatedPubrel) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(kQos2Publish);
  h.feed(kPubrel1);
  EXPECT_EQ(h.output(), cat({kPubrec1, kPubcomp1}));
  EXPECT_EQ(h.events().size(), 1u);
  reconnect(h, connack_v311(true));  // our PUBCOMP may not have arrived
  h.feed(kPubrel1);
  EXPECT_EQ(h.output(), kPubcomp1);
  EXPECT_TRUE(h.events().empty());
}

TEST(ReconnectInbound, LostSessionClearsInboundQos2State) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(kQos2Publish);
  h.events();
  reconnect(h, connack_v311(false));
  h.feed(kQos2Publish);  // the broker's new session reuses id 1 for a new message
  EXPECT_EQ(h.events().size(), 1u);
}

TEST(ReconnectRequests, PendingSubscribeIsReportedOnConnectionLoss) {
  Harness h(persistent(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  codec::Subscription s{"a", {}};
  auto r = h.session.subscribe({&s, 1}, {}, h.now());
  ASSERT_TRUE(r);
  h.session.connection_lost(h.now());
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<MessageExpired>(events).type, PacketType::subscribe);
  h.connect_with(connack_v311(true));
  h.feed({0x90, 0x03, 0x00, 0x01, 0x00});  // a SUBACK for it now is unknown
  auto after = h.events();
  EXPECT_EQ(take<ErrorOccurred>(after).error, errc::unknown_packet_id);
}

TEST(Retransmit, Mqtt311ResendsAfterTheIntervalWithDup) {
  Config c = persistent(ProtocolVersion::v3_1_1);
  c.retransmit_interval = 1s;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "hi", QoS::exactly_once));
  EXPECT_EQ(h.output(), kQos2Publish);
  EXPECT_EQ(h.session.next_deadline(), h.now() + 1s);
  h.advance(999ms);
  EXPECT_TRUE(h.output().empty());
  h.advance(1ms);
  EXPECT_EQ(h.output(), kQos2PublishDup);
  h.feed(kPubrec1);
  EXPECT_EQ(h.output(), kPubrel1);
  h.feed(kPubrec1);  // the broker answers the DUP copy too: repeat PUBREL
  EXPECT_EQ(h.output(), kPubrel1);
  h.advance(1s);
  EXPECT_EQ(h.output(), kPubrel1);  // PUBREL is retransmitted as well
  h.feed(kPubcomp1);
  h.feed(kPubcomp1);  // duplicates caused by retransmission are tolerated
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<PublishCompleted>(events).packet_id, 1);
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(Retransmit, DisabledMakesAStrayAckAProtocolViolation) {
  Config c = persistent(ProtocolVersion::v3_1_1);
  c.retransmit_interval = 0ms;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "hi", QoS::at_least_once));
  h.output();
  h.advance(1h);
  EXPECT_TRUE(h.output().empty());
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1 again
  auto events = h.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(take<ErrorOccurred>(events, 1).error, errc::unknown_packet_id);
  EXPECT_TRUE(h.output().empty());  // 3.1.1: no DISCONNECT reason to send
}

}  // namespace
}  // namespace portmqtt::session::test
