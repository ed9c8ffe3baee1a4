// Outbound PUBLISH: QoS 0/1/2 sender flows for 3.1.1 and 5, the in-flight window, packet ids,
// command validation, outbox limits and outbound topic aliases.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

TEST(PublishOut, Qos0Mqtt311) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  auto r = h.publish("t", "hi", QoS::at_most_once, /*retain=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.packet_id, 0);
  EXPECT_EQ(h.output(), (Bytes{0x31, 0x05,       // PUBLISH QoS 0 retain, remaining 5
                               0x00, 0x01, 't',  // topic "t"
                               'h', 'i'}));      // payload
  EXPECT_EQ(h.session.outbox_messages(), 0u);
}

TEST(PublishOut, Qos0Mqtt5HasEmptyProperties) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "hi", QoS::at_most_once));
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x06,       // PUBLISH QoS 0, remaining 6
                               0x00, 0x01, 't',  // topic
                               0x00,             // no properties
                               'h', 'i'}));
}

TEST(PublishOut, SeveralPacketsGoOutInOneBatchInOrder) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "a", QoS::at_most_once));
  ASSERT_TRUE(h.publish("t", "b", QoS::at_least_once));
  ASSERT_TRUE(h.publish("t", "c", QoS::at_most_once));
  OutputBatch batch = h.session.take_output();
  EXPECT_EQ(batch.buffers().size(), 3u);  // scratch, outbox record, scratch
  EXPECT_EQ(concat(batch), (Bytes{0x30, 0x04, 0x00, 0x01, 't', 'a',              // QoS 0 "a"
                                  0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'b',  // QoS 1 id 1
                                  0x30, 0x04, 0x00, 0x01, 't', 'c'}));           // QoS 0 "c"
  EXPECT_FALSE(h.session.has_output());
}

TEST(PublishOut, Qos0OfflineIsRefusedUnlessStored) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  EXPECT_EQ(h.publish("t", "hi", QoS::at_most_once).error, errc::not_connected);
  auto stored = h.publish("t", "hi", QoS::at_most_once, false, {.store_qos0_when_offline = true});
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored.packet_id, 0);
  EXPECT_EQ(h.session.outbox_messages(), 1u);
  h.connect_with(connack_v311());
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x05, 0x00, 0x01, 't', 'h', 'i'}));  // PUBLISH QoS 0
  EXPECT_EQ(h.session.outbox_messages(), 0u);
  EXPECT_EQ(h.session.outbox_bytes(), 0u);
}

TEST(PublishOut, Qos1Mqtt311Flow) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  auto r = h.publish("t", "hi", QoS::at_least_once);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07,       // PUBLISH QoS 1, remaining 7
                               0x00, 0x01, 't',  // topic
                               0x00, 0x01,       // packet id 1
                               'h', 'i'}));
  EXPECT_EQ(h.session.outbox_messages(), 1u);
  EXPECT_EQ(h.session.outbox_bytes(), 9u);
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto done = take<PublishCompleted>(events);
  EXPECT_EQ(done.packet_id, 1);
  EXPECT_EQ(done.qos, QoS::at_least_once);
  EXPECT_EQ(done.reason, ReasonCode::success);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
  EXPECT_TRUE(h.output().empty());
}

TEST(PublishOut, Qos2Mqtt311Flow) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "hi", QoS::exactly_once).packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0x34, 0x07,       // PUBLISH QoS 2, remaining 7
                               0x00, 0x01, 't',  // topic
                               0x00, 0x01,       // packet id 1
                               'h', 'i'}));
  h.feed({0x50, 0x02, 0x00, 0x01});                        // PUBREC id 1
  EXPECT_EQ(h.output(), (Bytes{0x62, 0x02, 0x00, 0x01}));  // PUBREL id 1
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session.outbox_messages(), 1u);  // the PUBREL is kept until PUBCOMP
  EXPECT_EQ(h.session.outbox_bytes(), 4u);
  h.feed({0x70, 0x02, 0x00, 0x01});  // PUBCOMP id 1
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<PublishCompleted>(events).qos, QoS::exactly_once);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
}

TEST(PublishOut, AcksTakenCountsEveryAckThatMovesAFlowOn) {
  // The runtime compares it across a read to tell a read of acks (client/read_pacing.hpp).
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  EXPECT_EQ(h.session.acks_taken(), 0u);
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::exactly_once).packet_id, 2);
  (void)h.output();
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  EXPECT_EQ(h.session.acks_taken(), 1u);
  h.feed({0x50, 0x02, 0x00, 0x02});  // PUBREC id 2
  EXPECT_EQ(h.session.acks_taken(), 2u);
  h.feed({0x50, 0x02, 0x00, 0x02});  // the same PUBREC again: the PUBREL is resent, no step
  EXPECT_EQ(h.session.acks_taken(), 2u);
  h.feed({0x70, 0x02, 0x00, 0x02});  // PUBCOMP id 2
  EXPECT_EQ(h.session.acks_taken(), 3u);
}

TEST(PublishOut, Mqtt5PubackReasonIsReported) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "hi", QoS::at_least_once));
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x08,       // PUBLISH QoS 1, remaining 8
                               0x00, 0x01, 't',  // topic
                               0x00, 0x01,       // packet id 1
                               0x00,             // no properties
                               'h', 'i'}));
  h.feed({0x40, 0x03, 0x00, 0x01, 0x10});  // PUBACK id 1: no matching subscribers
  auto events = h.events();
  EXPECT_EQ(take<PublishCompleted>(events).reason, ReasonCode::no_matching_subscribers);
}

TEST(PublishOut, Mqtt5Qos2FlowWithPubcompReason) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "hi", QoS::exactly_once));
  h.output();
  h.feed({0x50, 0x02, 0x00, 0x01});                        // PUBREC id 1 (short form)
  EXPECT_EQ(h.output(), (Bytes{0x62, 0x02, 0x00, 0x01}));  // PUBREL id 1 (short form)
  h.feed({0x70, 0x03, 0x00, 0x01, 0x92});                  // PUBCOMP: packet id not found
  auto events = h.events();
  EXPECT_EQ(take<PublishCompleted>(events).reason, ReasonCode::packet_identifier_not_found);
}

TEST(PublishOut, Mqtt5FailingPubrecEndsTheFlow) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_TRUE(h.publish("t", "hi", QoS::exactly_once));
  h.output();
  h.feed({0x50, 0x03, 0x00, 0x01, 0x87});  // PUBREC id 1: not authorized
  EXPECT_TRUE(h.output().empty());         // no PUBREL after a refusal
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<PublishCompleted>(events).reason, ReasonCode::not_authorized);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
}

TEST(PublishOut, ReceiveMaximumWindowKeepsOrder) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x06, 0x00, 0x00,  // CONNACK, remaining 6, success
                  0x03,                    // properties: 3 bytes
                  0x21, 0x00, 0x02});      // receive maximum 2
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::exactly_once).packet_id, 2);
  ASSERT_EQ(h.publish("t", "c", QoS::at_least_once).packet_id, 3);
  ASSERT_EQ(h.publish("t", "d", QoS::at_least_once).packet_id, 4);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a',     // id 1
                               0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'}));  // id 2
  h.feed({0x50, 0x02, 0x00, 0x02});  // PUBREC id 2: still in flight until PUBCOMP
  EXPECT_EQ(h.output(), (Bytes{0x62, 0x02, 0x00, 0x02}));  // PUBREL id 2 only
  h.feed({0x40, 0x02, 0x00, 0x01});                        // PUBACK id 1
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x03, 0x00, 'c'}));  // id 3
  h.feed({0x70, 0x02, 0x00, 0x02});                                                    // PUBCOMP 2
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x04, 0x00, 'd'}));  // id 4
}

TEST(PublishOut, OurMaxInflightBoundsAMqtt311Window) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.max_inflight = 1;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "a", QoS::exactly_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::at_least_once).packet_id, 2);
  EXPECT_EQ(h.output(), (Bytes{0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a'}));  // QoS 2 id 1
  h.feed({0x50, 0x02, 0x00, 0x01});                                              // PUBREC id 1
  EXPECT_EQ(h.output(), (Bytes{0x62, 0x02, 0x00, 0x01}));  // PUBREL id 1; "b" still waits
  h.feed({0x70, 0x02, 0x00, 0x01});                        // PUBCOMP id 1
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x02, 'b'}));  // QoS 1 id 2
}

TEST(PublishOut, TheSmallerOfMaxInflightAndReceiveMaximumApplies) {
  Config c = config_for(ProtocolVersion::v5);
  c.max_inflight = 3;
  Harness h(c);
  h.connect_with({0x20, 0x06, 0x00, 0x00,  // CONNACK, remaining 6, success
                  0x03,                    // properties: 3 bytes
                  0x21, 0x00, 0x01});      // receive maximum 1
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::at_least_once).packet_id, 2);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'}));  // id 1
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'}));  // id 2
}

TEST(PublishOut, QueuedWhileOfflineAndSentInOrderOnConnect) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::exactly_once).packet_id, 2);
  EXPECT_TRUE(h.output().empty());
  h.connect_with(connack_v311());
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a',     // QoS 1 id 1
                               0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x02, 'b'}));  // QoS 2 id 2
}

TEST(PublishOut, IdsWrapAndSkipIdsInFlight) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.retransmit_interval = 0ms;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "x", QoS::at_least_once).packet_id, 1);  // stays in flight
  ASSERT_EQ(h.publish("t", "x", QoS::at_least_once).packet_id, 2);  // stays in flight
  for (std::uint32_t id = 3; id <= 65535; ++id) {
    auto r = h.publish("t", "x", QoS::at_least_once);
    ASSERT_EQ(r.packet_id, id);
    h.feed({0x40, 0x02, static_cast<std::uint8_t>(id >> 8),
            static_cast<std::uint8_t>(id & 0xFF)});  // PUBACK id
  }
  h.events();
  h.output();
  // 65535 wraps to 1 and 2, both still in flight: the next free id is 3.
  EXPECT_EQ(h.publish("t", "x", QoS::at_least_once).packet_id, 3);
  h.feed({0x40, 0x02, 0x00, 0x01});                                 // PUBACK id 1 frees it
  EXPECT_EQ(h.publish("t", "x", QoS::at_least_once).packet_id, 4);  // keeps walking forward
}

// The last accepted topic is remembered to skip its scan: that must never let a bad topic
// through, whatever came before it.
TEST(PublishOut, TopicChecksHoldAfterAnAcceptedTopic) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  EXPECT_TRUE(h.publish("a/b", "x", QoS::at_most_once));
  EXPECT_EQ(h.publish("a/+", "x", QoS::at_most_once).error, errc::invalid_topic);
  EXPECT_EQ(h.publish("", "x", QoS::at_most_once).error, errc::invalid_topic);
  EXPECT_EQ(h.publish(std::string_view("a/\0b", 4), "x", QoS::at_least_once).error,
            errc::invalid_topic);
  EXPECT_EQ(h.publish("a/#", "x", QoS::exactly_once).error, errc::invalid_topic);
  EXPECT_TRUE(h.publish("a/b", "y", QoS::at_most_once));
  EXPECT_TRUE(h.publish("a/c", "z", QoS::at_least_once));
  EXPECT_EQ(h.publish("a/c/+", "z", QoS::at_least_once).error, errc::invalid_topic);
  // Every accepted message went out as given; none of the refused ones did.
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x06, 0x00, 0x03, 'a', '/', 'b', 'x',  // a/b "x"
                               0x30, 0x06, 0x00, 0x03, 'a', '/', 'b', 'y',  // a/b "y"
                               0x32, 0x08, 0x00, 0x03, 'a', '/', 'c',       // a/c QoS 1
                               0x00, 0x01, 'z'}));                          // id 1, "z"
}

TEST(PublishOut, ValidationErrors) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x0F, 0x00, 0x00,        // CONNACK, remaining 15, success
                  0x0C,                          // properties: 12 bytes
                  0x24, 0x01,                    // maximum QoS 1
                  0x25, 0x00,                    // retain not available
                  0x27, 0x00, 0x00, 0x00, 0x10,  // maximum packet size 16
                  0x22, 0x00, 0x02});            // topic alias maximum 2
  EXPECT_EQ(h.publish("a/+", "x", QoS::at_most_once).error, errc::invalid_topic);
  EXPECT_EQ(h.publish("", "x", QoS::at_most_once).error, errc::invalid_topic);
  EXPECT_EQ(h.publish("t", "x", QoS::exactly_once).error, errc::invalid_qos);
  EXPECT_EQ(h.publish("t", "x", static_cast<QoS>(3)).error, errc::invalid_qos);
  EXPECT_EQ(h.publish("t", "x", QoS::at_most_once, /*retain=*/true).error,
            errc::retain_not_available);
  // 2 + 3 + 1 + 11 = 17 bytes > 16
  EXPECT_EQ(h.publish("t", "12345678901", QoS::at_most_once).error, errc::packet_too_large);
  EXPECT_EQ(h.publish("t", "12345678901", QoS::at_least_once).error, errc::packet_too_large);
  EXPECT_TRUE(h.publish("t", "1234567890", QoS::at_most_once));  // 16 bytes fit

  codec::Publish p;
  p.topic = "t";
  p.props.add(PropertyId::topic_alias, 0);
  EXPECT_EQ(h.session.publish(p, h.now()).error, errc::topic_alias_invalid);
  p.props.clear();
  p.props.add(PropertyId::topic_alias, 3);
  EXPECT_EQ(h.session.publish(p, h.now()).error, errc::topic_alias_invalid);
  p.props.clear();
  p.topic = "";
  p.props.add(PropertyId::topic_alias, 1);  // empty topic with an alias never defined
  EXPECT_EQ(h.session.publish(p, h.now()).error, errc::topic_alias_invalid);
  p.props.clear();
  p.topic = "t";
  p.props.add(PropertyId::subscription_identifier, 1);
  EXPECT_EQ(h.session.publish(p, h.now()).error, errc::invalid_argument);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
  // The refused QoS 1 gave id 1 back; allocation walks forward, so the next one is 2.
  EXPECT_EQ(h.publish("t", "x", QoS::at_least_once).packet_id, 2);
}

