// PUBACK, PUBREC, PUBREL and PUBCOMP in MQTT 3.1, 3.1.1 and 5, short forms included.
#include <gtest/gtest.h>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

// First byte of each acknowledgement: type in the high nibble, PUBREL with flags 0010.
constexpr std::uint8_t kPuback = 0x40;
constexpr std::uint8_t kPubrec = 0x50;
constexpr std::uint8_t kPubrel = 0x62;
constexpr std::uint8_t kPubcomp = 0x70;

template <class A>
void expect_3x_ack(std::uint8_t first_byte) {
  const Bytes bytes = {
      first_byte,  // packet type and flags
      0x02,        // remaining length 2
      0x12, 0x34,  // packet id 0x1234
  };
  for (ProtocolVersion v : kV3x) {
    const A ack = decode_as<A>(bytes, v);
    EXPECT_EQ(ack.packet_id, 0x1234) << version_name(v);
    EXPECT_EQ(ack.reason, ReasonCode::success);
    EXPECT_TRUE(ack.props.empty());
  }
}

TEST(DecodeAck, PubackIn3x) {
  expect_3x_ack<Puback>(kPuback);
}
TEST(DecodeAck, PubrecIn3x) {
  expect_3x_ack<Pubrec>(kPubrec);
}
TEST(DecodeAck, PubrelIn3x) {
  expect_3x_ack<Pubrel>(kPubrel);
}
TEST(DecodeAck, PubcompIn3x) {
  expect_3x_ack<Pubcomp>(kPubcomp);
}

TEST(DecodeAck, Mqtt3xRejectsAReasonCode) {
  for (ProtocolVersion v : kV3x) {
    const Bytes bytes = {
        kPuback,        // PUBACK
        0x03,           // remaining length 3
        0x00,    0x01,  // packet id 1
        0x00,           // a reason code does not exist before MQTT 5
    };
    EXPECT_EQ(decode_error(bytes, v), err(errc::trailing_bytes));
  }
}

TEST(DecodeAck, RejectsPacketIdZero) {
  const Bytes bytes = {
      kPubrec,     // PUBREC
      0x02,        // remaining length 2
      0x00, 0x00,  // packet id 0
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::zero_packet_id));
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::zero_packet_id));
}

TEST(DecodeAck, RejectsAShortPacketId) {
  const Bytes bytes = {
      kPubcomp,  // PUBCOMP
      0x01,      // remaining length 1
      0x01,      // half a packet id
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::truncated));
}

template <class A>
void expect_5_short_form(std::uint8_t first_byte) {
  const Bytes bytes = {
      first_byte,  // packet type and flags
      0x02,        // remaining length 2: success, no properties
      0x00, 0x09,  // packet id 9
  };
  const A ack = decode_as<A>(bytes, kV5);
  EXPECT_EQ(ack.packet_id, 9);
  EXPECT_EQ(ack.reason, ReasonCode::success);
  EXPECT_TRUE(ack.props.empty());
}

TEST(DecodeAck, PubackIn5ShortForm) {
  expect_5_short_form<Puback>(kPuback);
}
TEST(DecodeAck, PubrecIn5ShortForm) {
  expect_5_short_form<Pubrec>(kPubrec);
}
TEST(DecodeAck, PubrelIn5ShortForm) {
  expect_5_short_form<Pubrel>(kPubrel);
}
TEST(DecodeAck, PubcompIn5ShortForm) {
  expect_5_short_form<Pubcomp>(kPubcomp);
}

TEST(DecodeAck, PubackIn5WithReasonOnly) {
  const Bytes bytes = {
      kPuback,        // PUBACK
      0x03,           // remaining length 3: reason code, no properties
      0x00,    0x09,  // packet id 9
      0x10,           // reason 0x10: no matching subscribers
  };
  const Puback ack = decode_as<Puback>(bytes, kV5);
  EXPECT_EQ(ack.reason, ReasonCode::no_matching_subscribers);
  EXPECT_TRUE(ack.props.empty());
}

