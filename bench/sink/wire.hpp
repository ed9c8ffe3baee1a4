// Byte-level MQTT framing shared by the sink broker and the raw batched peer.
//
// The benchmark programs deliberately do not use the portmqtt codec: the sink has to stay
// independent of the client it measures, and the raw peer is a hand-tuned upper bound.
#pragma once

#include <cstddef>
#include <cstdint>

namespace portmqtt::bench::wire {

/// MQTT control packet types (upper nibble of the first byte).
enum class PacketType : std::uint8_t {
  connect = 1,       ///< client -> server
  connack = 2,       ///< server -> client
  publish = 3,       ///< both directions
  puback = 4,        ///< QoS 1 acknowledgement
  pubrec = 5,        ///< QoS 2, step 1
  pubrel = 6,        ///< QoS 2, step 2
  pubcomp = 7,       ///< QoS 2, step 3
  subscribe = 8,     ///< client -> server
  suback = 9,        ///< server -> client
  unsubscribe = 10,  ///< client -> server
  unsuback = 11,     ///< server -> client
  pingreq = 12,      ///< client -> server
  pingresp = 13,     ///< server -> client
  disconnect = 14,   ///< both directions
  auth = 15,         ///< MQTT 5 enhanced authentication
};

/// Protocol levels as carried in CONNECT.
inline constexpr std::uint8_t kLevel31 = 3;
inline constexpr std::uint8_t kLevel311 = 4;
inline constexpr std::uint8_t kLevel5 = 5;

/// Largest value a four-byte Variable Byte Integer can hold (MQTT 5 §1.5.5).
inline constexpr std::uint32_t kMaxVarint = 268'435'455;

/// Outcome of decoding a prefix of a byte stream.
enum class Parse : std::uint8_t {
  ok,         ///< a value was decoded
  need_more,  ///< the input ends before the value does
  malformed,  ///< the bytes can never form a valid value
};

/// A decoded fixed header: first byte and Remaining Length.
struct FixedHeader {
  std::uint8_t first_byte = 0;  ///< type in the upper nibble, flags in the lower
  std::uint32_t remaining = 0;  ///< Remaining Length
  std::size_t header_size = 0;  ///< bytes taken by the first byte and the length
  PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
  std::uint8_t flags() const { return static_cast<std::uint8_t>(first_byte & 0x0F); }
};

/// Decodes a Variable Byte Integer from `in[0..size)`; sets `used` to its length in bytes.
inline Parse decode_varint(const std::uint8_t* in, std::size_t size, std::uint32_t& value,
                           std::size_t& used) {
  std::uint32_t result = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i == size) return Parse::need_more;
    result |= static_cast<std::uint32_t>(in[i] & 0x7F) << (7 * i);
    if ((in[i] & 0x80) == 0) {
      value = result;
      used = i + 1;
      return Parse::ok;
    }
  }
  return Parse::malformed;
}

/// Encodes `value` (at most kMaxVarint) as a Variable Byte Integer; returns the bytes written.
inline std::size_t encode_varint(std::uint32_t value, std::uint8_t* out) {
  std::size_t n = 0;
  do {
    auto byte = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
    if (value != 0) byte = static_cast<std::uint8_t>(byte | 0x80);
    out[n++] = byte;
  } while (value != 0);
  return n;
}

/// Number of bytes the Variable Byte Integer encoding of `value` takes.
inline std::size_t varint_size(std::uint32_t value) {
  if (value < 128) return 1;
  if (value < 16'384) return 2;
  if (value < 2'097'152) return 3;
  return 4;
}

/// Reads a big-endian Two Byte Integer.
inline std::uint16_t get_u16(const std::uint8_t* in) {
  return static_cast<std::uint16_t>((in[0] << 8) | in[1]);
}

/// Writes a big-endian Two Byte Integer.
inline void put_u16(std::uint8_t* out, std::uint16_t value) {
  out[0] = static_cast<std::uint8_t>(value >> 8);
  out[1] = static_cast<std::uint8_t>(value & 0xFF);
}

/// Decodes the fixed header at the start of `in[0..size)`.
inline Parse decode_fixed_header(const std::uint8_t* in, std::size_t size, FixedHeader& out) {
  if (size < 2) return Parse::need_more;
  std::size_t used = 0;
  const Parse p = decode_varint(in + 1, size - 1, out.remaining, used);
  if (p != Parse::ok) return p;
  out.first_byte = in[0];
  out.header_size = 1 + used;
  return Parse::ok;
}

/// Builds a four-byte acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK on 3.1.1).
/// A Remaining Length of 2 means "success, no properties" in MQTT 5 as well (§3.4.2.1).
inline void put_ack(std::uint8_t* out, std::uint8_t first_byte, std::uint16_t packet_id) {
  out[0] = first_byte;
  out[1] = 2;
  put_u16(out + 2, packet_id);
}

/// First bytes of the four acknowledgements; PUBREL has its reserved flag bit 1 set.
inline constexpr std::uint8_t kPubackByte = 0x40;
inline constexpr std::uint8_t kPubrecByte = 0x50;
inline constexpr std::uint8_t kPubrelByte = 0x62;
inline constexpr std::uint8_t kPubcompByte = 0x70;

}  // namespace portmqtt::bench::wire
