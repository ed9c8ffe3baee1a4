// Application-controlled acknowledgement (Config::manual_ack): PUBACK/PUBREC wait for ack(),
// go out in arrival order (§4.6), carry the application's reason code and properties (MQTT 5),
// count against our Receive Maximum, and become stale with the connection.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

Config manual(ProtocolVersion version) {
  Config c = config_for(version);
  c.manual_ack = true;
  return c;
}

// PUBLISH QoS 1 (or 2), topic "t", payload "hi", with `id`; `dup` sets the DUP flag.
Bytes publish_v311(QoS qos, std::uint8_t id, bool dup = false) {
  const auto first =
      static_cast<std::uint8_t>(0x30 | (dup ? 0x08 : 0) | (static_cast<std::uint8_t>(qos) << 1));
  return {first, 0x07, 0x00, 0x01, 't', 0x00, id, 'h', 'i'};
}
Bytes publish_v5(QoS qos, std::uint8_t id, bool dup = false) {
  const auto first =
      static_cast<std::uint8_t>(0x30 | (dup ? 0x08 : 0) | (static_cast<std::uint8_t>(qos) << 1));
  return {first, 0x08, 0x00, 0x01, 't', 0x00, id, 0x00, 'h', 'i'};  // empty property list
}

std::uint64_t ack_id_of(std::vector<Event> events) {
  EXPECT_EQ(events.size(), 1u);
  if (events.size() != 1) return 0;
  return take<MessageReceived>(events).ack_id;
}