TEST(DecodeAck, PubrecIn5WithEmptyProperties) {
  const Bytes bytes = {
      kPubrec,        // PUBREC
      0x04,           // remaining length 4
      0x00,    0x09,  // packet id 9
      0x80,           // reason 0x80: unspecified error
      0x00,           // property length 0
  };
  const Pubrec ack = decode_as<Pubrec>(bytes, kV5);
  EXPECT_EQ(ack.reason, ReasonCode::unspecified_error);
  EXPECT_TRUE(ack.props.empty());
}

TEST(DecodeAck, PubrelIn5WithReasonString) {
  const Bytes bytes = {
      kPubrel,                        // PUBREL
      0x09,                           // remaining length 9
      0x00,    0x09,                  // packet id 9
      0x92,                           // reason 0x92: packet identifier not found
      0x05,                           // property length 5
      0x1F,    0x00, 0x02, 'n', 'f',  //   Reason String "nf"
  };
  const Pubrel ack = decode_as<Pubrel>(bytes, kV5);
  EXPECT_EQ(ack.reason, ReasonCode::packet_identifier_not_found);
  EXPECT_EQ(ack.props.text(PropertyId::reason_string), "nf");
}

TEST(DecodeAck, PubcompIn5WithUserProperty) {
  const Bytes bytes = {
      kPubcomp,                   // PUBCOMP
      0x0B,                       // remaining length 11
      0x00,     0x09,             // packet id 9
      0x00,                       // reason 0x00: success
      0x07,                       // property length 7
      0x26,     0x00, 0x01, 'k',  //   User Property name "k"
      0x00,     0x01, 'v',        //     value "v"
  };
  const Pubcomp ack = decode_as<Pubcomp>(bytes, kV5);
  EXPECT_EQ(ack.reason, ReasonCode::success);
  ASSERT_EQ(ack.props.size(), 1U);
  EXPECT_EQ(ack.props.items()[0], (Property{PropertyId::user_property, 0, "k", "v"}));
}

TEST(DecodeAck, Mqtt5RejectsAReasonCodeNotForThePacket) {
  const Bytes puback = {
      kPuback,        // PUBACK
      0x03,           // remaining length 3
      0x00,    0x01,  // packet id 1
      0x11,           // reason 0x11: UNSUBACK only
  };
  EXPECT_EQ(decode_error(puback, kV5), err(errc::invalid_reason_code));
  const Bytes pubrel = {
      kPubrel,        // PUBREL
      0x03,           // remaining length 3
      0x00,    0x01,  // packet id 1
      0x10,           // reason 0x10: PUBACK/PUBREC only
  };
  EXPECT_EQ(decode_error(pubrel, kV5), err(errc::invalid_reason_code));
}

TEST(DecodeAck, Mqtt5TakesAnUnlistedFailureCodeOnPubackAndPubrec) {
  // What mosquitto 2.0.11 sends for a PUBLISH above its message_size_limit.
  const Bytes puback = {
      kPuback,        // PUBACK
      0x03,           // remaining length 3
      0x00,    0x07,  // packet id 7
      0x95,           // reason 0x95 Packet too large: listed for CONNACK/DISCONNECT only
  };
  const Puback ack = decode_as<Puback>(puback, kV5);
  EXPECT_EQ(ack.packet_id, 7);
  EXPECT_EQ(ack.reason, ReasonCode::packet_too_large);
  const Bytes pubrec = {
      kPubrec,        // PUBREC
      0x03,           // remaining length 3
      0x00,    0x08,  // packet id 8
      0xFE,           // reason 0xFE: no reason code at all, but >= 0x80 is failure
  };
  EXPECT_EQ(static_cast<std::uint8_t>(decode_as<Pubrec>(pubrec, kV5).reason), 0xFE);
}

