// Completions of our publishes taken in bulk (Session::next_event(acks)): the compact records,
// their order against the other events, and what stays an event of its own.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

/// Calls next_event(acks) until it returns nothing; `acks_before[i]` is how many records had
/// been appended when the i-th event came back.
struct Drained {
  std::vector<Acknowledgement> acks;
  std::vector<Event> events;
  std::vector<std::size_t> acks_before;
};

Drained drain(Session& session) {
  Drained out;
  while (auto event = session.next_event(out.acks)) {
    out.acks_before.push_back(out.acks.size());
    out.events.push_back(std::move(*event));
  }
  return out;
}

/// Publishes `n` QoS 1 messages "t"/"x" and drops their bytes; their ids are 1..n.
void publish_qos1(Harness& h, int n) {
  for (int i = 0; i < n; ++i)
    ASSERT_TRUE(h.publish("t", "x", QoS::at_least_once));
  h.output();
}

TEST(Acknowledgements, PubacksOfOneReadComeAsRecordsInOrder) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  publish_qos1(h, 3);
  h.feed({0x40, 0x02, 0x00, 0x02,    // PUBACK id 2
          0x40, 0x02, 0x00, 0x01,    // PUBACK id 1
          0x40, 0x02, 0x00, 0x03});  // PUBACK id 3
  Drained d = drain(h.session);
  EXPECT_TRUE(d.events.empty());
  ASSERT_EQ(d.acks.size(), 3u);
  EXPECT_EQ(d.acks[0].packet_id, 2);
  EXPECT_EQ(d.acks[0].handle, 2u);
  EXPECT_EQ(d.acks[1].packet_id, 1);
  EXPECT_EQ(d.acks[1].handle, 1u);
  EXPECT_EQ(d.acks[2].packet_id, 3);
  EXPECT_EQ(d.acks[2].handle, 3u);
  for (const Acknowledgement& ack : d.acks) {
    EXPECT_EQ(ack.qos, QoS::at_least_once);
    EXPECT_EQ(ack.reason, ReasonCode::success);
    EXPECT_FALSE(ack.downgraded);
  }
  EXPECT_EQ(h.session.outbox_messages(), 0u);
  EXPECT_FALSE(h.session.next_event().has_value());  // taken once only
}

TEST(Acknowledgements, AnEventBetweenAcksKeepsItsPlace) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  publish_qos1(h, 2);
  codec::Subscription sub{"s", {}};
  ASSERT_EQ(h.session.subscribe({&sub, 1}, {}, h.now()).packet_id, 3);
  h.feed({0x40, 0x02, 0x00, 0x01,        // PUBACK id 1
          0x90, 0x03, 0x00, 0x03, 0x00,  // SUBACK id 3: granted QoS 0
          0x40, 0x02, 0x00, 0x02});      // PUBACK id 2
  Drained d = drain(h.session);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(take<SubscribeCompleted>(d.events).packet_id, 3);
  EXPECT_EQ(d.acks_before[0], 1u);  // PUBACK 1 came before the SUBACK, PUBACK 2 after it
  ASSERT_EQ(d.acks.size(), 2u);
  EXPECT_EQ(d.acks[0].packet_id, 1);
  EXPECT_EQ(d.acks[1].packet_id, 2);
}

TEST(Acknowledgements, OneEventAtATimeStillSeesThemAsPublishCompleted) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  publish_qos1(h, 2);
  codec::Subscription sub{"s", {}};
  ASSERT_TRUE(h.session.subscribe({&sub, 1}, {}, h.now()));
  h.feed({0x40, 0x02, 0x00, 0x01,        // PUBACK id 1
          0x90, 0x03, 0x00, 0x03, 0x00,  // SUBACK id 3
          0x40, 0x02, 0x00, 0x02});      // PUBACK id 2
  auto events = h.events();
  ASSERT_EQ(events.size(), 3u);
  auto first = take<PublishCompleted>(events, 0);
  EXPECT_EQ(first.packet_id, 1);
  EXPECT_EQ(first.handle, 1u);
  EXPECT_EQ(first.qos, QoS::at_least_once);
  EXPECT_TRUE(first.props.empty());
  EXPECT_EQ(take<SubscribeCompleted>(events, 1).packet_id, 3);
  EXPECT_EQ(take<PublishCompleted>(events, 2).packet_id, 2);
}

TEST(Acknowledgements, ServerDisconnectAfterAcksComesAfterThem) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  publish_qos1(h, 2);
  h.feed({0x40, 0x02, 0x00, 0x01,  // PUBACK id 1 (short form: success)
          0x40, 0x02, 0x00, 0x02,  // PUBACK id 2
          0xE0, 0x01, 0x8B});      // DISCONNECT: server shutting down
  Drained d = drain(h.session);
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(take<ServerDisconnected>(d.events, 0).reason, ReasonCode::server_shutting_down);
  EXPECT_EQ(d.acks_before[0], 2u);  // both acks first
  EXPECT_TRUE(std::holds_alternative<CloseConnection>(d.events[1]));
  ASSERT_EQ(d.acks.size(), 2u);
  EXPECT_EQ(d.acks[0].packet_id, 1);
  EXPECT_EQ(d.acks[1].packet_id, 2);
}