TEST(ManualAck, Qos1PubackWaitsForTheApplication) {
  Harness h(manual(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(publish_v311(QoS::at_least_once, 5));
  const std::uint64_t id = ack_id_of(h.events());
  EXPECT_NE(id, 0u);
  EXPECT_TRUE(h.output().empty());  // no PUBACK yet
  EXPECT_FALSE(h.session.ack(id, ReasonCode::success, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x05}));  // PUBACK id 5
  // Twice is an error: nothing waits under that id any more.
  EXPECT_EQ(h.session.ack(id, ReasonCode::success, {}, h.now()), errc::stale_ack);
  EXPECT_TRUE(h.output().empty());
}

TEST(ManualAck, Qos0HasNoAckId) {
  Harness h(manual(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed({0x30, 0x05, 0x00, 0x01, 't', 'h', 'i'});  // PUBLISH QoS 0
  EXPECT_EQ(ack_id_of(h.events()), 0u);
  EXPECT_EQ(h.session.ack(0, ReasonCode::success, {}, h.now()), errc::invalid_argument);
}

TEST(ManualAck, AcksGoOutInArrivalOrder) {
  Harness h(manual(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(publish_v311(QoS::at_least_once, 1));
  const auto first = ack_id_of(h.events());
  h.feed(publish_v311(QoS::exactly_once, 2));
  const auto second = ack_id_of(h.events());
  h.feed(publish_v311(QoS::at_least_once, 3));
  const auto third = ack_id_of(h.events());
  EXPECT_FALSE(h.session.ack(third, ReasonCode::success, {}, h.now()));
  EXPECT_FALSE(h.session.ack(second, ReasonCode::success, {}, h.now()));
  EXPECT_TRUE(h.output().empty());  // held behind the first message (§4.6)
  EXPECT_FALSE(h.session.ack(first, ReasonCode::success, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x01,     // PUBACK id 1
                               0x50, 0x02, 0x00, 0x02,     // PUBREC id 2
                               0x40, 0x02, 0x00, 0x03}));  // PUBACK id 3
}

TEST(ManualAck, Mqtt5ReasonAndPropertiesOfTheApplication) {
  Harness h(manual(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed(publish_v5(QoS::at_least_once, 5));
  const auto id = ack_id_of(h.events());
  codec::OwnedProperties props;
  props.add(PropertyId::reason_string, "no");
  EXPECT_FALSE(h.session.ack(id, ReasonCode::unspecified_error, props.view(), h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x09,        // PUBACK, remaining length 9
                               0x00, 0x05,        // packet id 5
                               0x80,              // Unspecified error
                               0x05,              // property length
                               0x1F, 0x00, 0x02,  // Reason String, length 2
                               'n', 'o'}));
}

TEST(ManualAck, Mqtt5RefusesWhatPubackCannotCarry) {
  Harness h(manual(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed(publish_v5(QoS::at_least_once, 5));
  const auto id = ack_id_of(h.events());
  // Granted QoS 1 is not a PUBACK reason code.
  EXPECT_EQ(h.session.ack(id, ReasonCode::granted_qos_1, {}, h.now()), errc::invalid_argument);
  codec::OwnedProperties props;
  props.add(PropertyId::content_type, "text/plain");  // a PUBLISH property
  EXPECT_EQ(h.session.ack(id, ReasonCode::success, props.view(), h.now()), errc::invalid_argument);
  EXPECT_TRUE(h.output().empty());
  EXPECT_FALSE(h.session.ack(id, ReasonCode::success, {}, h.now()));  // still held
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x05}));
}

TEST(ManualAck, Mqtt311IgnoresTheReasonAndRefusesProperties) {
  Harness h(manual(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(publish_v311(QoS::at_least_once, 5));
  const auto id = ack_id_of(h.events());
  codec::OwnedProperties props;
  props.add(PropertyId::reason_string, "no");
  EXPECT_EQ(h.session.ack(id, ReasonCode::success, props.view(), h.now()),
            errc::not_supported_by_version);
  EXPECT_FALSE(h.session.ack(id, ReasonCode::unspecified_error, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x05}));  // plain PUBACK
}

TEST(ManualAck, Qos2CopiesWhileHeldAreNotDeliveredNorAcked) {
  Harness h(manual(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(publish_v311(QoS::exactly_once, 7));
  const auto id = ack_id_of(h.events());
  h.feed(publish_v311(QoS::exactly_once, 7, true));  // the broker's copy, DUP
  EXPECT_TRUE(h.events().empty());
  EXPECT_TRUE(h.output().empty());
  EXPECT_FALSE(h.session.ack(id, ReasonCode::success, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x07}));  // PUBREC id 7
  h.feed(publish_v311(QoS::exactly_once, 7, true));        // after PUBREC: answered at once
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x07}));
  EXPECT_TRUE(h.events().empty());
  h.feed({0x62, 0x02, 0x00, 0x07});                        // PUBREL id 7
  EXPECT_EQ(h.output(), (Bytes{0x70, 0x02, 0x00, 0x07}));  // PUBCOMP: automatic
}

TEST(ManualAck, Qos2RefusedByTheApplicationEndsTheFlow) {
  Harness h(manual(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed(publish_v5(QoS::exactly_once, 7));
  const auto id = ack_id_of(h.events());
  EXPECT_FALSE(h.session.ack(id, ReasonCode::implementation_specific_error, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x03, 0x00, 0x07, 0x83}));  // PUBREC 0x83
  // No PUBREL follows a failed PUBREC: the id starts a new message.
  h.feed(publish_v5(QoS::exactly_once, 7));
  EXPECT_NE(ack_id_of(h.events()), 0u);
}

TEST(ManualAck, HeldMessagesAreStaleAfterTheConnectionAndComeBack) {
  Harness h(manual(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(publish_v311(QoS::exactly_once, 7));
  const auto old_id = ack_id_of(h.events());
  h.session.connection_lost(h.now());
  EXPECT_EQ(h.session.ack(old_id, ReasonCode::success, {}, h.now()), errc::stale_ack);
  h.connect_with(connack_v311(false));
  EXPECT_EQ(h.session.ack(old_id, ReasonCode::success, {}, h.now()), errc::stale_ack);
  EXPECT_TRUE(h.output().empty());
  // The broker sends it again with DUP: never acknowledged, so delivered again.
  h.feed(publish_v311(QoS::exactly_once, 7, true));
  const auto new_id = ack_id_of(h.events());
  EXPECT_NE(new_id, 0u);
  EXPECT_NE(new_id, old_id);
  EXPECT_FALSE(h.session.ack(new_id, ReasonCode::success, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x07}));
}

TEST(ManualAck, HeldMessagesCountAgainstOurReceiveMaximum) {
  Config c = manual(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::receive_maximum, 2);
  Harness h(c);
  h.connect_with(connack_v5());
  h.feed(publish_v5(QoS::at_least_once, 1));
  const auto first = ack_id_of(h.events());
  h.feed(publish_v5(QoS::exactly_once, 2));
  EXPECT_NE(ack_id_of(h.events()), 0u);
  // Acking the first frees a slot.
  EXPECT_FALSE(h.session.ack(first, ReasonCode::success, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x01}));
  h.feed(publish_v5(QoS::at_least_once, 3));
  EXPECT_NE(ack_id_of(h.events()), 0u);
  // Beyond the limit: tolerated up to twice it (mosquitto 2.0.11 sends one too many after an
  // ack), then the connection ends.
  h.feed(publish_v5(QoS::at_least_once, 4));
  EXPECT_NE(ack_id_of(h.events()), 0u);
  h.feed(publish_v5(QoS::at_least_once, 5));
  EXPECT_NE(ack_id_of(h.events()), 0u);
  EXPECT_TRUE(h.output().empty());
  h.feed(publish_v5(QoS::at_least_once, 6));
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x93}));  // DISCONNECT: Receive Maximum exceeded
  auto events = h.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(take<ErrorOccurred>(events).error, errc::receive_maximum_exceeded);
}

TEST(ManualAck, Qos2IdsAwaitingPubrelDoNotCountAgainstOurReceiveMaximum) {
  // Acknowledged (PUBREC sent), a QoS 2 message holds only its id until PUBREL, and mosquitto
  // 2.0.11 no longer counts it in our window: only held messages count.
  Config c = manual(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::receive_maximum, 2);
  Harness h(c);
  h.connect_with(connack_v5());
  for (std::uint16_t id = 1; id <= 2; ++id) {
    h.feed(publish_v5(QoS::exactly_once, id));
    EXPECT_FALSE(h.session.ack(ack_id_of(h.events()), ReasonCode::success, {}, h.now()));
  }
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x01,     // PUBREC 1
                               0x50, 0x02, 0x00, 0x02}));  // PUBREC 2: both await PUBREL
  for (std::uint16_t id = 3; id <= 6; ++id) {              // four held: twice the limit, tolerated
    h.feed(publish_v5(QoS::exactly_once, id));
    EXPECT_NE(ack_id_of(h.events()), 0u) << "id " << id;
  }
  EXPECT_TRUE(h.output().empty());
  h.feed(publish_v5(QoS::exactly_once, 7));          // a fifth held: beyond it
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x93}));  // DISCONNECT: Receive Maximum exceeded
}

TEST(ManualAck, OffByDefault) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.feed(publish_v311(QoS::at_least_once, 5));
  EXPECT_EQ(ack_id_of(h.events()), 0u);
  EXPECT_EQ(h.output(), (Bytes{0x40, 0x02, 0x00, 0x05}));
  EXPECT_EQ(h.session.ack(1, ReasonCode::success, {}, h.now()), errc::invalid_argument);
}

}  // namespace
}  // namespace portmqtt::session::test
