// PUBLISH in MQTT 3.1, 3.1.1 and 5.
#include <gtest/gtest.h>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

TEST(DecodePublish, Qos0In3x) {
  const Bytes bytes = {
      0x30,                       // PUBLISH, QoS 0
      0x0A,                       // remaining length 10
      0x00, 0x03, 'a', '/', 'b',  // topic "a/b"
      'h',  'e',  'l', 'l', 'o',  // payload "hello"
  };
  for (ProtocolVersion v : kV3x) {
    const Publish p = decode_as<Publish>(bytes, v);
    EXPECT_EQ(p.topic, "a/b");
    EXPECT_EQ(p.payload, "hello");
    EXPECT_EQ(p.qos, QoS::at_most_once);
    EXPECT_FALSE(p.retain);
    EXPECT_FALSE(p.dup);
    EXPECT_EQ(p.packet_id, 0);
    EXPECT_TRUE(p.props.empty());
  }
}

TEST(DecodePublish, Qos1WithDupAndRetainIn3x) {
  const Bytes bytes = {
      0x3B,                       // PUBLISH, DUP | QoS 1 | RETAIN
      0x09,                       // remaining length 9
      0x00, 0x03, 'a', '/', 'b',  // topic "a/b"
      0x12, 0x34,                 // packet id 0x1234
      0x00, 0xFF,                 // payload 00 FF
  };
  for (ProtocolVersion v : kV3x) {
    const Publish p = decode_as<Publish>(bytes, v);
    EXPECT_EQ(p.qos, QoS::at_least_once);
    EXPECT_TRUE(p.dup);
    EXPECT_TRUE(p.retain);
    EXPECT_EQ(p.packet_id, 0x1234);
    EXPECT_EQ(p.payload, std::string_view("\0\xFF", 2));
  }
}

TEST(DecodePublish, Qos2WithEmptyPayloadIn3x) {
  const Bytes bytes = {
      0x34,             // PUBLISH, QoS 2
      0x05,             // remaining length 5
      0x00, 0x01, 't',  // topic "t"
      0x00, 0x01,       // packet id 1, no payload
  };
  for (ProtocolVersion v : kV3x) {
    const Publish p = decode_as<Publish>(bytes, v);
    EXPECT_EQ(p.qos, QoS::exactly_once);
    EXPECT_EQ(p.packet_id, 1);
    EXPECT_TRUE(p.payload.empty());
  }
}

TEST(DecodePublish, LargePayloadWithAThreeByteLength) {
  Bytes bytes = {
      0x30,              // PUBLISH, QoS 0
      0x83, 0x80, 0x01,  // remaining length 16387 = 3 + 16384
      0x00, 0x01, 't',   // topic "t"
  };
  bytes.resize(bytes.size() + 16384, 'z');  // payload: 16384 x 'z'
  const DecodeResult r = decode(view(bytes), kV311);
  ASSERT_EQ(r.status, DecodeStatus::packet);
  EXPECT_EQ(r.size, 16391U);
  EXPECT_EQ(std::get<Publish>(r.packet).payload.size(), 16384U);
}

TEST(DecodePublish, Mqtt5WithProperties) {
  const Bytes bytes = {
      0x32,              // PUBLISH, QoS 1
      0x12,              // remaining length 18
      0x00, 0x01, 't',   // topic "t"
      0x00, 0x07,        // packet id 7
      0x0A,              // property length 10
      0x01, 0x01,        //   Payload Format Indicator 1
      0x23, 0x00, 0x05,  //   Topic Alias 5
      0x0B, 0x02,        //   Subscription Identifier 2
      0x0B, 0x81, 0x01,  //   Subscription Identifier 129
      'h',  'i',         // payload "hi"
  };
  const Publish p = decode_as<Publish>(bytes, kV5);
  EXPECT_EQ(p.topic, "t");
  EXPECT_EQ(p.packet_id, 7);
  EXPECT_EQ(p.payload, "hi");
  ASSERT_EQ(p.props.size(), 4U);
  EXPECT_EQ(p.props.items()[0], (Property{PropertyId::payload_format_indicator, 1, "", ""}));
  EXPECT_EQ(p.props.items()[1], (Property{PropertyId::topic_alias, 5, "", ""}));
  EXPECT_EQ(p.props.items()[2], (Property{PropertyId::subscription_identifier, 2, "", ""}));
  EXPECT_EQ(p.props.items()[3], (Property{PropertyId::subscription_identifier, 129, "", ""}));
}

TEST(DecodePublish, Mqtt5EmptyTopicWithTopicAlias) {
  const Bytes bytes = {
      0x30,              // PUBLISH, QoS 0
      0x07,              // remaining length 7
      0x00, 0x00,        // topic ""
      0x03,              // property length 3
      0x23, 0x00, 0x01,  //   Topic Alias 1
      'x',               // payload "x"
  };
  const Publish p = decode_as<Publish>(bytes, kV5);
  EXPECT_EQ(p.topic, "");
  EXPECT_EQ(p.props.number(PropertyId::topic_alias), 1U);
  EXPECT_EQ(p.payload, "x");
}

TEST(DecodePublish, Mqtt5WithoutProperties) {
  const Bytes bytes = {
      0x30,             // PUBLISH, QoS 0
      0x05,             // remaining length 5
      0x00, 0x01, 't',  // topic "t"
      0x00,             // property length 0
      'x',              // payload "x"
  };
  const Publish p = decode_as<Publish>(bytes, kV5);
  EXPECT_TRUE(p.props.empty());
  EXPECT_EQ(p.payload, "x");
}

