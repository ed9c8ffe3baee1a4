// Names and tables the decoder reports through: error messages, reason codes, packet types.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

TEST(CodecErrors, HaveTheirOwnCategoryAndDistinctMessages) {
  std::set<std::string> messages;
  for (int e = static_cast<int>(errc::malformed_remaining_length);
       e <= static_cast<int>(errc::value_out_of_range); ++e) {
    const std::error_code ec = make_error_code(static_cast<errc>(e));
    EXPECT_EQ(&ec.category(), &codec_category());
    EXPECT_FALSE(ec.message().empty());
    messages.insert(ec.message());
  }
  EXPECT_EQ(messages.size(), 25U);
  EXPECT_STREQ(codec_category().name(), "portmqtt.codec");
  EXPECT_EQ(std::error_code(errc::packet_too_large).message(),
            "packet larger than the maximum packet size");
}

TEST(ReasonCodes, Names) {
  EXPECT_EQ(to_string(ReasonCode::success), "Success");
  EXPECT_EQ(to_string(ReasonCode::not_authorized), "Not authorized");
  EXPECT_EQ(to_string(ReasonCode::wildcard_subscriptions_not_supported),
            "Wildcard Subscriptions not supported");
  EXPECT_EQ(to_string(static_cast<ReasonCode>(0x03)), "Unknown reason code");
}

TEST(ReasonCodes, IsFailure) {
  EXPECT_FALSE(is_failure(ReasonCode::granted_qos_2));
  EXPECT_FALSE(is_failure(ReasonCode::re_authenticate));
  EXPECT_TRUE(is_failure(ReasonCode::unspecified_error));
}

TEST(ReasonCodes, ConnackMappingBothWays) {
  struct Pair {
    ConnectReturnCode v3;
    ReasonCode v5;
  };
  const Pair pairs[] = {
      {ConnectReturnCode::accepted, ReasonCode::success},
      {ConnectReturnCode::unacceptable_protocol_version, ReasonCode::unsupported_protocol_version},
      {ConnectReturnCode::identifier_rejected, ReasonCode::client_identifier_not_valid},
      {ConnectReturnCode::server_unavailable, ReasonCode::server_unavailable},
      {ConnectReturnCode::bad_user_name_or_password, ReasonCode::bad_user_name_or_password},
      {ConnectReturnCode::not_authorized, ReasonCode::not_authorized},
  };
  for (const Pair& p : pairs) {
    EXPECT_EQ(to_reason_code(p.v3), p.v5);
    EXPECT_EQ(to_connect_return_code(p.v5), p.v3);
  }
  EXPECT_EQ(to_connect_return_code(ReasonCode::banned), std::nullopt);
  EXPECT_EQ(to_connect_return_code(ReasonCode::unspecified_error), std::nullopt);
}

// Packet type numbers as in the §2.4 table's column headings.
constexpr std::uint8_t kConnack = 2, kPuback = 4, kPubrec = 5, kPubrel = 6, kPubcomp = 7,
                       kSuback = 9, kUnsuback = 11, kDisconnect = 14, kAuth = 15;

TEST(ReasonCodes, ValidityFollowsTheSpecificationTable) {
  // Success is valid everywhere a reason code appears (as Normal disconnection / Granted QoS 0).
  for (std::uint8_t t :
       {kConnack, kPuback, kPubrec, kPubrel, kPubcomp, kSuback, kUnsuback, kDisconnect, kAuth}) {
    EXPECT_TRUE(is_valid_reason_code(t, ReasonCode::success)) << int{t};
  }
  EXPECT_FALSE(is_valid_reason_code(1, ReasonCode::success));  // CONNECT has no reason code
  EXPECT_TRUE(is_valid_reason_code(kSuback, ReasonCode::granted_qos_1));
  EXPECT_FALSE(is_valid_reason_code(kPuback, ReasonCode::granted_qos_1));
  EXPECT_TRUE(is_valid_reason_code(kDisconnect, ReasonCode::disconnect_with_will_message));
  EXPECT_TRUE(is_valid_reason_code(kPuback, ReasonCode::no_matching_subscribers));
  EXPECT_FALSE(is_valid_reason_code(kPubcomp, ReasonCode::no_matching_subscribers));
  EXPECT_TRUE(is_valid_reason_code(kUnsuback, ReasonCode::no_subscription_existed));
  EXPECT_TRUE(is_valid_reason_code(kAuth, ReasonCode::continue_authentication));
  EXPECT_FALSE(is_valid_reason_code(kConnack, ReasonCode::continue_authentication));
  EXPECT_TRUE(is_valid_reason_code(kConnack, ReasonCode::banned));
  EXPECT_FALSE(is_valid_reason_code(kDisconnect, ReasonCode::banned));
  EXPECT_TRUE(is_valid_reason_code(kDisconnect, ReasonCode::keep_alive_timeout));
  EXPECT_TRUE(is_valid_reason_code(kPubrel, ReasonCode::packet_identifier_not_found));
  EXPECT_FALSE(is_valid_reason_code(kPuback, ReasonCode::packet_identifier_not_found));
  EXPECT_TRUE(is_valid_reason_code(kSuback, ReasonCode::packet_identifier_in_use));
  EXPECT_TRUE(is_valid_reason_code(kSuback, ReasonCode::wildcard_subscriptions_not_supported));
  EXPECT_FALSE(is_valid_reason_code(kUnsuback, ReasonCode::quota_exceeded));
  EXPECT_FALSE(is_valid_reason_code(kDisconnect, static_cast<ReasonCode>(0x03)));
  EXPECT_FALSE(is_valid_reason_code(16, ReasonCode::success));  // no such packet type
}

TEST(ReasonCodes, CountPerPacketMatchesTheSpecification) {
  // Number of codes the §2.4 table lists for each packet (0x00 counted once).
  struct Count {
    std::uint8_t type;
    int codes;
  };
  const Count counts[] = {{kConnack, 22}, {kPuback, 9},      {kPubrec, 9},
                          {kPubrel, 2},   {kPubcomp, 2},     {kSuback, 12},
                          {kUnsuback, 7}, {kDisconnect, 30}, {kAuth, 3}};
  for (const Count& c : counts) {
    int n = 0;
    for (int code = 0; code < 256; ++code) {
      n += is_valid_reason_code(c.type, static_cast<ReasonCode>(code));
    }
    EXPECT_EQ(n, c.codes) << "packet type " << int{c.type};
  }
}

TEST(PacketTypes, NamesAndTypeOf) {
  EXPECT_EQ(to_string(PacketType::connect), "CONNECT");
  EXPECT_EQ(to_string(PacketType::unsuback), "UNSUBACK");
  EXPECT_EQ(to_string(PacketType::auth), "AUTH");
  EXPECT_EQ(type_of(Packet{Connect{}}), PacketType::connect);
  EXPECT_EQ(type_of(Packet{Pubrel{}}), PacketType::pubrel);
  EXPECT_EQ(type_of(Packet{Pingresp{}}), PacketType::pingresp);
  EXPECT_EQ(type_of(Packet{Auth{}}), PacketType::auth);
}

}  // namespace
}  // namespace portmqtt::codec::test