TEST(PublishOut, PropertiesAreRefusedOn311) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  codec::Publish p;
  p.topic = "t";
  p.props.add(PropertyId::content_type, "text/plain");
  EXPECT_EQ(h.session.publish(p, h.now()).error, errc::not_supported_by_version);
}

TEST(PublishOut, OutboxMessageLimit) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.outbox_limit_messages = 2;
  Harness h(c);
  EXPECT_TRUE(h.publish("t", "a", QoS::at_least_once));
  EXPECT_TRUE(h.publish("t", "b", QoS::at_least_once));
  EXPECT_EQ(h.publish("t", "c", QoS::at_least_once).error, errc::outbox_full);
  EXPECT_EQ(h.session.outbox_messages(), 2u);
}

TEST(PublishOut, OutboxByteLimitUsesTheEspRule) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.outbox_limit_bytes = 20;
  Harness h(c);
  ASSERT_TRUE(h.publish("t", "0123456789", QoS::at_least_once));  // record of 17 bytes
  EXPECT_EQ(h.session.outbox_bytes(), 17u);
  EXPECT_TRUE(h.publish("t", "abc", QoS::at_least_once));  // 3 + 17 = 20: not above
  EXPECT_EQ(h.session.outbox_bytes(), 27u);
  EXPECT_EQ(h.publish("t", "", QoS::at_least_once).error, errc::outbox_full);  // 0 + 27 > 20
}