TEST(Acknowledgements, APubackWithPropertiesStaysAnEventInItsPlace) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  publish_qos1(h, 3);
  h.feed({0x40, 0x02, 0x00, 0x01,          // PUBACK id 1
          0x40, 0x09, 0x00, 0x02,          // PUBACK, remaining 9, id 2
          0x10,                            // no matching subscribers
          0x05,                            // properties: 5 bytes
          0x1F, 0x00, 0x02, 'n',  'o',     // reason string "no"
          0x40, 0x03, 0x00, 0x03, 0x87});  // PUBACK id 3: not authorized
  Drained d = drain(h.session);
  ASSERT_EQ(d.events.size(), 1u);
  auto with_props = take<PublishCompleted>(d.events);
  EXPECT_EQ(with_props.packet_id, 2);
  EXPECT_EQ(with_props.handle, 2u);
  EXPECT_EQ(with_props.reason, ReasonCode::no_matching_subscribers);
  EXPECT_EQ(with_props.props.text(codec::PropertyId::reason_string), "no");
  EXPECT_EQ(d.acks_before[0], 1u);
  ASSERT_EQ(d.acks.size(), 2u);
  EXPECT_EQ(d.acks[0].packet_id, 1);
  EXPECT_EQ(d.acks[1].packet_id, 3);
  EXPECT_EQ(d.acks[1].reason, ReasonCode::not_authorized);  // a refusal is a record too
}

TEST(Acknowledgements, Qos2EndsWithPubcompOrAFailingPubrec) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  ASSERT_EQ(h.publish("t", "x", QoS::exactly_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "y", QoS::exactly_once).packet_id, 2);
  h.output();
  h.feed({0x50, 0x02, 0x00, 0x01,                          // PUBREC id 1
          0x50, 0x03, 0x00, 0x02, 0x87});                  // PUBREC id 2: not authorized
  EXPECT_EQ(h.output(), (Bytes{0x62, 0x02, 0x00, 0x01}));  // PUBREL id 1 only
  Drained refused = drain(h.session);
  EXPECT_TRUE(refused.events.empty());
  ASSERT_EQ(refused.acks.size(), 1u);
  EXPECT_EQ(refused.acks[0].packet_id, 2);
  EXPECT_EQ(refused.acks[0].qos, QoS::exactly_once);
  EXPECT_EQ(refused.acks[0].reason, ReasonCode::not_authorized);
  h.feed({0x70, 0x02, 0x00, 0x01});  // PUBCOMP id 1
  Drained done = drain(h.session);
  ASSERT_EQ(done.acks.size(), 1u);
  EXPECT_EQ(done.acks[0].packet_id, 1);
  EXPECT_EQ(done.acks[0].handle, 1u);
  EXPECT_EQ(done.acks[0].qos, QoS::exactly_once);
  EXPECT_EQ(done.acks[0].reason, ReasonCode::success);
}

TEST(Acknowledgements, Qos2AnsweredWithPubackIsDowngraded) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "x", QoS::exactly_once).packet_id, 1);
  h.output();
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1 for a QoS 2 message (RabbitMQ 3.x)
  Drained d = drain(h.session);
  ASSERT_EQ(d.acks.size(), 1u);
  EXPECT_EQ(d.acks[0].qos, QoS::exactly_once);
  EXPECT_TRUE(d.acks[0].downgraded);
}

TEST(Acknowledgements, StoredQos0MessageWrittenOnConnectIsARecordAfterConnected) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  auto stored = h.publish("t", "hi", QoS::at_most_once, false, {.store_qos0_when_offline = true});
  ASSERT_TRUE(stored);
  h.session.connection_opened(h.now());
  h.output();  // CONNECT
  h.feed(connack_v311());
  EXPECT_EQ(h.output(),
            (Bytes{0x30, 0x05, 0x00, 0x01, 't', 'h', 'i'}));  // PUBLISH QoS 0, remaining 5
  Drained d = drain(h.session);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Connected>(d.events[0]));
  EXPECT_EQ(d.acks_before[0], 0u);
  ASSERT_EQ(d.acks.size(), 1u);
  EXPECT_EQ(d.acks[0].handle, stored.handle);
  EXPECT_EQ(d.acks[0].packet_id, 0);
  EXPECT_EQ(d.acks[0].qos, QoS::at_most_once);
}

TEST(Acknowledgements, RecordsAreAppendedToWhatTheCallerHolds) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  publish_qos1(h, 2);
  std::vector<Acknowledgement> acks{{.handle = 99}};
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  EXPECT_FALSE(h.session.next_event(acks).has_value());
  h.feed({0x40, 0x02, 0x00, 0x02});  // PUBACK id 2
  EXPECT_FALSE(h.session.next_event(acks).has_value());
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[0].handle, 99u);
  EXPECT_EQ(acks[1].packet_id, 1);
  EXPECT_EQ(acks[2].packet_id, 2);
}

}  // namespace
}  // namespace portmqtt::session::test
