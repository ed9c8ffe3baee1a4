// Inbound PUBLISH: QoS 0/1/2 receiver flows, QoS 2 duplicate suppression, our Receive Maximum,
// our Maximum Packet Size, and inbound topic aliases.
#include "codec/errc.hpp"
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

std::vector<std::string> topics_of(const std::vector<Event>& events) {
  std::vector<std::string> topics;
  for (const auto& e : events) {
    if (auto* m = std::get_if<MessageReceived>(&e)) topics.emplace_back(m->publish.topic);
  }
  return topics;
}

TEST(PublishIn, Qos0IsDeliveredWithoutAck) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed({0x31, 0x05, 0x00, 0x01, 't', 'h', 'i'});  // PUBLISH QoS 0 retain "t" "hi"
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto m = take<MessageReceived>(events).publish;
  EXPECT_EQ(m.topic, "t");
  EXPECT_EQ(m.payload, "hi");
  EXPECT_TRUE(m.retain);
  EXPECT_EQ(m.qos, QoS::at_most_once);
  EXPECT_TRUE(h.output().empty());
}

TEST(PublishIn, Qos1IsDeliveredAndAcked) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x05, 'h', 'i'});  // PUBLISH QoS 1 id 5
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x05}));       // PUBACK id 5
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<MessageReceived>(events).publish.packet_id, 5);
  // A resent QoS 1 is delivered again: at least once.
  h.feed({0x3A, 0x07, 0x00, 0x01, 't', 0x00, 0x05, 'h', 'i'});  // PUBLISH QoS 1 DUP id 5
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x05}));
  EXPECT_EQ(h.events().size(), 1u);
}

TEST(PublishIn, Qos2IsDeliveredExactlyOnce) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  const Bytes publish{0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x07, 'h', 'i'};  // QoS 2 id 7
  const Bytes dup{0x3C, 0x07, 0x00, 0x01, 't', 0x00, 0x07, 'h', 'i'};      // same, DUP
  const Bytes pubrec{0x50, 0x02, 0x00, 0x07};                              // PUBREC id 7
  h.feed(publish);
  EXPECT_EQ(h.output(), pubrec);
  EXPECT_EQ(h.events().size(), 1u);
  h.feed(dup);
  EXPECT_EQ(h.output(), pubrec);    // acknowledged again ...
  EXPECT_TRUE(h.events().empty());  // ... but not delivered again
  h.feed(publish);                  // even without DUP, the id is still awaiting PUBREL
  EXPECT_EQ(h.output(), pubrec);
  EXPECT_TRUE(h.events().empty());
  h.feed({0x62, 0x02, 0x00, 0x07});                        // PUBREL id 7
  EXPECT_EQ(h.output(), (Bytes{0x70, 0x02, 0x00, 0x07}));  // PUBCOMP id 7
  h.feed(publish);  // after PUBCOMP the id starts a new message
  EXPECT_EQ(h.output(), pubrec);
  EXPECT_EQ(h.events().size(), 1u);
}

TEST(PublishIn, Mqtt5UnknownPubrelGetsPacketIdNotFound) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed({0x62, 0x02, 0x00, 0x09});                              // PUBREL id 9, never seen
  EXPECT_EQ(h.output(), (Bytes{0x70, 0x03, 0x00, 0x09, 0x92}));  // PUBCOMP: id not found
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(PublishIn, Mqtt311UnknownPubrelIsCompleted) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed({0x62, 0x02, 0x00, 0x09});                        // PUBREL id 9
  EXPECT_EQ(h.output(), (Bytes{0x70, 0x02, 0x00, 0x09}));  // PUBCOMP id 9
}

TEST(PublishIn, Mqtt5Qos2AcksUseTheShortForm) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed({0x34, 0x08, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'h', 'i'});  // PUBLISH QoS 2 id 1
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x01}));             // PUBREC id 1
  h.feed({0x62, 0x02, 0x00, 0x01});                                   // PUBREL id 1
  EXPECT_EQ(h.output(), (Bytes{0x70, 0x02, 0x00, 0x01}));             // PUBCOMP id 1
}

