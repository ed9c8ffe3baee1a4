// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK in MQTT 3.1, 3.1.1 and 5.
#include <gtest/gtest.h>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE

TEST(DecodeSubscribe, TwoFiltersIn3x) {
  const Bytes bytes = {
      0x82,                       // SUBSCRIBE, flags 0010
      0x0C,                       // remaining length 12
      0x00, 0x0A,                 // packet id 10
      0x00, 0x03, 'a', '/', '+',  // filter "a/+"
      0x01,                       //   QoS 1
      0x00, 0x01, '#',            // filter "#"
      0x02,                       //   QoS 2
  };
  for (ProtocolVersion v : kV3x) {
    const Subscribe s = decode_as<Subscribe>(bytes, v);
    EXPECT_EQ(s.packet_id, 10);
    ASSERT_EQ(s.subscriptions.size(), 2U);
    EXPECT_EQ(s.subscriptions[0].filter, "a/+");
    EXPECT_EQ(s.subscriptions[0].options, (SubscribeOptions{QoS::at_least_once}));
    EXPECT_EQ(s.subscriptions[1].filter, "#");
    EXPECT_EQ(s.subscriptions[1].options, (SubscribeOptions{QoS::exactly_once}));
    EXPECT_TRUE(s.props.empty());
  }
}

TEST(DecodeSubscribe, Mqtt5WithOptionsAndSubscriptionIdentifier) {
  const Bytes bytes = {
      0x82,                            // SUBSCRIBE, flags 0010
      0x16,                            // remaining length 22
      0x00, 0x0B,                      // packet id 11
      0x02,                            // property length 2
      0x0B, 0x05,                      //   Subscription Identifier 5
      0x00, 0x0A, '$', 's', 'h', 'a',  // filter "$share/g/x" ...
      'r',  'e',  '/', 'g', '/', 'x',  //   ... continued
      0x2A,                            //   retain handling 2, retain as published, QoS 2
      0x00, 0x01, 't',                 // filter "t"
      0x05,                            //   no local, QoS 1
  };
  const Subscribe s = decode_as<Subscribe>(bytes, kV5);
  EXPECT_EQ(s.packet_id, 11);
  EXPECT_EQ(s.props.number(PropertyId::subscription_identifier), 5U);
  ASSERT_EQ(s.subscriptions.size(), 2U);
  EXPECT_EQ(s.subscriptions[0].filter, "$share/g/x");
  EXPECT_EQ(s.subscriptions[0].options,
            (SubscribeOptions{QoS::exactly_once, false, true, RetainHandling::do_not_send}));
  EXPECT_EQ(s.subscriptions[1].filter, "t");
  EXPECT_EQ(s.subscriptions[1].options,
            (SubscribeOptions{QoS::at_least_once, true, false, RetainHandling::send_on_subscribe}));
}

TEST(DecodeSubscribe, Mqtt5RetainHandling1) {
  const Bytes bytes = {
      0x82,             // SUBSCRIBE, flags 0010
      0x07,             // remaining length 7
      0x00, 0x01,       // packet id 1
      0x00,             // property length 0
      0x00, 0x01, 't',  // filter "t"
      0x10,             //   retain handling 1, QoS 0
  };
  const Subscribe s = decode_as<Subscribe>(bytes, kV5);
  ASSERT_EQ(s.subscriptions.size(), 1U);
  EXPECT_EQ(s.subscriptions[0].options.retain_handling, RetainHandling::send_if_new_subscription);
}

// A one-filter SUBSCRIBE for 3.1.1 with the options byte under test.
Bytes subscribe_311_with_options(std::uint8_t options) {
  return {
      0x82,                // SUBSCRIBE, flags 0010
      0x06,                // remaining length 6
      0x00,    0x01,       // packet id 1
      0x00,    0x01, 't',  // filter "t"
      options,             //   options under test
  };
}

// The same for MQTT 5.
Bytes subscribe_5_with_options(std::uint8_t options) {
  return {
      0x82,                // SUBSCRIBE, flags 0010
      0x07,                // remaining length 7
      0x00,    0x01,       // packet id 1
      0x00,                // property length 0
      0x00,    0x01, 't',  // filter "t"
      options,             //   options under test
  };
}

TEST(DecodeSubscribe, Mqtt3xRejectsReservedOptionBits) {
  for (std::uint8_t options : {0x04, 0x08, 0x10, 0x80}) {
    EXPECT_EQ(decode_error(subscribe_311_with_options(options), kV311),
              err(errc::invalid_subscription_options))
        << int{options};
  }
}

