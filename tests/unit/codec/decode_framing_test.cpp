// Framing: the fixed header, need_more, size limits, and several packets in one buffer.
#include <gtest/gtest.h>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

TEST(DecodeFixedHeader, ReadsTypeFlagsAndLength) {
  const Bytes bytes = {
      0x3B,        // PUBLISH, DUP | QoS 1 | RETAIN
      0xC8, 0x01,  // remaining length 200
  };
  const FixedHeaderResult r = decode_fixed_header(view(bytes));
  ASSERT_EQ(r.status, DecodeStatus::packet);
  EXPECT_EQ(r.header.type, PacketType::publish);
  EXPECT_EQ(r.header.flags, 0x0B);
  EXPECT_EQ(r.header.remaining_length, 200U);
  EXPECT_EQ(r.header.header_size, 3);
  EXPECT_EQ(r.header.packet_size(), 203U);
}

TEST(DecodeFixedHeader, ReadsTheLargestRemainingLength) {
  const Bytes bytes = {
      0x30,                    // PUBLISH
      0xFF, 0xFF, 0xFF, 0x7F,  // remaining length 268435455
  };
  const FixedHeaderResult r = decode_fixed_header(view(bytes));
  ASSERT_EQ(r.status, DecodeStatus::packet);
  EXPECT_EQ(r.header.remaining_length, kMaxRemainingLength);
  EXPECT_EQ(r.header.header_size, 5);
  EXPECT_EQ(r.header.packet_size(), kMaxPacketSize);
}

TEST(DecodeFixedHeader, NeedsMoreWhileTheLengthIsIncomplete) {
  const Bytes bytes = {
      0x30,              // PUBLISH
      0x80, 0x80, 0x80,  // three continuation bytes, the fourth is missing
  };
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    EXPECT_EQ(decode_fixed_header(ByteView{bytes.data(), n}).status, DecodeStatus::need_more);
  }
}

TEST(DecodeFixedHeader, RejectsFiveLengthBytes) {
  const Bytes bytes = {
      0x30,                          // PUBLISH
      0x80, 0x80, 0x80, 0x80, 0x01,  // remaining length in five bytes
  };
  EXPECT_EQ(decode_fixed_header(view(bytes)).error, err(errc::malformed_remaining_length));
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::malformed_remaining_length));
}

TEST(DecodeFixedHeader, RejectsANonMinimalLength) {
  const Bytes bytes = {
      0xC0,        // PINGREQ
      0x80, 0x00,  // remaining length 0 in two bytes
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::malformed_remaining_length));
}

TEST(DecodeFixedHeader, RejectsPacketTypeZero) {
  const Bytes bytes = {
      0x00,  // type 0 is reserved
      0x00,  // remaining length 0
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::invalid_packet_type));
  const Bytes first_byte_only = {0x00};
  EXPECT_EQ(decode_error(first_byte_only, kV311), err(errc::invalid_packet_type));
}

TEST(DecodeFixedHeader, RejectsAuthBeforeMqtt5) {
  const Bytes bytes = {
      0xF0,  // AUTH
      0x00,  // remaining length 0
  };
  for (ProtocolVersion v : kV3x) {
    EXPECT_EQ(decode_error(bytes, v), err(errc::invalid_packet_type)) << version_name(v);
    // Known from the first byte, before the length arrives.
    EXPECT_EQ(decode_error(Bytes{0xF0}, v), err(errc::invalid_packet_type));
  }
}

TEST(DecodeFixedHeader, RequiresFlags0010OnPubrelSubscribeUnsubscribe) {
  // Remaining length 0 keeps the body out of it: the flags are checked first.
  for (std::uint8_t type : {0x60, 0x80, 0xA0}) {
    for (std::uint8_t flags = 0; flags < 16; ++flags) {
      if (flags == 0b0010) continue;
      const Bytes bytes = {static_cast<std::uint8_t>(type | flags), 0x00};
      EXPECT_EQ(decode_error(bytes, kV5), err(errc::reserved_flags))
          << "first byte " << int{bytes[0]};
    }
  }
}

TEST(DecodeFixedHeader, RequiresZeroFlagsOnTheOtherTypes) {
  for (std::uint8_t type : {0x10, 0x20, 0x40, 0x50, 0x70, 0x90, 0xB0, 0xC0, 0xD0, 0xE0, 0xF0}) {
    for (std::uint8_t flags = 1; flags < 16; ++flags) {
      const Bytes bytes = {static_cast<std::uint8_t>(type | flags), 0x00};
      EXPECT_EQ(decode_error(bytes, kV5), err(errc::reserved_flags))
          << "first byte " << int{bytes[0]};
      // Rejected from the first byte alone.
      EXPECT_EQ(decode_fixed_header(ByteView{bytes.data(), 1}).error, err(errc::reserved_flags));
    }
  }
}