TEST(DecodeAck, Mqtt5StillRejectsAnUnlistedSuccessCodeOrAFailureOnPubrelPubcomp) {
  const Bytes puback = {
      kPuback,        // PUBACK
      0x03,           // remaining length 3
      0x00,    0x01,  // packet id 1
      0x01,           // reason 0x01: below 0x80 and not listed for PUBACK
  };
  EXPECT_EQ(decode_error(puback, kV5), err(errc::invalid_reason_code));
  const Bytes pubcomp = {
      kPubcomp,        // PUBCOMP
      0x03,            // remaining length 3
      0x00,     0x01,  // packet id 1
      0x95,            // reason 0x95: PUBCOMP carries only 0x00 and 0x92
  };
  EXPECT_EQ(decode_error(pubcomp, kV5), err(errc::invalid_reason_code));
}

TEST(DecodeAck, Mqtt5RejectsAPropertyNotAllowed) {
  const Bytes bytes = {
      kPuback,              // PUBACK
      0x07,                 // remaining length 7
      0x00,    0x01,        // packet id 1
      0x00,                 // reason 0
      0x03,                 // property length 3
      0x23,    0x00, 0x01,  //   Topic Alias 1: PUBLISH only
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::property_not_allowed));
}

TEST(DecodeAck, Mqtt5RejectsTrailingBytesAfterTheProperties) {
  const Bytes bytes = {
      kPuback,        // PUBACK
      0x05,           // remaining length 5
      0x00,    0x01,  // packet id 1
      0x00,           // reason 0
      0x00,           // property length 0
      0x00,           // one byte too many
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::trailing_bytes));
}

TEST(DecodeAck, RejectsPubrelWithoutItsFlags) {
  const Bytes bytes = {
      0x60,        // PUBREL with flags 0000
      0x02,        // remaining length 2
      0x00, 0x01,  // packet id 1
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::reserved_flags));
}

TEST(DecodeShortAck, ReadsPubackPubrecAndPubcompWithTheirId) {
  const Bytes bytes = {
      0x40, 0x02, 0x12, 0x34,  // PUBACK, remaining length 2, packet id 0x1234
      0x50, 0x02, 0x00, 0x07,  // PUBREC, remaining length 2, packet id 7
      0x70, 0x02, 0xFF, 0xFF,  // PUBCOMP, remaining length 2, packet id 65535
  };
  const ByteView all = view(bytes);
  auto puback = decode_short_ack(all);
  ASSERT_TRUE(puback);
  EXPECT_EQ(puback->type, PacketType::puback);
  EXPECT_EQ(puback->packet_id, 0x1234);
  auto pubrec = decode_short_ack(all.subspan(4));
  ASSERT_TRUE(pubrec);
  EXPECT_EQ(pubrec->type, PacketType::pubrec);
  EXPECT_EQ(pubrec->packet_id, 7);
  auto pubcomp = decode_short_ack(all.subspan(8));
  ASSERT_TRUE(pubcomp);
  EXPECT_EQ(pubcomp->type, PacketType::pubcomp);
  EXPECT_EQ(pubcomp->packet_id, 0xFFFF);
}

TEST(DecodeShortAck, LeavesEverythingElseToDecode) {
  const Bytes pubrel = {0x62, 0x02, 0x00, 0x01};             // PUBREL: answered, not a ShortAck
  const Bytes with_reason = {0x40, 0x03, 0x00, 0x01, 0x10};  // PUBACK with a reason code
  const Bytes id_zero = {0x40, 0x02, 0x00, 0x00};            // packet id 0: malformed
  const Bytes flags = {0x41, 0x02, 0x00, 0x01};              // PUBACK with reserved flags set
  const Bytes truncated = {0x40, 0x02, 0x00};                // the id's second byte missing
  const Bytes suback = {0x90, 0x02, 0x00, 0x01};             // another packet of 4 bytes
  for (const Bytes* bytes : {&pubrel, &with_reason, &id_zero, &flags, &truncated, &suback})
    EXPECT_FALSE(decode_short_ack(view(*bytes)).has_value());
  EXPECT_FALSE(decode_short_ack({}).has_value());
}

}  // namespace
}  // namespace portmqtt::codec::test
