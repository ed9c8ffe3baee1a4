// Property encoding rules (MQTT 5 §2.2.2): the wire width of each value type, the limits on
// values and lengths, order and repetition. Shown on PUBLISH "t" (QoS 0, empty payload), whose
// fixed part is 0x30, remaining length, 0x00 0x01 't'.
#include <gtest/gtest.h>

#include "encode_support.hpp"

namespace portmqtt::codec::test {
namespace {

Publish publish_with(const Properties& props) {
  Publish p;
  p.topic = "t";
  p.props = props;
  return p;
}

TEST(EncodeProperties, UserPropertiesKeepOrderAndRepetition) {
  Properties props;
  props.add_user_property("a", "1").add_user_property("a", "2").add_user_property("b", "");
  const std::string expected = hex({
      0x30,                                    // PUBLISH, QoS 0
      0x18,                                    // remaining length 24
      0x00, 0x01, 't',                         // topic
      0x14,                                    // property length 20
      0x26, 0x00, 0x01, 'a', 0x00, 0x01, '1',  // user property a=1
      0x26, 0x00, 0x01, 'a', 0x00, 0x01, '2',  // user property a=2, same name kept
      0x26, 0x00, 0x01, 'b', 0x00, 0x00,       // user property b="" (empty value)
  });
  EXPECT_EQ(encode_hex(publish_with(props), kV5), expected);
}

struct VarintCase {
  std::uint32_t value;
  std::vector<std::uint8_t> wire;
};

class EncodeVarintProperty : public ::testing::TestWithParam<VarintCase> {};

TEST_P(EncodeVarintProperty, SubscriptionIdentifierUsesTheShortestVarint) {
  const VarintCase& c = GetParam();
  Properties props;
  props.add(PropertyId::subscription_identifier, c.value);
  const auto n = static_cast<std::uint8_t>(c.wire.size());
  std::vector<std::uint8_t> expected = {
      0x30,                                      // PUBLISH, QoS 0
      static_cast<std::uint8_t>(3 + 1 + 1 + n),  // remaining length: topic, length, id, value
      0x00,
      0x01,
      't',                               // topic
      static_cast<std::uint8_t>(1 + n),  // property length
      0x0B,                              // subscription identifier
  };
  expected.insert(expected.end(), c.wire.begin(), c.wire.end());
  EXPECT_EQ(encode_hex(publish_with(props), kV5), hex(ByteView{expected}));
}

INSTANTIATE_TEST_SUITE_P(Boundaries, EncodeVarintProperty,
                         ::testing::Values(VarintCase{1, {0x01}},                   // smallest
                                           VarintCase{127, {0x7F}},                 // 1 byte max
                                           VarintCase{128, {0x80, 0x01}},           // 2 bytes
                                           VarintCase{16'383, {0xFF, 0x7F}},        // 2 bytes max
                                           VarintCase{16'384, {0x80, 0x80, 0x01}},  // 3 bytes
                                           VarintCase{2'097'151, {0xFF, 0xFF, 0x7F}},
                                           VarintCase{2'097'152, {0x80, 0x80, 0x80, 0x01}},
                                           VarintCase{268'435'455, {0xFF, 0xFF, 0xFF, 0x7F}}));

TEST(EncodeProperties, TwoByteIntegerMaximum) {
  Properties props;
  props.add(PropertyId::topic_alias, 0xFFFF);
  const std::string expected = hex({
      0x30,              // PUBLISH, QoS 0
      0x07,              // remaining length 7
      0x00, 0x01, 't',   // topic
      0x03,              // property length 3
      0x23, 0xFF, 0xFF,  // topic alias 65535
  });
  EXPECT_EQ(encode_hex(publish_with(props), kV5), expected);
}

TEST(EncodeProperties, PropertyLengthCanNeedTwoBytes) {
  const std::string value = filled(200, 'v');
  Properties props;
  props.add_user_property("k", value);  // 1 + (2 + 1) + (2 + 200) = 206 bytes
  Buffer out;
  ASSERT_FALSE(encode(publish_with(props), kV5, out));
  ASSERT_EQ(out.size(), 1U + 2U + 3U + 2U + 206U);
  EXPECT_EQ(hex(out.view().first(13)), hex({
                                           0x30,                   // PUBLISH, QoS 0
                                           0xD3, 0x01,             // remaining length 211
                                           0x00, 0x01, 't',        // topic
                                           0xCE, 0x01,             // property length 206
                                           0x26, 0x00, 0x01, 'k',  // user property name "k"
                                           0x00,                   // value length, high byte
                                       }));
  EXPECT_EQ(out.view()[13], 200);  // value length, low byte
}

TEST(EncodePropertiesError, ValueTooWideForItsType) {
  Properties byte_prop;
  byte_prop.add(PropertyId::payload_format_indicator, 0x100);
  EXPECT_EQ(encode_error(publish_with(byte_prop), kV5), errc::value_out_of_range);

  Properties two_byte_prop;
  two_byte_prop.add(PropertyId::topic_alias, 0x10000);
  EXPECT_EQ(encode_error(publish_with(two_byte_prop), kV5), errc::value_out_of_range);

  Properties varint_prop;
  varint_prop.add(PropertyId::subscription_identifier, kMaxRemainingLength + 1);
  EXPECT_EQ(encode_error(publish_with(varint_prop), kV5), errc::value_out_of_range);
}

TEST(EncodePropertiesError, StringLongerThan65535Bytes) {
  const std::string longest = filled(65'535);
  const std::string too_long = filled(65'536);

  Properties fits;
  fits.add(PropertyId::content_type, longest);
  Buffer out;
  EXPECT_FALSE(encode(publish_with(fits), kV5, out));

  Properties text;
  text.add(PropertyId::content_type, too_long);
  EXPECT_EQ(encode_error(publish_with(text), kV5), errc::string_too_long);

  Properties binary;
  binary.add(PropertyId::correlation_data, too_long);
  EXPECT_EQ(encode_error(publish_with(binary), kV5), errc::string_too_long);

  Properties name;
  name.add_user_property(too_long, "v");
  EXPECT_EQ(encode_error(publish_with(name), kV5), errc::string_too_long);

  Properties value;
  value.add_user_property("k", too_long);
  EXPECT_EQ(encode_error(publish_with(value), kV5), errc::string_too_long);
}

TEST(EncodePropertiesError, UnknownPropertyIdentifier) {
  for (const std::uint8_t id : {0x00, 0x05, 0x2B, 0x7F}) {
    Properties props;
    props.push_back(Property{static_cast<PropertyId>(id), 1, {}, {}});
    EXPECT_EQ(encode_error(publish_with(props), kV5), errc::invalid_property_id) << int{id};
  }
}

TEST(EncodePropertiesError, RepeatedSingleUsePropertyEvenWhenNotAdjacent) {
  Properties props;
  props.add(PropertyId::message_expiry_interval, 1)
      .add_user_property("k", "v")
      .add(PropertyId::message_expiry_interval, 2);
  EXPECT_EQ(encode_error(publish_with(props), kV5), errc::duplicate_property);
}

TEST(EncodePropertiesError, PropertyListLongerThanTheLargestVarint) {
  // 4097 user properties of 65540 bytes each pass 268435455; they all view the same 64 KiB.
  const std::string name = filled(65'535);
  Properties props;
  for (int i = 0; i < 4'097; ++i)
    props.add_user_property(name, "");
  EXPECT_EQ(encode_error(publish_with(props), kV5), errc::value_out_of_range);
}

}  // namespace
}  // namespace portmqtt::codec::test