TEST(DecodeFixedHeader, RejectsAPacketAboveTheMaximumBeforeItsBodyArrives) {
  const Bytes header_only = {
      0x30,        // PUBLISH
      0xE9, 0x07,  // remaining length 1001: 1004 bytes with the header
  };
  const Limits limits{1003};
  EXPECT_EQ(decode_fixed_header(view(header_only), limits).error, err(errc::packet_too_large));
  const DecodeResult r = decode(view(header_only), kV311, limits);
  EXPECT_EQ(r.status, DecodeStatus::error);
  EXPECT_EQ(r.error, err(errc::packet_too_large));
  EXPECT_EQ(decode_fixed_header(view(header_only), Limits{1004}).status, DecodeStatus::packet);
}

TEST(DecodeFixedHeader, CountsTheHeaderTowardsTheMaximum) {
  const Bytes pingreq = {
      0xC0,  // PINGREQ
      0x00,  // remaining length 0
  };
  EXPECT_EQ(decode_error(pingreq, kV311, Limits{1}), err(errc::packet_too_large));
  EXPECT_EQ(decode(view(pingreq), kV311, Limits{2}).status, DecodeStatus::packet);
}

TEST(Decode, NeedMoreReportsTheWholeSizeOnceTheHeaderIsKnown) {
  const Bytes partial = {
      0x30,        // PUBLISH
      0x80, 0x01,  // remaining length 128
      0x00, 0x01,  // start of the topic
  };
  const DecodeResult r = decode(view(partial), kV311);
  EXPECT_EQ(r.status, DecodeStatus::need_more);
  EXPECT_EQ(r.size, 131U);  // 1 + 2 + 128
  const DecodeResult first_byte = decode(ByteView{partial.data(), 1}, kV311);
  EXPECT_EQ(first_byte.status, DecodeStatus::need_more);
  EXPECT_EQ(first_byte.size, 0U);
}

TEST(Decode, TwoPacketsBackToBack) {
  const Bytes bytes = {
      // PUBLISH QoS 0
      0x30,                       // PUBLISH
      0x06,                       // remaining length 6
      0x00, 0x03, 'a', '/', 'b',  // topic "a/b"
      'x',                        // payload "x"
      // PUBACK
      0x40,        // PUBACK
      0x02,        // remaining length 2
      0x00, 0x07,  // packet id 7
  };
  const DecodeResult first = decode(view(bytes), kV311);
  ASSERT_EQ(first.status, DecodeStatus::packet);
  ASSERT_EQ(first.size, 8U);
  const auto& publish = std::get<Publish>(first.packet);
  EXPECT_EQ(publish.topic, "a/b");
  EXPECT_EQ(publish.payload, "x");

  const DecodeResult second = decode(view(bytes).subspan(first.size), kV311);
  ASSERT_EQ(second.status, DecodeStatus::packet);
  EXPECT_EQ(second.size, 4U);
  EXPECT_EQ(std::get<Puback>(second.packet).packet_id, 7);
}

TEST(Decode, ViewsPointIntoTheInput) {
  const Bytes bytes = {
      0x30,             // PUBLISH
      0x05,             // remaining length 5
      0x00, 0x01, 't',  // topic "t"
      'h',  'i',        // payload "hi"
  };
  const DecodeResult r = decode(view(bytes), kV311);
  ASSERT_EQ(r.status, DecodeStatus::packet);
  const auto& p = std::get<Publish>(r.packet);
  EXPECT_EQ(static_cast<const void*>(p.topic.data()), static_cast<const void*>(&bytes[4]));
  EXPECT_EQ(static_cast<const void*>(p.payload.data()), static_cast<const void*>(&bytes[5]));
}

TEST(Decode, IgnoresBytesAfterThePacket) {
  const Bytes bytes = {
      0xD0,  // PINGRESP
      0x00,  // remaining length 0
      0xFF,  // garbage that belongs to whatever comes next
  };
  const DecodeResult r = decode(view(bytes), kV311);
  EXPECT_EQ(r.status, DecodeStatus::packet);
  EXPECT_EQ(r.size, 2U);
}

TEST(Decode, EmptyInputNeedsMore) {
  const DecodeResult r = decode(ByteView{}, kV5);
  EXPECT_EQ(r.status, DecodeStatus::need_more);
  EXPECT_EQ(r.size, 0U);
}

}  // namespace
}  // namespace portmqtt::codec::test