TEST(DecodeSubscribe, Mqtt5RejectsReservedOptionBits) {
  for (std::uint8_t options : {0x40, 0x80}) {
    EXPECT_EQ(decode_error(subscribe_5_with_options(options), kV5),
              err(errc::invalid_subscription_options));
  }
}

TEST(DecodeSubscribe, Mqtt5RejectsRetainHandling3) {
  EXPECT_EQ(decode_error(subscribe_5_with_options(0x30), kV5),
            err(errc::invalid_subscription_options));
}

TEST(DecodeSubscribe, RejectsQos3) {
  EXPECT_EQ(decode_error(subscribe_311_with_options(0x03), kV311), err(errc::invalid_qos));
  EXPECT_EQ(decode_error(subscribe_5_with_options(0x03), kV5), err(errc::invalid_qos));
}

TEST(DecodeSubscribe, RejectsAnEmptyList) {
  const Bytes v3 = {
      0x82,        // SUBSCRIBE, flags 0010
      0x02,        // remaining length 2
      0x00, 0x01,  // packet id 1, no filter
  };
  for (ProtocolVersion v : kV3x) {
    EXPECT_EQ(decode_error(v3, v), err(errc::empty_subscription_list));
  }
  const Bytes v5 = {
      0x82,        // SUBSCRIBE, flags 0010
      0x03,        // remaining length 3
      0x00, 0x01,  // packet id 1
      0x00,        // property length 0, no filter
  };
  EXPECT_EQ(decode_error(v5, kV5), err(errc::empty_subscription_list));
}

TEST(DecodeSubscribe, RejectsAFilterWithoutOptions) {
  const Bytes bytes = {
      0x82,             // SUBSCRIBE, flags 0010
      0x05,             // remaining length 5
      0x00, 0x01,       // packet id 1
      0x00, 0x01, 't',  // filter "t", options byte missing
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::truncated));
}

TEST(DecodeSubscribe, RejectsAMalformedFilter) {
  const Bytes bytes = {
      0x82,                  // SUBSCRIBE, flags 0010
      0x07,                  // remaining length 7
      0x00, 0x01,            // packet id 1
      0x00, 0x02, 'a', '#',  // filter "a#"
      0x00,                  //   QoS 0
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::invalid_topic));
}

TEST(DecodeSubscribe, RejectsPacketIdZero) {
  const Bytes bytes = {
      0x82,             // SUBSCRIBE, flags 0010
      0x06,             // remaining length 6
      0x00, 0x00,       // packet id 0
      0x00, 0x01, 't',  // filter "t"
      0x00,             //   QoS 0
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::zero_packet_id));
}

TEST(DecodeSubscribe, RejectsWrongFixedHeaderFlags) {
  const Bytes bytes = {
      0x80,             // SUBSCRIBE with flags 0000
      0x06,             // remaining length 6
      0x00, 0x01,       // packet id 1
      0x00, 0x01, 't',  // filter "t"
      0x00,             //   QoS 0
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::reserved_flags));
}

TEST(DecodeSubscribe, Mqtt5RejectsNoLocalOnASharedSubscription) {
  const Bytes bytes = {
      0x82,                            // SUBSCRIBE, flags 0010
      0x10,                            // remaining length 16
      0x00, 0x01,                      // packet id 1
      0x00,                            // property length 0
      0x00, 0x0A, '$', 's', 'h', 'a',  // filter "$share/g/x" ...
      'r',  'e',  '/', 'g', '/', 'x',  //   ... continued
      0x04,                            //   no local, QoS 0
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_subscription_options));
}

TEST(DecodeSubscribe, Mqtt5RejectsSubscriptionIdentifierZero) {
  const Bytes bytes = {
      0x82,             // SUBSCRIBE, flags 0010
      0x09,             // remaining length 9
      0x00, 0x01,       // packet id 1
      0x02,             // property length 2
      0x0B, 0x00,       //   Subscription Identifier 0
      0x00, 0x01, 't',  // filter "t"
      0x00,             //   QoS 0
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_property_value));
}

// ---------------------------------------------------------------------------------------------
// SUBACK

TEST(DecodeSuback, Mqtt31) {
  const Bytes bytes = {
      0x90,              // SUBACK
      0x05,              // remaining length 5
      0x00, 0x0A,        // packet id 10
      0x00, 0x01, 0x02,  // granted QoS 0, 1, 2
  };
  const Suback s = decode_as<Suback>(bytes, kV31);
  EXPECT_EQ(s.packet_id, 10);
  EXPECT_EQ(s.reasons,
            (std::vector<ReasonCode>{ReasonCode::granted_qos_0, ReasonCode::granted_qos_1,
                                     ReasonCode::granted_qos_2}));
}