TEST(DecodePublish, RejectsQos3) {
  const Bytes bytes = {
      0x36,             // PUBLISH, QoS bits 11
      0x05,             // remaining length 5
      0x00, 0x01, 't',  // topic "t"
      0x00, 0x01,       // packet id 1
  };
  for (ProtocolVersion v : {kV31, kV311, kV5}) {
    EXPECT_EQ(decode_error(bytes, v), err(errc::invalid_qos)) << version_name(v);
  }
}

TEST(DecodePublish, RejectsPacketIdZeroForQos1And2) {
  for (std::uint8_t first : {0x32, 0x34}) {  // QoS 1, QoS 2
    const Bytes bytes = {
        first,             // PUBLISH
        0x05,              // remaining length 5
        0x00,  0x01, 't',  // topic "t"
        0x00,  0x00,       // packet id 0
    };
    EXPECT_EQ(decode_error(bytes, kV311), err(errc::zero_packet_id));
  }
}

TEST(DecodePublish, RejectsWildcardsInTheTopic) {
  const Bytes plus = {
      0x30,                       // PUBLISH, QoS 0
      0x05,                       // remaining length 5
      0x00, 0x03, 'a', '/', '+',  // topic "a/+"
  };
  const Bytes hash = {
      0x30,             // PUBLISH, QoS 0
      0x03,             // remaining length 3
      0x00, 0x01, '#',  // topic "#"
  };
  for (ProtocolVersion v : kV3x) {
    EXPECT_EQ(decode_error(plus, v), err(errc::wildcard_in_topic));
    EXPECT_EQ(decode_error(hash, v), err(errc::wildcard_in_topic));
  }
}

TEST(DecodePublish, RejectsAnEmptyTopicIn3x) {
  const Bytes bytes = {
      0x30,        // PUBLISH, QoS 0
      0x03,        // remaining length 3
      0x00, 0x00,  // topic ""
      'x',         // payload "x"
  };
  for (ProtocolVersion v : kV3x)
    EXPECT_EQ(decode_error(bytes, v), err(errc::invalid_topic));
}

TEST(DecodePublish, RejectsAnEmptyTopicWithoutTopicAliasIn5) {
  const Bytes bytes = {
      0x30,        // PUBLISH, QoS 0
      0x04,        // remaining length 4
      0x00, 0x00,  // topic ""
      0x00,        // property length 0
      'x',         // payload "x"
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_topic));
}

TEST(DecodePublish, RejectsDupOnQos0) {
  const Bytes bytes = {
      0x38,             // PUBLISH, DUP with QoS 0
      0x03,             // remaining length 3
      0x00, 0x01, 't',  // topic "t"
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::reserved_flags));
}

TEST(DecodePublish, RejectsInvalidUtf8InTheTopic) {
  const Bytes bytes = {
      0x30,                    // PUBLISH, QoS 0
      0x04,                    // remaining length 4
      0x00, 0x02, 0xC0, 0x80,  // topic: overlong U+0000
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::invalid_utf8));
}

TEST(DecodePublish, RejectsNulInTheTopic) {
  const Bytes bytes = {
      0x30,                   // PUBLISH, QoS 0
      0x04,                   // remaining length 4
      0x00, 0x02, 'a', 0x00,  // topic "a\0"
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::null_character));
}

TEST(DecodePublish, RejectsATopicLongerThanThePacket) {
  const Bytes bytes = {
      0x30,             // PUBLISH, QoS 0
      0x03,             // remaining length 3
      0x00, 0x05, 't',  // topic claims 5 bytes
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::truncated));
}

TEST(DecodePublish, RejectsAMissingPacketId) {
  const Bytes bytes = {
      0x32,             // PUBLISH, QoS 1
      0x04,             // remaining length 4
      0x00, 0x01, 't',  // topic "t"
      0x00,             // half a packet id
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::truncated));
}

TEST(DecodePublish, Mqtt5RejectsAPropertyNotAllowedInPublish) {
  const Bytes bytes = {
      0x30,                          // PUBLISH, QoS 0
      0x09,                          // remaining length 9
      0x00, 0x01, 't',               // topic "t"
      0x05,                          // property length 5
      0x11, 0x00, 0x00, 0x00, 0x01,  //   Session Expiry Interval: not a PUBLISH property
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::property_not_allowed));
}

TEST(DecodePublish, Mqtt5RejectsADuplicateTopicAlias) {
  const Bytes bytes = {
      0x30,              // PUBLISH, QoS 0
      0x0A,              // remaining length 10
      0x00, 0x01, 't',   // topic "t"
      0x06,              // property length 6
      0x23, 0x00, 0x01,  //   Topic Alias 1
      0x23, 0x00, 0x02,  //   Topic Alias 2
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::duplicate_property));
}

TEST(DecodePublish, Mqtt5RejectsAPropertyLengthPastThePacket) {
  const Bytes bytes = {
      0x30,             // PUBLISH, QoS 0
      0x05,             // remaining length 5
      0x00, 0x01, 't',  // topic "t"
      0x09,             // property length 9
      0x01,             // the only byte left
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::truncated));
}

}  // namespace
}  // namespace portmqtt::codec::test
