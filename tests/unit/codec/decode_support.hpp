// Helpers for the decoder's golden-byte tests: feed bytes written out by hand to decode() and
// hand back the packet, the error, or what a truncated input reports.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "codec/codec.hpp"

namespace portmqtt::codec::test {

using Bytes = std::vector<std::uint8_t>;

inline constexpr ProtocolVersion kV31 = ProtocolVersion::v3_1;
inline constexpr ProtocolVersion kV311 = ProtocolVersion::v3_1_1;
inline constexpr ProtocolVersion kV5 = ProtocolVersion::v5;

/// The two 3.x versions, whose packets are byte-for-byte the same except CONNECT and CONNACK.
inline constexpr ProtocolVersion kV3x[] = {kV31, kV311};

inline ByteView view(const Bytes& bytes) {
  return {bytes.data(), bytes.size()};
}

inline std::error_code err(errc e) {
  return make_error_code(e);
}

inline std::string version_name(ProtocolVersion v) {
  return v == kV31 ? "3.1" : v == kV311 ? "3.1.1" : "5";
}

/// Every proper prefix of a packet must report need_more: size 0 while the fixed header is
/// incomplete, the whole packet's size after. `header_size` is counted by hand.
inline void expect_need_more_for_every_prefix(const Bytes& bytes, ProtocolVersion version,
                                              std::size_t header_size) {
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const DecodeResult r = decode(ByteView{bytes.data(), n}, version);
    EXPECT_EQ(r.status, DecodeStatus::need_more) << "prefix of " << n << " bytes";
    EXPECT_EQ(r.size, n < header_size ? 0 : bytes.size()) << "prefix of " << n << " bytes";
  }
}

/// Decodes a whole packet that must be a T and use every byte. Also checks every prefix (see
/// above). The returned packet borrows from `bytes`.
template <class T>
T decode_as(const Bytes& bytes, ProtocolVersion version, std::size_t header_size = 2) {
  const DecodeResult r = decode(view(bytes), version);
  EXPECT_EQ(r.status, DecodeStatus::packet)
      << "version " << version_name(version) << ": " << r.error.message();
  EXPECT_EQ(r.size, bytes.size());
  expect_need_more_for_every_prefix(bytes, version, header_size);
  const T* packet = std::get_if<T>(&r.packet);
  if (packet == nullptr) {
    ADD_FAILURE() << "decoded another packet type: " << to_string(type_of(r.packet));
    return T{};
  }
  return *packet;
}

/// The error decoding `bytes` reports, or a default error_code (printed as "system:0") when it
/// does not fail.
inline std::error_code decode_error(const Bytes& bytes, ProtocolVersion version,
                                    const Limits& limits = {}) {
  const DecodeResult r = decode(view(bytes), version, limits);
  if (r.status != DecodeStatus::error) return {};
  return r.error;
}

}  // namespace portmqtt::codec::test