TEST(DecodeSuback, Mqtt311WithFailure) {
  const Bytes bytes = {
      0x90,        // SUBACK
      0x04,        // remaining length 4
      0x00, 0x0A,  // packet id 10
      0x01,        // granted QoS 1
      0x80,        // failure
  };
  const Suback s = decode_as<Suback>(bytes, kV311);
  EXPECT_EQ(s.reasons,
            (std::vector<ReasonCode>{ReasonCode::granted_qos_1, ReasonCode::unspecified_error}));
  EXPECT_TRUE(s.props.empty());
}

TEST(DecodeSuback, Mqtt3xRejectsOtherCodes) {
  for (ProtocolVersion v : kV3x) {
    const Bytes bytes = {
        0x90,        // SUBACK
        0x03,        // remaining length 3
        0x00, 0x0A,  // packet id 10
        0x03,        // 3 is neither a QoS nor 0x80
    };
    EXPECT_EQ(decode_error(bytes, v), err(errc::invalid_reason_code));
  }
}

TEST(DecodeSuback, Mqtt5WithReasonCodes) {
  const Bytes bytes = {
      0x90,                                // SUBACK
      0x09,                                // remaining length 9
      0x00, 0x0A,                          // packet id 10
      0x00,                                // property length 0
      0x00, 0x01, 0x02, 0x80, 0x87, 0x9E,  // QoS 0, 1, 2, unspecified, not authorized,
                                           // shared subscriptions not supported
  };
  const Suback s = decode_as<Suback>(bytes, kV5);
  EXPECT_EQ(s.reasons,
            (std::vector<ReasonCode>{ReasonCode::granted_qos_0, ReasonCode::granted_qos_1,
                                     ReasonCode::granted_qos_2, ReasonCode::unspecified_error,
                                     ReasonCode::not_authorized,
                                     ReasonCode::shared_subscriptions_not_supported}));
}

TEST(DecodeSuback, Mqtt5WithReasonString) {
  const Bytes bytes = {
      0x90,                   // SUBACK
      0x08,                   // remaining length 8
      0x00, 0x0A,             // packet id 10
      0x04,                   // property length 4
      0x1F, 0x00, 0x01, 'r',  //   Reason String "r"
      0x97,                   // quota exceeded
  };
  const Suback s = decode_as<Suback>(bytes, kV5);
  EXPECT_EQ(s.props.text(PropertyId::reason_string), "r");
  EXPECT_EQ(s.reasons, (std::vector<ReasonCode>{ReasonCode::quota_exceeded}));
}

TEST(DecodeSuback, Mqtt5RejectsAReasonCodeNotForSuback) {
  const Bytes bytes = {
      0x90,        // SUBACK
      0x04,        // remaining length 4
      0x00, 0x0A,  // packet id 10
      0x00,        // property length 0
      0x11,        // no subscription existed: UNSUBACK only
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_reason_code));
}

TEST(DecodeSuback, RejectsAnEmptyList) {
  const Bytes v3 = {
      0x90,        // SUBACK
      0x02,        // remaining length 2
      0x00, 0x0A,  // packet id 10, no codes
  };
  EXPECT_EQ(decode_error(v3, kV311), err(errc::empty_subscription_list));
  const Bytes v5 = {
      0x90,        // SUBACK
      0x03,        // remaining length 3
      0x00, 0x0A,  // packet id 10
      0x00,        // property length 0, no codes
  };
  EXPECT_EQ(decode_error(v5, kV5), err(errc::empty_subscription_list));
}

// ---------------------------------------------------------------------------------------------
// UNSUBSCRIBE

TEST(DecodeUnsubscribe, In3x) {
  const Bytes bytes = {
      0xA2,                       // UNSUBSCRIBE, flags 0010
      0x0A,                       // remaining length 10
      0x00, 0x0C,                 // packet id 12
      0x00, 0x03, 'a', '/', '#',  // filter "a/#"
      0x00, 0x01, 'b',            // filter "b"
  };
  for (ProtocolVersion v : kV3x) {
    const Unsubscribe u = decode_as<Unsubscribe>(bytes, v);
    EXPECT_EQ(u.packet_id, 12);
    EXPECT_EQ(u.filters, (std::vector<std::string_view>{"a/#", "b"}));
    EXPECT_TRUE(u.props.empty());
  }
}

