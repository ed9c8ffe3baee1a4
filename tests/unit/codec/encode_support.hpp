// Helpers for the encoder's golden-byte tests: encode through every entry point and compare
// the result, printed as hex, with bytes written out by hand.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "codec/codec.hpp"

namespace portmqtt::codec::test {

/// "30 07 00 03 ..." so that a mismatch shows which byte differs.
inline std::string hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (const std::uint8_t b : bytes) {
    if (!text.empty()) text += ' ';
    text += kDigits[b >> 4];
    text += kDigits[b & 0x0F];
  }
  return text;
}

inline std::string hex(std::initializer_list<std::uint8_t> bytes) {
  return hex(ByteView{bytes.begin(), bytes.size()});
}

/// Encodes `packet` with its own overload and returns the bytes as hex. Also checks that the
/// Packet variant overload and encoded_size() agree, so every golden test covers all three.
template <class P>
std::string encode_hex(const P& packet, ProtocolVersion version) {
  Buffer direct;
  const std::error_code error = encode(packet, version, direct);
  EXPECT_FALSE(error) << error.message();

  const Packet variant{packet};
  Buffer via_variant;
  EXPECT_FALSE(encode(variant, version, via_variant));
  EXPECT_EQ(hex(via_variant.view()), hex(direct.view()));
  EXPECT_EQ(encoded_size(variant, version), direct.size());
  return hex(direct.view());
}

/// Encodes a packet expected to fail into a buffer that already holds bytes, checks that
/// nothing was appended and that encoded_size() reports 0, and returns the error.
template <class P>
std::error_code encode_error(const P& packet, ProtocolVersion version) {
  static constexpr std::uint8_t kEarlier[] = {0xAA, 0xBB};
  Buffer out;
  out.append(ByteView{kEarlier});
  const std::error_code error = encode(packet, version, out);
  EXPECT_EQ(hex(out.view()), "aa bb") << "a failed encode appended bytes";

  const Packet variant{packet};
  EXPECT_EQ(encode(variant, version, out), error);
  EXPECT_EQ(out.size(), 2U);
  EXPECT_EQ(encoded_size(variant, version), 0U);
  return error;
}

/// A string of `n` copies of `c`.
inline std::string filled(std::size_t n, char c = 'x') {
  return std::string(n, c);
}

inline constexpr ProtocolVersion kV31 = ProtocolVersion::v3_1;
inline constexpr ProtocolVersion kV311 = ProtocolVersion::v3_1_1;
inline constexpr ProtocolVersion kV5 = ProtocolVersion::v5;

}  // namespace portmqtt::codec::test
