// The byte-level reading code of the decoder: a bounds-checked cursor over one packet's bytes.
//
// Internal to the codec. Every read checks the bytes left before touching them, so a decoder
// built on Reader cannot read past its input whatever the input says. Reads report an errc
// where errc{} (`ok`) means success: errc's enumerators start at 1, and a plain enum keeps the
// hot path free of std::error_code construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "codec/errc.hpp"
#include "codec/properties.hpp"
#include "codec/types.hpp"

namespace portmqtt::codec::detail {

/// Success for functions that return an errc.
inline constexpr errc ok{};

/// Decodes a variable byte integer (MQTT §1.5.5) at [p, end). On success stores the value and
/// the number of bytes used. Returns errc::truncated when the input ends inside the integer and
/// errc::malformed_remaining_length for a fifth byte or a non-minimal encoding.
inline errc read_varint(const std::uint8_t* p, const std::uint8_t* end, std::uint32_t& value,
                        std::uint8_t& used) {
  if (p != end && *p < 0x80) {  // the common one-byte case
    value = *p;
    used = 1;
    return ok;
  }
  std::uint32_t result = 0;
  for (std::uint8_t i = 0; i < 4; ++i) {
    if (p + i == end) return errc::truncated;
    const std::uint8_t byte = p[i];
    result |= std::uint32_t{byte & 0x7FU} << (7U * i);
    if ((byte & 0x80U) == 0) {
      // A last byte of 0 after a continuation byte adds nothing: a shorter encoding exists.
      if (byte == 0 && i > 0) return errc::malformed_remaining_length;
      value = result;
      used = static_cast<std::uint8_t>(i + 1);
      return ok;
    }
  }
  return errc::malformed_remaining_length;
}

/// What one pass over a string found, for the common case of plain ASCII.
struct AsciiScan {
  bool plain = true;      ///< every byte in U+0001..U+007F
  bool wildcard = false;  ///< a '+' or '#' among them (meaningful when plain)
};

// Eight bytes at a time with the classic zero-byte test: (v - 0x01..) & ~v has a byte's top bit
// set for a zero byte and never for a word without one. '+' (0x2B) and '#' (0x23) differ only
// in bit 3, so setting that bit and xor-ing with '+' turns both into zero bytes in one step.
inline constexpr std::uint64_t kOnes = 0x0101'0101'0101'0101;
inline constexpr std::uint64_t kHighBits = 0x8080'8080'8080'8080;

/// The last 1..7 bytes of a string as one word, padded with 'a' (a byte every check passes).
/// Overlapping loads cover every byte, some twice, which is harmless for "is any byte X".
inline std::uint64_t load_tail(const char* p, std::size_t n) {
  if (n >= 4) {
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | (std::uint64_t{hi} << 32);
  }
  const auto byte = [&](std::size_t k) { return std::uint64_t{static_cast<unsigned char>(p[k])}; };
  return (kOnes * 'a' & ~std::uint64_t{0xFF'FFFF}) | byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16;
}

inline AsciiScan scan_ascii(std::string_view s) {
  std::uint64_t any = 0;   // or of all bytes: top bits tell of non-ASCII
  std::uint64_t zero = 0;  // top bits tell of a NUL
  std::uint64_t wild = 0;  // top bits tell of '+' or '#'
  const auto scan = [&](std::uint64_t v) {
    any |= v;
    zero |= (v - kOnes) & ~v;
    const std::uint64_t w = (v | kOnes * 0x08) ^ (kOnes * '+');
    wild |= (w - kOnes) & ~w;
  };
  const std::size_t whole = s.size() / 8 * 8;
  for (std::size_t i = 0; i < whole; i += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, s.data() + i, 8);
    scan(v);
  }
  if (whole != s.size()) scan(load_tail(s.data() + whole, s.size() - whole));
  return {((any | zero) & kHighBits) == 0, (wild & kHighBits) != 0};
}

/// Checks a UTF-8 string per MQTT §1.5.4: well-formed (no overlong forms, no surrogates,
/// nothing above U+10FFFF) and free of U+0000. Does not check the 65535-byte limit.
errc utf8_error(std::string_view s);
/// topic_name_error() for strings that are not plain ASCII.
errc non_ascii_topic_name_error(std::string_view topic);
/// utf8_error() plus the rules for a PUBLISH topic name: non-empty, no '+' or '#'. Inline
/// because every PUBLISH goes through it.
inline errc topic_name_error(std::string_view topic) {
  if (topic.empty()) return errc::invalid_topic;
  const AsciiScan scan = scan_ascii(topic);
  if (scan.plain) return scan.wildcard ? errc::wildcard_in_topic : ok;
  return non_ascii_topic_name_error(topic);
}
/// utf8_error() plus the rules for a topic filter, shared filters included.
errc topic_filter_error(std::string_view filter);

/// A cursor over bytes that refuses to move past its end.
class Reader {
 public:
  Reader() = default;
  explicit Reader(ByteView in) : pos_(in.data()), end_(in.data() + in.size()) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - pos_); }
  bool at_end() const { return pos_ == end_; }

