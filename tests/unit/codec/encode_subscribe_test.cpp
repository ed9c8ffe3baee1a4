// Golden bytes for SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK in MQTT 3.1, 3.1.1 and 5.
#include <gtest/gtest.h>

#include "encode_support.hpp"

namespace portmqtt::codec::test {
namespace {

Subscription sub(std::string_view filter, QoS qos) {
  Subscription s;
  s.filter = filter;
  s.options.max_qos = qos;
  return s;
}

TEST(EncodeSubscribe, V3xWritesOnlyTheQosOfTheOptions) {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions = {sub("a/+", QoS::at_least_once), sub("#", QoS::at_most_once)};
  s.subscriptions[1].options.no_local = true;  // MQTT 5 only: not written
  s.subscriptions[1].options.retain_handling = RetainHandling::do_not_send;
  s.props.add_user_property("k", "v");  // MQTT 5 only: not written
  const std::string expected = hex({
      0x82,                       // SUBSCRIBE, reserved flags 0010
      0x0C,                       // remaining length 12
      0x00, 0x01,                 // packet id 1
      0x00, 0x03, 'a', '/', '+',  // filter "a/+"
      0x01,                       // requested QoS 1
      0x00, 0x01, '#',            // filter "#"
      0x00,                       // requested QoS 0
  });
  EXPECT_EQ(encode_hex(s, kV31), expected);
  EXPECT_EQ(encode_hex(s, kV311), expected);
}

TEST(EncodeSubscribe, V5OptionsBitsAndProperties) {
  Subscribe s;
  s.packet_id = 0x0A0B;
  Subscription all_bits = sub("a", QoS::exactly_once);
  all_bits.options.no_local = true;
  all_bits.options.retain_as_published = true;
  all_bits.options.retain_handling = RetainHandling::do_not_send;
  Subscription if_new = sub("b", QoS::at_least_once);
  if_new.options.retain_handling = RetainHandling::send_if_new_subscription;
  s.subscriptions = {all_bits, if_new, sub("c", QoS::at_most_once)};
  s.props.add(PropertyId::subscription_identifier, kMaxRemainingLength).add_user_property("u", "1");
  const std::string expected = hex({
      0x82,                                     // SUBSCRIBE, reserved flags 0010
      0x1B,                                     // remaining length 27
      0x0A, 0x0B,                               // packet id 0x0A0B
      0x0C,                                     // property length 12
      0x0B, 0xFF, 0xFF, 0xFF, 0x7F,             // subscription identifier 268435455
      0x26, 0x00, 0x01, 'u',  0x00, 0x01, '1',  // user property u=1
      0x00, 0x01, 'a',                          // filter "a"
      0x2E,  // retain handling 2 (bits 5-4), retain as published 0x08, no local 0x04, QoS 2
      0x00, 0x01, 'b',  // filter "b"
      0x11,             // retain handling 1 (bits 5-4), QoS 1
      0x00, 0x01, 'c',  // filter "c"
      0x00,             // all options zero
  });
  EXPECT_EQ(encode_hex(s, kV5), expected);
}

TEST(EncodeSubscribeError, EmptySubscriptionList) {
  Subscribe s;
  s.packet_id = 1;
  for (const ProtocolVersion v : {kV31, kV311, kV5}) {
    EXPECT_EQ(encode_error(s, v), errc::empty_subscription_list);
  }
}

TEST(EncodeSubscribeError, ZeroPacketId) {
  Subscribe s;
  s.subscriptions = {sub("a", QoS::at_most_once)};
  EXPECT_EQ(encode_error(s, kV311), errc::zero_packet_id);
  EXPECT_EQ(encode_error(s, kV5), errc::zero_packet_id);
}

TEST(EncodeSubscribeError, Qos3) {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions = {sub("a", static_cast<QoS>(3))};
  EXPECT_EQ(encode_error(s, kV311), errc::invalid_qos);
  EXPECT_EQ(encode_error(s, kV5), errc::invalid_qos);
}

TEST(EncodeSubscribeError, RetainHandling3InV5) {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions = {sub("a", QoS::at_most_once)};
  s.subscriptions[0].options.retain_handling = static_cast<RetainHandling>(3);
  EXPECT_EQ(encode_error(s, kV5), errc::invalid_subscription_options);
  // MQTT 3.x has no retain handling; the field is not written there.
  EXPECT_EQ(encode_hex(s, kV311), hex({0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00}));
}

TEST(EncodeSubscribeError, FilterLongerThan65535Bytes) {
  const std::string too_long = filled(65'536);
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions = {sub("a", QoS::at_most_once), sub(too_long, QoS::at_most_once)};
  EXPECT_EQ(encode_error(s, kV311), errc::string_too_long);
}

TEST(EncodeSubscribeError, SubscriptionIdentifierTwice) {
  // Only PUBLISH may carry several Subscription Identifiers.
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions = {sub("a", QoS::at_most_once)};
  s.props.add(PropertyId::subscription_identifier, 1).add(PropertyId::subscription_identifier, 2);
  EXPECT_EQ(encode_error(s, kV5), errc::duplicate_property);
}

TEST(EncodeSubscribeError, PropertyNotAllowed) {
  Subscribe s;
  s.packet_id = 1;
  s.subscriptions = {sub("a", QoS::at_most_once)};
  s.props.add(PropertyId::reason_string, "no");
  EXPECT_EQ(encode_error(s, kV5), errc::property_not_allowed);
}

TEST(EncodeSuback, V3xGrantedQosAndFailure) {
  Suback s;
  s.packet_id = 5;
  s.reasons = {ReasonCode::granted_qos_0, ReasonCode::granted_qos_1, ReasonCode::granted_qos_2,
               ReasonCode::unspecified_error};
  const std::string expected = hex({
      0x90,                    // SUBACK
      0x06,                    // remaining length 6
      0x00, 0x05,              // packet id 5
      0x00, 0x01, 0x02, 0x80,  // granted QoS 0, 1, 2, then failure
  });
  EXPECT_EQ(encode_hex(s, kV31), expected);
  EXPECT_EQ(encode_hex(s, kV311), expected);
}

TEST(EncodeSuback, V5WithoutProperties) {
  Suback s;
  s.packet_id = 5;
  s.reasons = {ReasonCode::granted_qos_0};
  const std::string expected = hex({
      0x90,        // SUBACK
      0x04,        // remaining length 4
      0x00, 0x05,  // packet id 5
      0x00,        // property length 0
      0x00,        // granted QoS 0
  });
  EXPECT_EQ(encode_hex(s, kV5), expected);
}

TEST(EncodeSuback, V5WithReasonString) {
  Suback s;
  s.packet_id = 5;
  s.reasons = {ReasonCode::granted_qos_1, ReasonCode::not_authorized};
  s.props.add(PropertyId::reason_string, "no");
  const std::string expected = hex({
      0x90,                        // SUBACK
      0x0A,                        // remaining length 10
      0x00, 0x05,                  // packet id 5
      0x05,                        // property length 5
      0x1F, 0x00, 0x02, 'n', 'o',  // reason string "no"
      0x01,                        // granted QoS 1
      0x87,                        // not authorized
  });
  EXPECT_EQ(encode_hex(s, kV5), expected);
}

TEST(EncodeSubackError, ReasonCodesOutsideTheVersion) {
  Suback s;
  s.packet_id = 5;
  s.reasons = {ReasonCode::not_authorized};  // 3.x knows only 0x80 as failure
  EXPECT_EQ(encode_error(s, kV311), errc::invalid_reason_code);
  s.reasons = {ReasonCode::no_subscription_existed};  // an UNSUBACK code
  EXPECT_EQ(encode_error(s, kV5), errc::invalid_reason_code);
}

TEST(EncodeSubackError, NoReasonCodes) {
  Suback s;
  s.packet_id = 5;
  for (const ProtocolVersion v : {kV31, kV311, kV5}) {
    EXPECT_EQ(encode_error(s, v), errc::empty_subscription_list);
  }
}

TEST(EncodeSubackError, ZeroPacketId) {
  Suback s;
  s.reasons = {ReasonCode::granted_qos_0};
  EXPECT_EQ(encode_error(s, kV311), errc::zero_packet_id);
}

TEST(EncodeUnsubscribe, V3x) {
  Unsubscribe u;
  u.packet_id = 2;
  u.filters = {"a", "b/#"};
  const std::string expected = hex({
      0xA2,                       // UNSUBSCRIBE, reserved flags 0010
      0x0A,                       // remaining length 10
      0x00, 0x02,                 // packet id 2
      0x00, 0x01, 'a',            // filter "a"
      0x00, 0x03, 'b', '/', '#',  // filter "b/#"
  });
  EXPECT_EQ(encode_hex(u, kV31), expected);
  EXPECT_EQ(encode_hex(u, kV311), expected);
}

TEST(EncodeUnsubscribe, V5WithUserProperty) {
  Unsubscribe u;
  u.packet_id = 2;
  u.filters = {"a", "b/#"};
  u.props.add_user_property("k", "v");
  const std::string expected = hex({
      0xA2,                                    // UNSUBSCRIBE, reserved flags 0010
      0x12,                                    // remaining length 18
      0x00, 0x02,                              // packet id 2
      0x07,                                    // property length 7
      0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',  // user property k=v
      0x00, 0x01, 'a',                         // filter "a"
      0x00, 0x03, 'b',  '/', '#',              // filter "b/#"
  });
  EXPECT_EQ(encode_hex(u, kV5), expected);
}

TEST(EncodeUnsubscribeError, EmptyFilterListZeroIdLongFilter) {
  Unsubscribe u;
  u.packet_id = 1;
  EXPECT_EQ(encode_error(u, kV311), errc::empty_subscription_list);
  EXPECT_EQ(encode_error(u, kV5), errc::empty_subscription_list);
  u.filters = {"a"};
  u.packet_id = 0;
  EXPECT_EQ(encode_error(u, kV311), errc::zero_packet_id);
  const std::string too_long = filled(65'536);
  u.packet_id = 1;
  u.filters = {too_long};
  EXPECT_EQ(encode_error(u, kV311), errc::string_too_long);
}

TEST(EncodeUnsuback, V3xHasNoReasonCodes) {
  Unsuback u;
  u.packet_id = 3;
  u.reasons = {ReasonCode::no_subscription_existed};  // MQTT 5 only: not written
  const std::string expected = hex({
      0xB0,        // UNSUBACK
      0x02,        // remaining length 2
      0x00, 0x03,  // packet id 3
  });
  EXPECT_EQ(encode_hex(u, kV31), expected);
  EXPECT_EQ(encode_hex(u, kV311), expected);
}

TEST(EncodeUnsuback, V5WithoutProperties) {
  Unsuback u;
  u.packet_id = 3;
  u.reasons = {ReasonCode::no_subscription_existed};
  const std::string expected = hex({
      0xB0,        // UNSUBACK
      0x04,        // remaining length 4
      0x00, 0x03,  // packet id 3
      0x00,        // property length 0
      0x11,        // no subscription existed
  });
  EXPECT_EQ(encode_hex(u, kV5), expected);
}

TEST(EncodeUnsuback, V5WithReasonString) {
  Unsuback u;
  u.packet_id = 3;
  u.reasons = {ReasonCode::success, ReasonCode::no_subscription_existed};
  u.props.add(PropertyId::reason_string, "x");
  const std::string expected = hex({
      0xB0,                   // UNSUBACK
      0x09,                   // remaining length 9
      0x00, 0x03,             // packet id 3
      0x04,                   // property length 4
      0x1F, 0x00, 0x01, 'x',  // reason string "x"
      0x00,                   // success
      0x11,                   // no subscription existed
  });
  EXPECT_EQ(encode_hex(u, kV5), expected);
}

TEST(EncodeUnsubackError, NoReasonCodesInV5) {
  Unsuback u;
  u.packet_id = 3;
  EXPECT_EQ(encode_error(u, kV5), errc::empty_subscription_list);
  // MQTT 3.x UNSUBACK has no reason codes at all.
  EXPECT_EQ(encode_hex(u, kV311), hex({0xB0, 0x02, 0x00, 0x03}));
}

TEST(EncodeUnsubackError, ReasonCodeOfAnotherPacketAndZeroId) {
  Unsuback u;
  u.packet_id = 3;
  u.reasons = {ReasonCode::granted_qos_1};
  EXPECT_EQ(encode_error(u, kV5), errc::invalid_reason_code);
  u.reasons = {ReasonCode::success};
  u.packet_id = 0;
  EXPECT_EQ(encode_error(u, kV311), errc::zero_packet_id);
  EXPECT_EQ(encode_error(u, kV5), errc::zero_packet_id);
}

}  // namespace
}  // namespace portmqtt::codec::test
