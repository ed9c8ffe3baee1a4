// SUBSCRIBE / UNSUBSCRIBE: bytes for 3.1.1 and 5, ack correlation, failure codes, refusals.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;
using codec::RetainHandling;
using codec::Subscription;

TEST(Subscribe, Mqtt311TwoFiltersAndFailureCode) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  Subscription subs[] = {{"a/b", {QoS::at_least_once}}, {"c/#", {QoS::exactly_once}}};
  auto r = h.session.subscribe(subs, {}, h.now());
  ASSERT_TRUE(r);
  EXPECT_EQ(r.packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0x82, 0x0E,                 // SUBSCRIBE, remaining 14
                               0x00, 0x01,                 // packet id 1
                               0x00, 0x03, 'a', '/', 'b',  // filter "a/b"
                               0x01,                       // max QoS 1
                               0x00, 0x03, 'c', '/', '#',  // filter "c/#"
                               0x02}));                    // max QoS 2
  h.feed({0x90, 0x04, 0x00, 0x01, 0x01, 0x80});            // SUBACK id 1: granted 1, failure
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto done = take<SubscribeCompleted>(events);
  EXPECT_EQ(done.packet_id, 1);
  EXPECT_EQ(done.reasons,
            (std::vector<ReasonCode>{ReasonCode::granted_qos_1, ReasonCode::unspecified_error}));
}

TEST(Subscribe, Mqtt5OptionsAndSubscriptionIdentifier) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  Subscription s{"a", {QoS::at_least_once, true, true, RetainHandling::do_not_send}};
  codec::Properties props;
  props.add(PropertyId::subscription_identifier, 5);
  ASSERT_TRUE(h.session.subscribe({&s, 1}, props, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x82, 0x09,       // SUBSCRIBE, remaining 9
                               0x00, 0x01,       // packet id 1
                               0x02,             // properties: 2 bytes
                               0x0B, 0x05,       // subscription identifier 5
                               0x00, 0x01, 'a',  // filter "a"
                               0x2D}));          // retain handling 2, RAP, no local, QoS 1
  h.feed({0x90, 0x04, 0x00, 0x01, 0x00, 0x01});  // SUBACK id 1, no properties, granted 1
  auto events = h.events();
  EXPECT_EQ(take<SubscribeCompleted>(events).reasons,
            (std::vector<ReasonCode>{ReasonCode::granted_qos_1}));
}

TEST(Unsubscribe, Mqtt311HasNoReasons) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  std::string_view filters[] = {"a/b"};
  ASSERT_EQ(h.session.unsubscribe(filters, {}, h.now()).packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0xA2, 0x07,                    // UNSUBSCRIBE, remaining 7
                               0x00, 0x01,                    // packet id 1
                               0x00, 0x03, 'a', '/', 'b'}));  // filter
  h.feed({0xB0, 0x02, 0x00, 0x01});                           // UNSUBACK id 1
  auto events = h.events();
  auto done = take<UnsubscribeCompleted>(events);
  EXPECT_EQ(done.packet_id, 1);
  EXPECT_TRUE(done.reasons.empty());
}

TEST(Unsubscribe, Mqtt5ReasonsPerFilter) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  std::string_view filters[] = {"a", "b"};
  ASSERT_TRUE(h.session.unsubscribe(filters, {}, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0xA2, 0x09,             // UNSUBSCRIBE, remaining 9
                               0x00, 0x01,             // packet id 1
                               0x00,                   // no properties
                               0x00, 0x01, 'a',        // filter "a"
                               0x00, 0x01, 'b'}));     // filter "b"
  h.feed({0xB0, 0x05, 0x00, 0x01, 0x00, 0x00, 0x11});  // UNSUBACK: success, none existed
  auto events = h.events();
  EXPECT_EQ(take<UnsubscribeCompleted>(events).reasons,
            (std::vector<ReasonCode>{ReasonCode::success, ReasonCode::no_subscription_existed}));
}

TEST(Subscribe, AcksAreMatchedById) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  Subscription a{"a", {}};
  Subscription b{"b", {}};
  ASSERT_EQ(h.session.subscribe({&a, 1}, {}, h.now()).packet_id, 1);
  ASSERT_EQ(h.session.subscribe({&b, 1}, {}, h.now()).packet_id, 2);
  h.feed({0x90, 0x03, 0x00, 0x02, 0x00});  // SUBACK id 2 first
  h.feed({0x90, 0x03, 0x00, 0x01, 0x00});  // then id 1
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<SubscribeCompleted>(events, 0).packet_id, 2);
  EXPECT_EQ(take<SubscribeCompleted>(events, 1).packet_id, 1);
}