TEST(PublishOut, TopicAliasesAreUsedAndResetPerConnection) {
  Harness h(config_for(ProtocolVersion::v5));
  const Bytes connack{0x20, 0x06, 0x00, 0x00,  // CONNACK, remaining 6, success
                      0x03,                    // properties: 3 bytes
                      0x22, 0x00, 0x02};       // topic alias maximum 2
  h.connect_with(connack);
  codec::Publish p;
  p.topic = "t";
  p.payload = "hi";
  p.props.add(PropertyId::topic_alias, 1);
  const Bytes with_topic{0x30, 0x09,        // PUBLISH QoS 0, remaining 9
                         0x00, 0x01, 't',   // topic
                         0x03,              // properties: 3 bytes
                         0x23, 0x00, 0x01,  // topic alias 1
                         'h',  'i'};
  const Bytes alias_only{0x30, 0x08,        // PUBLISH QoS 0, remaining 8
                         0x00, 0x00,        // empty topic
                         0x03,              // properties: 3 bytes
                         0x23, 0x00, 0x01,  // topic alias 1
                         'h',  'i'};
  ASSERT_TRUE(h.session.publish(p, h.now()));
  EXPECT_EQ(h.output(), with_topic);
  ASSERT_TRUE(h.session.publish(p, h.now()));
  EXPECT_EQ(h.output(), alias_only);
  p.topic = "";  // the application may rely on the alias itself
  ASSERT_TRUE(h.session.publish(p, h.now()));
  EXPECT_EQ(h.output(), alias_only);

  // A QoS 1 record keeps its topic, but what goes out uses the mapping the broker has.
  p.topic = "t";
  p.qos = QoS::at_least_once;
  ASSERT_EQ(h.session.publish(p, h.now()).packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x0A,        // PUBLISH QoS 1, remaining 10
                               0x00, 0x00,        // empty topic
                               0x00, 0x01,        // packet id 1
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h', 'i'}));
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  h.events();
  p.qos = QoS::at_most_once;

  h.session.connection_lost(h.now());
  h.connect_with(connack);
  h.output();
  ASSERT_TRUE(h.session.publish(p, h.now()));
  EXPECT_EQ(h.output(), with_topic);  // new connection: the broker forgot the alias
}

TEST(PublishOut, QueuedAliasAboveANewLowerMaximumIsStripped) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x02});  // topic alias max 2
  h.session.connection_lost(h.now());
  codec::Publish p;
  p.topic = "t";
  p.payload = "hi";
  p.qos = QoS::at_least_once;
  p.props.add(PropertyId::topic_alias, 2);
  ASSERT_EQ(h.session.publish(p, h.now()).packet_id, 1);  // queued offline
  h.connect_with(connack_v5());                           // this broker allows no aliases
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x08,                // PUBLISH QoS 1, remaining 8
                               0x00, 0x01, 't',           // topic
                               0x00, 0x01,                // packet id 1
                               0x00,                      // no properties: alias removed
                               'h', 'i'}));
}

TEST(PublishOut, QueuedMessageThisBrokerCannotTakeIsDropped) {
  Harness h(config_for(ProtocolVersion::v5));
  ASSERT_EQ(h.publish("t", "0123456789", QoS::exactly_once).packet_id, 1);  // 17 bytes
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 2);          // 8 bytes
  h.connect_with({0x20, 0x0A, 0x00, 0x00,        // CONNACK, remaining 10, success
                  0x07,                          // properties: 7 bytes
                  0x27, 0x00, 0x00, 0x00, 0x10,  // maximum packet size 16
                  0x24, 0x01});                  // maximum QoS 1
  auto events = h.pending_after_connect;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<MessageExpired>(events).packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'a'}));  // id 2
}

}  // namespace
}  // namespace portmqtt::session::test
