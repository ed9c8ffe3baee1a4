// Decoding MQTT 5 property blocks: every value type, and every rule that rejects a block.
#include <gtest/gtest.h>

#include "codec/reader.hpp"
#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

using detail::ok;
using Id = PropertyId;

// Reads one property block from `bytes` for `context`, requiring all bytes to be used.
errc read_block(const Bytes& bytes, PropertyContext context, Properties* out = nullptr) {
  detail::Reader in(view(bytes));
  Properties props;
  const errc e = in.properties(context, props);
  if (e == ok) {
    EXPECT_TRUE(in.at_end());
  }
  if (out != nullptr) *out = props;
  return e;
}

TEST(PropertiesDecode, EmptyBlock) {
  const Bytes bytes = {0x00};  // property length 0
  Properties props;
  EXPECT_EQ(read_block(bytes, PropertyContext::publish, &props), ok);
  EXPECT_TRUE(props.empty());
}

TEST(PropertiesDecode, EveryValueTypeInPublish) {
  const Bytes bytes = {
      0x1D,                          // property length 29
      0x01, 0x01,                    // Payload Format Indicator: 1 (byte)
      0x02, 0x00, 0x01, 0x51, 0x80,  // Message Expiry Interval: 86400 (four bytes)
      0x23, 0x01, 0x02,              // Topic Alias: 258 (two bytes)
      0x0B, 0xC8, 0x01,              // Subscription Identifier: 200 (variable byte integer)
      0x03, 0x00, 0x01, 't',         // Content Type: "t" (UTF-8 string)
      0x09, 0x00, 0x02, 0x00, 0xFF,  // Correlation Data: 00 FF (binary data)
      0x26, 0x00, 0x01, 'k',         // User Property name "k"
      0x00, 0x01, 'v',               //   value "v" (string pair)
  };
  Properties props;
  ASSERT_EQ(read_block(bytes, PropertyContext::publish, &props), ok);
  ASSERT_EQ(props.size(), 7U);
  EXPECT_EQ(props.items()[0], (Property{Id::payload_format_indicator, 1, "", ""}));
  EXPECT_EQ(props.items()[1], (Property{Id::message_expiry_interval, 86400, "", ""}));
  EXPECT_EQ(props.items()[2], (Property{Id::topic_alias, 258, "", ""}));
  EXPECT_EQ(props.items()[3], (Property{Id::subscription_identifier, 200, "", ""}));
  EXPECT_EQ(props.items()[4], (Property{Id::content_type, 0, "t", ""}));
  EXPECT_EQ(props.items()[5],
            (Property{Id::correlation_data, 0, std::string_view("\0\xFF", 2), ""}));
  EXPECT_EQ(props.items()[6], (Property{Id::user_property, 0, "k", "v"}));
}

TEST(PropertiesDecode, RepeatedUserPropertiesKeepTheirOrder) {
  const Bytes bytes = {
      0x0E,                                    // property length 14
      0x26, 0x00, 0x01, 'a', 0x00, 0x01, '1',  // User Property a=1
      0x26, 0x00, 0x01, 'a', 0x00, 0x01, '2',  // User Property a=2
  };
  Properties props;
  ASSERT_EQ(read_block(bytes, PropertyContext::disconnect, &props), ok);
  ASSERT_EQ(props.size(), 2U);
  EXPECT_EQ(props.items()[0].value, "1");
  EXPECT_EQ(props.items()[1].value, "2");
}

TEST(PropertiesDecode, SubscriptionIdentifierMayRepeatInPublish) {
  const Bytes bytes = {
      0x04,        // property length 4
      0x0B, 0x01,  // Subscription Identifier 1
      0x0B, 0x02,  // Subscription Identifier 2
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), ok);
}

TEST(PropertiesDecode, RejectsARepeatedSubscriptionIdentifierInSubscribe) {
  const Bytes bytes = {
      0x04,        // property length 4
      0x0B, 0x01,  // Subscription Identifier 1
      0x0B, 0x02,  // Subscription Identifier 2
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::subscribe), errc::duplicate_property);
}

TEST(PropertiesDecode, RejectsAnUnknownIdentifier) {
  const Bytes bytes = {
      0x02,        // property length 2
      0x04, 0x00,  // identifier 0x04 does not exist
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::invalid_property_id);
}

TEST(PropertiesDecode, RejectsAMultiByteIdentifierOfUnknownValue) {
  const Bytes bytes = {
      0x03,              // property length 3
      0x81, 0x01, 0x00,  // identifier 129 as a variable byte integer
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::invalid_property_id);
}

TEST(PropertiesDecode, RejectsAPropertyNotAllowedInTheContext) {
  const Bytes bytes = {
      0x03,              // property length 3
      0x21, 0x00, 0x0A,  // Receive Maximum 10: CONNECT/CONNACK only
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::property_not_allowed);
  EXPECT_EQ(read_block(bytes, PropertyContext::connect), ok);
}

TEST(PropertiesDecode, RejectsWillDelayOutsideWillProperties) {
  const Bytes bytes = {
      0x05,                          // property length 5
      0x18, 0x00, 0x00, 0x00, 0x05,  // Will Delay Interval 5
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::connect), errc::property_not_allowed);
  EXPECT_EQ(read_block(bytes, PropertyContext::will), ok);
}

TEST(PropertiesDecode, RejectsADuplicateSingleUseProperty) {
  const Bytes bytes = {
      0x0A,                          // property length 10
      0x11, 0x00, 0x00, 0x00, 0x01,  // Session Expiry Interval 1
      0x11, 0x00, 0x00, 0x00, 0x02,  // Session Expiry Interval 2
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::connect), errc::duplicate_property);
}