TEST(Subscribe, Refusals) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  Subscription ok{"a", {}};
  EXPECT_EQ(h.session.subscribe({&ok, 1}, {}, h.now()).error, errc::not_connected);
  std::string_view filter = "a";
  EXPECT_EQ(h.session.unsubscribe({&filter, 1}, {}, h.now()).error, errc::not_connected);
  h.connect_with(connack_v311());
  EXPECT_EQ(h.session.subscribe({}, {}, h.now()).error, errc::invalid_argument);
  Subscription bad{"a/#/b", {}};
  EXPECT_EQ(h.session.subscribe({&bad, 1}, {}, h.now()).error, errc::invalid_topic);
  Subscription v5_only{"a", {QoS::at_most_once, true}};
  EXPECT_EQ(h.session.subscribe({&v5_only, 1}, {}, h.now()).error, errc::not_supported_by_version);
  codec::Properties props;
  props.add_user_property("k", "v");
  EXPECT_EQ(h.session.subscribe({&ok, 1}, props, h.now()).error, errc::not_supported_by_version);
  std::string_view bad_filter = "";
  EXPECT_EQ(h.session.unsubscribe({&bad_filter, 1}, {}, h.now()).error, errc::invalid_topic);
  EXPECT_TRUE(h.output().empty());
}

TEST(Subscribe, BrokerFeatureAvailability) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x09, 0x00, 0x00,  // CONNACK, remaining 9, success
                  0x06,                    // properties: 6 bytes
                  0x28, 0x00,              // wildcard subscriptions not available
                  0x29, 0x00,              // subscription identifiers not available
                  0x2A, 0x00});            // shared subscriptions not available
  Subscription wildcard{"a/+", {}};
  EXPECT_EQ(h.session.subscribe({&wildcard, 1}, {}, h.now()).error, errc::feature_not_available);
  Subscription shared{"$share/g/a", {}};
  EXPECT_EQ(h.session.subscribe({&shared, 1}, {}, h.now()).error, errc::feature_not_available);
  Subscription plain{"a", {}};
  codec::Properties props;
  props.add(PropertyId::subscription_identifier, 1);
  EXPECT_EQ(h.session.subscribe({&plain, 1}, props, h.now()).error, errc::feature_not_available);
  EXPECT_TRUE(h.session.subscribe({&plain, 1}, {}, h.now()));
}

TEST(Subscribe, SharedWithNoLocalIsInvalid) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  Subscription s{"$share/g/a", {QoS::at_most_once, true}};
  EXPECT_EQ(h.session.subscribe({&s, 1}, {}, h.now()).error, errc::invalid_argument);
}

TEST(Subscribe, SubscribeAboveTheBrokerMaximumPacketSize) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x08, 0x00, 0x00,          // CONNACK, remaining 8, success
                  0x05,                            // properties: 5 bytes
                  0x27, 0x00, 0x00, 0x00, 0x08});  // maximum packet size 8
  Subscription s{"abc", {}};                       // 2 + 2 + 1 + 5 + 1 = 11 bytes
  EXPECT_EQ(h.session.subscribe({&s, 1}, {}, h.now()).error, errc::packet_too_large);
  EXPECT_TRUE(h.output().empty());
}

TEST(Subscribe, UnknownSubackIdIsAProtocolViolation) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed({0x90, 0x04, 0x00, 0x07, 0x00, 0x00});      // SUBACK id 7: never asked
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x82}));  // DISCONNECT: protocol error
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events).error, errc::unknown_packet_id);
}

TEST(Subscribe, WrongNumberOfReasonsIsAProtocolViolation) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  Subscription s{"a", {}};
  ASSERT_TRUE(h.session.subscribe({&s, 1}, {}, h.now()));
  h.feed({0x90, 0x04, 0x00, 0x01, 0x00, 0x00});  // SUBACK with two codes for one filter
  auto events = h.events();
  EXPECT_EQ(take<ErrorOccurred>(events).error, errc::protocol_error);
}

TEST(Subscribe, UnsubackForASubscribeIdIsUnknown) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  Subscription s{"a", {}};
  ASSERT_TRUE(h.session.subscribe({&s, 1}, {}, h.now()));
  h.feed({0xB0, 0x02, 0x00, 0x01});  // UNSUBACK id 1, but id 1 is a SUBSCRIBE
  auto events = h.events();
  EXPECT_EQ(take<ErrorOccurred>(events).error, errc::unknown_packet_id);
}

}  // namespace
}  // namespace portmqtt::session::test
