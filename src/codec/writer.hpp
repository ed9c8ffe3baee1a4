// The only byte-level write code of the codec: big-endian integers, variable byte integers and
// length-prefixed fields, written into memory the encoder has already sized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace portmqtt::codec {

/// Bytes a variable byte integer (§1.5.5) takes for `value` (value <= kMaxRemainingLength).
constexpr std::size_t varint_size(std::size_t value) {
  if (value < 128) return 1;
  if (value < 16'384) return 2;
  if (value < 2'097'152) return 3;
  return 4;
}

/// Bytes a two-byte length prefix plus `field` take on the wire (UTF-8 string or binary data).
constexpr std::size_t prefixed_size(std::string_view field) {
  return 2 + field.size();
}

/// Largest string or binary field: its length must fit the two-byte prefix.
inline constexpr std::size_t kMaxFieldLength = 65'535;

/// Writes forward from a position in a buffer that the caller has already sized. There are no
/// bounds checks: the encoder measures the whole packet first, so every write is known to fit.
class Writer {
 public:
  explicit Writer(std::uint8_t* at) : at_(at) {}

  void byte(std::uint8_t value) { *at_++ = value; }

  void u16(std::uint16_t value) {
    at_[0] = static_cast<std::uint8_t>(value >> 8);
    at_[1] = static_cast<std::uint8_t>(value);
    at_ += 2;
  }

  void u32(std::uint32_t value) {
    at_[0] = static_cast<std::uint8_t>(value >> 24);
    at_[1] = static_cast<std::uint8_t>(value >> 16);
    at_[2] = static_cast<std::uint8_t>(value >> 8);
    at_[3] = static_cast<std::uint8_t>(value);
    at_ += 4;
  }

  /// Variable byte integer: seven bits per byte, least significant group first, high bit set on
  /// every byte but the last. `value` must not exceed kMaxRemainingLength.
  void varint(std::size_t value) {
    while (value >= 128) {
      *at_++ = static_cast<std::uint8_t>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    *at_++ = static_cast<std::uint8_t>(value);
  }

  /// A UTF-8 string or binary data field: two-byte length, then the bytes. The length must not
  /// exceed kMaxFieldLength.
  void prefixed(std::string_view field) {
    u16(static_cast<std::uint16_t>(field.size()));
    raw(field);
  }

  /// The bytes as they are, without a length.
  void raw(std::string_view bytes) {
    // memcpy with a null source is undefined even for zero bytes; an empty view may be null.
    if (!bytes.empty()) std::memcpy(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }

  /// Where the next byte goes.
  std::uint8_t* position() const { return at_; }

 private:
  std::uint8_t* at_;
};

}  // namespace portmqtt::codec
