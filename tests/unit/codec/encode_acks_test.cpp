// Golden bytes for PUBACK, PUBREC, PUBREL and PUBCOMP in MQTT 3.1, 3.1.1 and 5. The four share
// one layout, so one typed suite covers them, each with its own first byte and reason codes.
#include <gtest/gtest.h>

#include "encode_support.hpp"

namespace portmqtt::codec::test {
namespace {

template <class A>
struct AckTraits;
template <>
struct AckTraits<Puback> {
  static constexpr std::uint8_t first_byte = 0x40;                            // PUBACK, flags 0000
  static constexpr ReasonCode failure = ReasonCode::no_matching_subscribers;  // 0x10
  static constexpr ReasonCode not_allowed = ReasonCode::no_subscription_existed;  // 0x11
};
template <>
struct AckTraits<Pubrec> {
  static constexpr std::uint8_t first_byte = 0x50;                            // PUBREC, flags 0000
  static constexpr ReasonCode failure = ReasonCode::no_matching_subscribers;  // 0x10
  static constexpr ReasonCode not_allowed = ReasonCode::no_subscription_existed;  // 0x11
};
template <>
struct AckTraits<Pubrel> {
  static constexpr std::uint8_t first_byte = 0x62;  // PUBREL, reserved flags 0010
  static constexpr ReasonCode failure = ReasonCode::packet_identifier_not_found;  // 0x92
  static constexpr ReasonCode not_allowed = ReasonCode::no_matching_subscribers;  // 0x10
};
template <>
struct AckTraits<Pubcomp> {
  static constexpr std::uint8_t first_byte = 0x70;  // PUBCOMP, flags 0000
  static constexpr ReasonCode failure = ReasonCode::packet_identifier_not_found;  // 0x92
  static constexpr ReasonCode not_allowed = ReasonCode::no_matching_subscribers;  // 0x10
};

template <class A>
class EncodeAck : public ::testing::Test {
 protected:
  using Traits = AckTraits<A>;
  static constexpr std::uint8_t kFirst = Traits::first_byte;
  static constexpr auto kFailure = static_cast<std::uint8_t>(Traits::failure);

  static A ack(std::uint16_t id, ReasonCode reason = ReasonCode::success) {
    A a;
    a.packet_id = id;
    a.reason = reason;
    return a;
  }
};

using AckTypes = ::testing::Types<Puback, Pubrec, Pubrel, Pubcomp>;
TYPED_TEST_SUITE(EncodeAck, AckTypes);

TYPED_TEST(EncodeAck, V3xIsThePacketIdAlone) {
  // Reason code and properties do not exist before MQTT 5 and are not written.
  TypeParam a = this->ack(0x0102, TestFixture::Traits::failure);
  a.props.add(PropertyId::reason_string, "x");
  const std::string expected = hex({
      this->kFirst,  // packet type and flags
      0x02,          // remaining length 2
      0x01, 0x02,    // packet id 0x0102
  });
  EXPECT_EQ(encode_hex(a, kV31), expected);
  EXPECT_EQ(encode_hex(a, kV311), expected);
}

TYPED_TEST(EncodeAck, V5SuccessWithoutPropertiesIsTheShortForm) {
  const std::string expected = hex({
      this->kFirst,  // packet type and flags
      0x02,          // remaining length 2: reason code and properties left out
      0xFF, 0xFE,    // packet id 0xFFFE
  });
  EXPECT_EQ(encode_hex(this->ack(0xFFFE), kV5), expected);
}

TYPED_TEST(EncodeAck, V5ReasonWithoutPropertiesDropsThePropertyLength) {
  const std::string expected = hex({
      this->kFirst,    // packet type and flags
      0x03,            // remaining length 3
      0x00, 0x07,      // packet id 7
      this->kFailure,  // reason code
  });
  EXPECT_EQ(encode_hex(this->ack(7, TestFixture::Traits::failure), kV5), expected);
}

TYPED_TEST(EncodeAck, V5ReasonWithProperties) {
  TypeParam a = this->ack(7, TestFixture::Traits::failure);
  a.props.add(PropertyId::reason_string, "q").add_user_property("a", "b");
  const std::string expected = hex({
      this->kFirst,                            // packet type and flags
      0x0F,                                    // remaining length 15
      0x00, 0x07,                              // packet id 7
      this->kFailure,                          // reason code
      0x0B,                                    // property length 11
      0x1F, 0x00, 0x01, 'q',                   // reason string "q"
      0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b',  // user property a=b
  });
  EXPECT_EQ(encode_hex(a, kV5), expected);
}

TYPED_TEST(EncodeAck, V5SuccessWithPropertiesWritesTheReasonCode) {
  TypeParam a = this->ack(1);
  a.props.add(PropertyId::reason_string, "r");
  const std::string expected = hex({
      this->kFirst,           // packet type and flags
      0x08,                   // remaining length 8
      0x00, 0x01,             // packet id 1
      0x00,                   // reason code: success
      0x04,                   // property length 4
      0x1F, 0x00, 0x01, 'r',  // reason string "r"
  });
  EXPECT_EQ(encode_hex(a, kV5), expected);
}

TYPED_TEST(EncodeAck, ZeroPacketIdIsRejectedInEveryVersion) {
  for (const ProtocolVersion v : {kV31, kV311, kV5}) {
    EXPECT_EQ(encode_error(this->ack(0), v), errc::zero_packet_id);
  }
}

TYPED_TEST(EncodeAck, V5ReasonCodeOfAnotherPacketType) {
  EXPECT_EQ(encode_error(this->ack(1, TestFixture::Traits::not_allowed), kV5),
            errc::invalid_reason_code);
}

TYPED_TEST(EncodeAck, V5PropertyNotAllowed) {
  TypeParam a = this->ack(1);
  a.props.add(PropertyId::topic_alias, 1);
  EXPECT_EQ(encode_error(a, kV5), errc::property_not_allowed);
}

TYPED_TEST(EncodeAck, V5ReasonStringTwice) {
  TypeParam a = this->ack(1);
  a.props.add(PropertyId::reason_string, "a").add(PropertyId::reason_string, "b");
  EXPECT_EQ(encode_error(a, kV5), errc::duplicate_property);
}

}  // namespace
}  // namespace portmqtt::codec::test