  errc u8(std::uint8_t& out) {
    if (pos_ == end_) return errc::truncated;
    out = *pos_++;
    return ok;
  }

  errc u16(std::uint16_t& out) {
    if (remaining() < 2) return errc::truncated;
    out = static_cast<std::uint16_t>((pos_[0] << 8) | pos_[1]);
    pos_ += 2;
    return ok;
  }

  errc u32(std::uint32_t& out) {
    if (remaining() < 4) return errc::truncated;
    out = (std::uint32_t{pos_[0]} << 24) | (std::uint32_t{pos_[1]} << 16) |
          (std::uint32_t{pos_[2]} << 8) | std::uint32_t{pos_[3]};
    pos_ += 4;
    return ok;
  }

  errc varint(std::uint32_t& out) {
    std::uint8_t used = 0;
    const errc e = read_varint(pos_, end_, out, used);
    if (e == ok) pos_ += used;
    return e;
  }

  /// The next `n` bytes as a view.
  errc bytes(std::size_t n, std::string_view& out) {
    if (remaining() < n) return errc::truncated;
    out = std::string_view(reinterpret_cast<const char*>(pos_), n);
    pos_ += n;
    return ok;
  }

  /// Everything left, as a view (a PUBLISH payload).
  std::string_view rest() {
    std::string_view out(reinterpret_cast<const char*>(pos_), remaining());
    pos_ = end_;
    return out;
  }

  /// Binary Data: a two-byte length and that many bytes of anything.
  errc binary(std::string_view& out) {
    std::uint16_t length = 0;
    if (errc e = u16(length); e != ok) return e;
    return bytes(length, out);
  }

  /// A UTF-8 Encoded String, validated.
  errc utf8(std::string_view& out) {
    if (errc e = binary(out); e != ok) return e;
    return utf8_error(out);
  }

  /// A UTF-8 String Pair (User Property).
  errc string_pair(std::string_view& name, std::string_view& value) {
    if (errc e = utf8(name); e != ok) return e;
    return utf8(value);
  }

  /// Splits the next `n` bytes off into their own reader.
  errc split(std::size_t n, Reader& out) {
    if (remaining() < n) return errc::truncated;
    out.pos_ = pos_;
    out.end_ = pos_ + n;
    pos_ += n;
    return ok;
  }

  /// An MQTT 5 property block (length, then properties) for a packet of the given context,
  /// validated: known identifiers allowed there, single-use ones at most once, legal values.
  errc properties(PropertyContext context, Properties& out);

 private:
  const std::uint8_t* pos_ = nullptr;
  const std::uint8_t* end_ = nullptr;
};

}  // namespace portmqtt::codec::detail