TEST(DecodeUnsubscribe, Mqtt5WithUserProperty) {
  const Bytes bytes = {
      0xA2,                        // UNSUBSCRIBE, flags 0010
      0x0F,                        // remaining length 15
      0x00, 0x0C,                  // packet id 12
      0x07,                        // property length 7
      0x26, 0x00, 0x01, 'k',       //   User Property name "k"
      0x00, 0x01, 'v',             //     value "v"
      0x00, 0x03, 'a',  '/', '#',  // filter "a/#"
  };
  const Unsubscribe u = decode_as<Unsubscribe>(bytes, kV5);
  EXPECT_EQ(u.filters, (std::vector<std::string_view>{"a/#"}));
  ASSERT_EQ(u.props.size(), 1U);
  EXPECT_EQ(u.props.items()[0].text, "k");
}

TEST(DecodeUnsubscribe, RejectsAnEmptyList) {
  const Bytes v3 = {
      0xA2,        // UNSUBSCRIBE, flags 0010
      0x02,        // remaining length 2
      0x00, 0x0C,  // packet id 12, no filter
  };
  EXPECT_EQ(decode_error(v3, kV311), err(errc::empty_subscription_list));
  const Bytes v5 = {
      0xA2,        // UNSUBSCRIBE, flags 0010
      0x03,        // remaining length 3
      0x00, 0x0C,  // packet id 12
      0x00,        // property length 0, no filter
  };
  EXPECT_EQ(decode_error(v5, kV5), err(errc::empty_subscription_list));
}

TEST(DecodeUnsubscribe, RejectsWrongFixedHeaderFlags) {
  const Bytes bytes = {
      0xA0,             // UNSUBSCRIBE with flags 0000
      0x05,             // remaining length 5
      0x00, 0x0C,       // packet id 12
      0x00, 0x01, 'b',  // filter "b"
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::reserved_flags));
}

TEST(DecodeUnsubscribe, RejectsAMalformedFilter) {
  const Bytes bytes = {
      0xA2,        // UNSUBSCRIBE, flags 0010
      0x04,        // remaining length 4
      0x00, 0x0C,  // packet id 12
      0x00, 0x00,  // filter ""
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::invalid_topic));
}

// ---------------------------------------------------------------------------------------------
// UNSUBACK

TEST(DecodeUnsuback, In3x) {
  const Bytes bytes = {
      0xB0,        // UNSUBACK
      0x02,        // remaining length 2
      0x00, 0x0C,  // packet id 12
  };
  for (ProtocolVersion v : kV3x) {
    const Unsuback u = decode_as<Unsuback>(bytes, v);
    EXPECT_EQ(u.packet_id, 12);
    EXPECT_TRUE(u.reasons.empty());
  }
}

TEST(DecodeUnsuback, Mqtt3xRejectsTrailingBytes) {
  const Bytes bytes = {
      0xB0,        // UNSUBACK
      0x03,        // remaining length 3
      0x00, 0x0C,  // packet id 12
      0x00,        // reason codes do not exist before MQTT 5
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::trailing_bytes));
}

TEST(DecodeUnsuback, Mqtt5WithReasonCodes) {
  const Bytes bytes = {
      0xB0,        // UNSUBACK
      0x05,        // remaining length 5
      0x00, 0x0C,  // packet id 12
      0x00,        // property length 0
      0x00,        // success
      0x11,        // no subscription existed
  };
  const Unsuback u = decode_as<Unsuback>(bytes, kV5);
  EXPECT_EQ(u.reasons,
            (std::vector<ReasonCode>{ReasonCode::success, ReasonCode::no_subscription_existed}));
}

TEST(DecodeUnsuback, Mqtt5RejectsAnEmptyList) {
  const Bytes bytes = {
      0xB0,        // UNSUBACK
      0x03,        // remaining length 3
      0x00, 0x0C,  // packet id 12
      0x00,        // property length 0, no codes
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::empty_subscription_list));
}

TEST(DecodeUnsuback, Mqtt5RejectsAReasonCodeNotForUnsuback) {
  const Bytes bytes = {
      0xB0,        // UNSUBACK
      0x04,        // remaining length 4
      0x00, 0x0C,  // packet id 12
      0x00,        // property length 0
      0x01,        // granted QoS 1: SUBACK only
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_reason_code));
}

}  // namespace
}  // namespace portmqtt::codec::test