TEST(PublishIn, QoS2IdsAwaitingPubrelBeyondOurReceiveMaximumAreTolerated) {
  // mosquitto 2.0.11 counts its window up to our PUBREC, not our PUBCOMP: ids awaiting its
  // PUBREL may outnumber our Receive Maximum. Each message was delivered already.
  Config c = config_for(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::receive_maximum, 2);
  Harness h(c);
  h.connect_with(connack_v5());
  h.feed({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x01, 0x00, 'a'});  // QoS 2 id 1
  h.feed({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'});  // QoS 2 id 2
  h.feed({0x3C, 0x07, 0x00, 0x01, 't', 0x00, 0x02, 0x00, 'b'});  // resend of id 2
  h.feed({0x34, 0x07, 0x00, 0x01, 't', 0x00, 0x04, 0x00, 'd'});  // a third awaiting PUBREL
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x01,           // PUBREC 1
                               0x50, 0x02, 0x00, 0x02,           // PUBREC 2
                               0x50, 0x02, 0x00, 0x02,           // PUBREC 2 again
                               0x50, 0x02, 0x00, 0x04}));        // PUBREC 4: no DISCONNECT
  auto events = h.events();
  ASSERT_EQ(events.size(), 3u);  // a, b and d once each; the resend is not delivered again
  EXPECT_EQ(take<MessageReceived>(events, 2).publish.packet_id, 4);
  h.feed({0x62, 0x02, 0x00, 0x04});                        // PUBREL 4
  EXPECT_EQ(h.output(), (Bytes{0x70, 0x02, 0x00, 0x04}));  // PUBCOMP 4
}

TEST(PublishIn, PacketAboveOurMaximumPacketSize) {
  Config c = config_for(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::maximum_packet_size, 10);
  Harness h(c);
  h.connect_with(connack_v5());
  h.feed({0x30, 0x08, 0x00, 0x01, 't', 0x00, 'a', 'b', 'c', 'd'});  // 10 bytes: fits
  EXPECT_EQ(h.events().size(), 1u);
  const Bytes big{0x30, 0x09, 0x00, 0x01, 't', 0x00, 'a', 'b', 'c', 'd', 'e'};  // 11 bytes
  EXPECT_EQ(h.session.receive(view_of(big), h.now()), 0u);
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x95}));  // DISCONNECT: packet too large
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  auto error = take<ErrorOccurred>(events, 0);
  EXPECT_EQ(error.error, errc::packet_too_large);
  EXPECT_EQ(error.cause, codec::errc::packet_too_large);
}

Config with_alias_maximum(std::uint16_t maximum) {
  Config c = config_for(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::topic_alias_maximum, maximum);
  return c;
}

TEST(PublishIn, TopicAliasesResolveAndStayValidWhenRedefined) {
  Harness h(with_alias_maximum(2));
  h.connect_with(connack_v5());
  // Four packets in one read: define 1 -> "t", use it, redefine 1 -> "uu", use it.
  h.feed({
      0x30, 0x08, 0x00, 0x01, 't',  0x03, 0x23, 0x00, 0x01, 'a',        // "t", alias 1
      0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'b',              // alias 1 only
      0x30, 0x09, 0x00, 0x02, 'u',  'u',  0x03, 0x23, 0x00, 0x01, 'c',  // "uu", alias 1
      0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'd',              // alias 1 only
  });
  auto events = h.events();
  EXPECT_EQ(topics_of(events), (std::vector<std::string>{"t", "t", "uu", "uu"}));
  EXPECT_TRUE(h.output().empty());
}

TEST(PublishIn, AliasAboveOurMaximumIsTopicAliasInvalid) {
  Harness h(with_alias_maximum(2));
  h.connect_with(connack_v5());
  h.feed({0x30, 0x08, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x03, 'a'});  // alias 3 > 2
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x94}));  // DISCONNECT: topic alias invalid
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events).error, errc::unknown_topic_alias);
}

TEST(PublishIn, AliasWhenWeAllowNoneIsTopicAliasInvalid) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed({0x30, 0x08, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x01, 'a'});  // alias 1, max 0
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x94}));                    // topic alias invalid
}

TEST(PublishIn, UnknownAliasIsAProtocolErrorAndMapsResetPerConnection) {
  Harness h(with_alias_maximum(2));
  h.connect_with(connack_v5());
  h.feed({0x30, 0x08, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x01, 'a'});  // "t", alias 1
  h.events();
  h.session.connection_lost(h.now());
  h.connect_with(connack_v5());
  h.feed({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'b'});  // alias 1: gone
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x82}));               // DISCONNECT: protocol error
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events).error, errc::unknown_topic_alias);
}

}  // namespace
}  // namespace portmqtt::session::test
