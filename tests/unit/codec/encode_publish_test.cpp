// Golden bytes for PUBLISH in MQTT 3.1, 3.1.1 and 5, and each way encoding it can fail.
#include <gtest/gtest.h>

#include <memory>

#include "encode_support.hpp"

namespace portmqtt::codec::test {
namespace {

Publish qos0(std::string_view topic, std::string_view payload) {
  Publish p;
  p.topic = topic;
  p.payload = payload;
  return p;
}

TEST(EncodePublish, Qos0IsTheSameIn31And311) {
  const Publish p = qos0("a/b", "hi");
  const std::string expected = hex({
      0x30,           // PUBLISH, DUP 0, QoS 0, RETAIN 0
      0x07,           // remaining length 7
      0x00, 0x03,     // topic length 3
      'a', '/', 'b',  // topic
      'h', 'i',       // payload (no packet id at QoS 0)
  });
  EXPECT_EQ(encode_hex(p, kV311), expected);
  EXPECT_EQ(encode_hex(p, kV31), expected);
}

TEST(EncodePublish, Qos1RetainCarriesThePacketId) {
  Publish p = qos0("t", "xyz");
  p.qos = QoS::at_least_once;
  p.retain = true;
  p.packet_id = 10;
  for (const ProtocolVersion v : {kV31, kV311}) {
    EXPECT_EQ(encode_hex(p, v), hex({
                                    0x33,             // PUBLISH, QoS 1 (bits 2-1 = 01), RETAIN
                                    0x08,             // remaining length 8
                                    0x00, 0x01, 't',  // topic
                                    0x00, 0x0A,       // packet id 10
                                    'x', 'y', 'z',    // payload
                                }));
  }
}

TEST(EncodePublish, Qos2DupSetsBothFlagBits) {
  Publish p = qos0("t", "");
  p.qos = QoS::exactly_once;
  p.dup = true;
  p.packet_id = 0x1234;
  EXPECT_EQ(encode_hex(p, kV311), hex({
                                      0x3C,  // PUBLISH, DUP (bit 3), QoS 2 (bits 2-1 = 10)
                                      0x05,  // remaining length 5
                                      0x00, 0x01, 't',  // topic
                                      0x12, 0x34,       // packet id 0x1234, no payload
                                  }));
}

TEST(EncodePublish, V5WithoutPropertiesHasAZeroPropertyLength) {
  EXPECT_EQ(encode_hex(qos0("a/b", "hi"), kV5), hex({
                                                    0x30,  // PUBLISH, QoS 0
                                                    0x08,  // remaining length 8
                                                    0x00, 0x03, 'a', '/', 'b',  // topic
                                                    0x00,                       // property length 0
                                                    'h', 'i',                   // payload
                                                }));
}

TEST(EncodePublish, V5WritesEveryPublishPropertyInOrder) {
  Publish p = qos0("t", "p");
  p.qos = QoS::at_least_once;
  p.packet_id = 1;
  p.props.add(PropertyId::payload_format_indicator, 1)
      .add(PropertyId::message_expiry_interval, 3600)
      .add(PropertyId::content_type, "json")
      .add(PropertyId::response_topic, "r")
      .add(PropertyId::correlation_data, std::string_view("\x00\xFF", 2))
      .add(PropertyId::subscription_identifier, 2)
      .add(PropertyId::subscription_identifier, 200)
      .add(PropertyId::topic_alias, 5)
      .add_user_property("k", "v")
      .add_user_property("a", "b");
  EXPECT_EQ(encode_hex(p, kV5),
            hex({
                0x32,                                     // PUBLISH, QoS 1
                0x34,                                     // remaining length 52
                0x00, 0x01, 't',                          // topic
                0x00, 0x01,                               // packet id 1
                0x2D,                                     // property length 45
                0x01, 0x01,                               // payload format indicator: 1 (UTF-8)
                0x02, 0x00, 0x00, 0x0E, 0x10,             // message expiry interval: 3600
                0x03, 0x00, 0x04, 'j',  's',  'o',  'n',  // content type "json"
                0x08, 0x00, 0x01, 'r',                    // response topic "r"
                0x09, 0x00, 0x02, 0x00, 0xFF,             // correlation data 00 ff
                0x0B, 0x02,                               // subscription identifier 2
                0x0B, 0xC8, 0x01,                         // subscription identifier 200 (varint)
                0x23, 0x00, 0x05,                         // topic alias 5
                0x26, 0x00, 0x01, 'k',  0x00, 0x01, 'v',  // user property k=v
                0x26, 0x00, 0x01, 'a',  0x00, 0x01, 'b',  // user property a=b, kept second
                'p',                                      // payload
            }));
}

TEST(EncodePublish, V5EmptyTopicWithTopicAlias) {
  Publish p = qos0("", "z");
  p.props.add(PropertyId::topic_alias, 0x0102);
  EXPECT_EQ(encode_hex(p, kV5), hex({
                                    0x30,              // PUBLISH, QoS 0
                                    0x07,              // remaining length 7
                                    0x00, 0x00,        // empty topic
                                    0x03,              // property length 3
                                    0x23, 0x01, 0x02,  // topic alias 0x0102
                                    'z',               // payload
                                }));
}

TEST(EncodePublish, PropertiesAreNotWrittenFor3x) {
  Publish p = qos0("t", "p");
  p.props.add(PropertyId::message_expiry_interval, 5).add_user_property("k", "v");
  EXPECT_EQ(encode_hex(p, kV311), hex({
                                      0x30,             // PUBLISH, QoS 0
                                      0x04,             // remaining length 4
                                      0x00, 0x01, 't',  // topic
                                      'p',              // payload, no property length
                                  }));
}

TEST(EncodePublish, AppendsAfterWhatTheBufferHolds) {
  Buffer out;
  ASSERT_FALSE(encode(Pingreq{}, kV311, out));
  ASSERT_FALSE(encode(qos0("t", ""), kV311, out));
  EXPECT_EQ(hex(out.view()), hex({
                                 0xC0, 0x00,                   // PINGREQ
                                 0x30, 0x03, 0x00, 0x01, 't',  // PUBLISH t, no payload
                             }));
}

// Remaining Length is a variable byte integer; check each size step (§1.5.5).
struct LengthCase {
  std::size_t remaining;
  std::vector<std::uint8_t> header;
};

class EncodePublishLength : public ::testing::TestWithParam<LengthCase> {};

TEST_P(EncodePublishLength, RemainingLengthUsesTheShortestVarint) {
  const LengthCase& c = GetParam();
  const std::string payload = filled(c.remaining - 3);  // topic "t" takes 3 bytes
  Buffer out;
  ASSERT_FALSE(encode(qos0("t", payload), kV311, out));
  ASSERT_EQ(out.size(), c.header.size() + c.remaining);
  const ByteView header = out.view().first(c.header.size());
  EXPECT_EQ(hex(header), hex(ByteView{c.header}));
  // The topic follows the length directly.
  EXPECT_EQ(hex(out.view().subspan(c.header.size(), 3)), hex({0x00, 0x01, 't'}));
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, EncodePublishLength,
    ::testing::Values(LengthCase{127, {0x30, 0x7F}},                    // largest 1-byte length
                      LengthCase{128, {0x30, 0x80, 0x01}},              // smallest 2-byte length
                      LengthCase{16'383, {0x30, 0xFF, 0x7F}},           // largest 2-byte length
                      LengthCase{16'384, {0x30, 0x80, 0x80, 0x01}},     // smallest 3-byte length
                      LengthCase{2'097'151, {0x30, 0xFF, 0xFF, 0x7F}},  // largest 3-byte length
                      LengthCase{2'097'152, {0x30, 0x80, 0x80, 0x80, 0x01}}));  // 4 bytes

TEST(EncodePublishError, Qos3IsInvalid) {
  Publish p = qos0("t", "");
  p.qos = static_cast<QoS>(3);
  p.packet_id = 1;
  EXPECT_EQ(encode_error(p, kV311), errc::invalid_qos);
}

TEST(EncodePublishError, Qos1And2NeedANonZeroPacketId) {
  for (const QoS qos : {QoS::at_least_once, QoS::exactly_once}) {
    Publish p = qos0("t", "");
    p.qos = qos;
    EXPECT_EQ(encode_error(p, kV311), errc::zero_packet_id);
    EXPECT_EQ(encode_error(p, kV5), errc::zero_packet_id);
  }
}

TEST(EncodePublishError, DupOnQos0) {
  Publish p = qos0("t", "");
  p.dup = true;
  EXPECT_EQ(encode_error(p, kV311), errc::reserved_flags);
  EXPECT_EQ(encode_error(p, kV5), errc::reserved_flags);
}

TEST(EncodePublishError, TopicLongerThan65535Bytes) {
  const std::string longest = filled(65'535);
  Buffer out;
  EXPECT_FALSE(encode(qos0(longest, ""), kV311, out));
  EXPECT_EQ(out.size(), 1U + 3U + 2U + 65'535U);  // type, 3-byte length, prefix, topic

  const std::string too_long = filled(65'536);
  EXPECT_EQ(encode_error(qos0(too_long, ""), kV311), errc::string_too_long);
}

TEST(EncodePublishError, RemainingLengthOverTheMaximum) {
  // The bytes are never read: encode fails while measuring. Untouched heap pages cost nothing.
  const std::size_t size = kMaxRemainingLength - 3 + 1;  // topic "t" (3 bytes) + payload
  const auto payload = std::make_unique_for_overwrite<char[]>(size);
  EXPECT_EQ(encode_error(qos0("t", std::string_view(payload.get(), size)), kV311),
            errc::value_out_of_range);
}

TEST(EncodePublishError, EmptyTopicNeedsATopicAliasInV5) {
  EXPECT_EQ(encode_error(qos0("", "x"), kV311), errc::invalid_topic);
  EXPECT_EQ(encode_error(qos0("", "x"), kV31), errc::invalid_topic);
  EXPECT_EQ(encode_error(qos0("", "x"), kV5), errc::invalid_topic);
  Publish with_alias = qos0("", "x");
  with_alias.props.add(PropertyId::topic_alias, 1);
  EXPECT_EQ(encode_error(with_alias, kV311), errc::invalid_topic);  // 3.x has no aliases
}

TEST(EncodePublishError, PropertyNotAllowedOnPublish) {
  Publish p = qos0("t", "");
  p.props.add(PropertyId::session_expiry_interval, 1);
  EXPECT_EQ(encode_error(p, kV5), errc::property_not_allowed);
}

TEST(EncodePublishError, SingleUsePropertyRepeated) {
  Publish p = qos0("t", "");
  p.props.add(PropertyId::content_type, "a").add(PropertyId::content_type, "b");
  EXPECT_EQ(encode_error(p, kV5), errc::duplicate_property);
}

}  // namespace
}  // namespace portmqtt::codec::test