TEST(PropertiesDecode, RejectsReceiveMaximumZero) {
  const Bytes bytes = {
      0x03,              // property length 3
      0x21, 0x00, 0x00,  // Receive Maximum 0
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::connack), errc::invalid_property_value);
}

TEST(PropertiesDecode, RejectsMaximumPacketSizeZero) {
  const Bytes bytes = {
      0x05,                          // property length 5
      0x27, 0x00, 0x00, 0x00, 0x00,  // Maximum Packet Size 0
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::connect), errc::invalid_property_value);
}

TEST(PropertiesDecode, RejectsTopicAliasZero) {
  const Bytes bytes = {
      0x03,              // property length 3
      0x23, 0x00, 0x00,  // Topic Alias 0
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::invalid_property_value);
}

TEST(PropertiesDecode, AcceptsTopicAliasMaximumZero) {
  const Bytes bytes = {
      0x03,              // property length 3
      0x22, 0x00, 0x00,  // Topic Alias Maximum 0: aliases not accepted, which is legal
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::connack), ok);
}

TEST(PropertiesDecode, RejectsSubscriptionIdentifierZero) {
  const Bytes bytes = {
      0x02,        // property length 2
      0x0B, 0x00,  // Subscription Identifier 0
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::subscribe), errc::invalid_property_value);
}

TEST(PropertiesDecode, RejectsANonMinimalSubscriptionIdentifier) {
  const Bytes bytes = {
      0x03,              // property length 3
      0x0B, 0x81, 0x00,  // Subscription Identifier 1 in two bytes
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::subscribe), errc::malformed_remaining_length);
}

TEST(PropertiesDecode, RejectsByteBooleansOtherThanZeroOrOne) {
  const Id flags[] = {Id::retain_available, Id::wildcard_subscription_available,
                      Id::subscription_identifier_available, Id::shared_subscription_available};
  for (Id id : flags) {
    const Bytes bytes = {
        0x02,                              // property length 2
        static_cast<std::uint8_t>(id), 2,  // the flag, value 2
    };
    EXPECT_EQ(read_block(bytes, PropertyContext::connack), errc::invalid_property_value)
        << to_string(id);
  }
  const Bytes connect_flags[] = {
      {0x02, 0x17, 0x02},  // length 2, Request Problem Information 2
      {0x02, 0x19, 0xFF},  // length 2, Request Response Information 255
  };
  for (const Bytes& bytes : connect_flags) {
    EXPECT_EQ(read_block(bytes, PropertyContext::connect), errc::invalid_property_value);
  }
  const Bytes payload_format = {0x02, 0x01, 0x02};  // length 2, Payload Format Indicator 2
  EXPECT_EQ(read_block(payload_format, PropertyContext::publish), errc::invalid_property_value);
}

TEST(PropertiesDecode, RejectsMaximumQosAboveOne) {
  const Bytes two = {
      0x02,        // property length 2
      0x24, 0x02,  // Maximum QoS 2
  };
  EXPECT_EQ(read_block(two, PropertyContext::connack), errc::invalid_property_value);
  const Bytes one = {0x02, 0x24, 0x01};  // length 2, Maximum QoS 1
  EXPECT_EQ(read_block(one, PropertyContext::connack), ok);
}

TEST(PropertiesDecode, RejectsAResponseTopicWithWildcards) {
  const Bytes bytes = {
      0x06,                             // property length 6
      0x08, 0x00, 0x03, 'a', '/', '#',  // Response Topic "a/#"
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::invalid_property_value);
}

TEST(PropertiesDecode, RejectsALengthRunningPastThePacket) {
  const Bytes bytes = {
      0x05,        // property length 5
      0x01, 0x01,  // only two bytes follow
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::truncated);
}

TEST(PropertiesDecode, RejectsAValueRunningPastTheBlock) {
  const Bytes bytes = {
      0x02,        // property length 2
      0x23, 0x00,  // Topic Alias needs two bytes, the block has one left
      0x05,        // outside the block
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::truncated);
}

TEST(PropertiesDecode, RejectsAStringLongerThanTheBlock) {
  const Bytes bytes = {
      0x04,                   // property length 4
      0x1F, 0x00, 0x05, 'a',  // Reason String claims 5 bytes
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::puback), errc::truncated);
}

TEST(PropertiesDecode, RejectsInvalidUtf8InAStringProperty) {
  const Bytes bytes = {
      0x05,                          // property length 5
      0x1F, 0x00, 0x02, 0xC0, 0xAF,  // Reason String: overlong '/'
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::puback), errc::invalid_utf8);
}

TEST(PropertiesDecode, RejectsNulInAUserProperty) {
  const Bytes bytes = {
      0x07,                    // property length 7
      0x26, 0x00, 0x01, 0x00,  // User Property name "\0"
      0x00, 0x01, 'v',         //   value "v"
  };
  EXPECT_EQ(read_block(bytes, PropertyContext::puback), errc::null_character);
}

TEST(PropertiesDecode, RejectsAMalformedPropertyLength) {
  const Bytes bytes = {0x80, 0x00};  // property length 0 in two bytes
  EXPECT_EQ(read_block(bytes, PropertyContext::publish), errc::malformed_remaining_length);
}

TEST(PropertiesDecode, AllowsBinaryDataWithAnyBytes) {
  const Bytes bytes = {
      0x06,                                // property length 6
      0x16, 0x00, 0x03, 0x00, 0xC0, 0xFF,  // Authentication Data 00 C0 FF (not UTF-8)
  };
  Properties props;
  ASSERT_EQ(read_block(bytes, PropertyContext::auth, &props), ok);
  EXPECT_EQ(props.text(Id::authentication_data), std::string_view("\0\xC0\xFF", 3));
}

}  // namespace
}  // namespace portmqtt::codec::test
