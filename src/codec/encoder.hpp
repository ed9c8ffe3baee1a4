// Shared machinery of the encode_*.cpp files: every packet is first measured (which also
// validates it) and then written in one pass into memory appended to the Buffer once.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include "codec/buffer.hpp"
#include "codec/errc.hpp"
#include "codec/packet.hpp"
#include "codec/properties.hpp"
#include "codec/types.hpp"
#include "codec/writer.hpp"

namespace portmqtt::codec::detail {

/// The result of measuring a packet: why it cannot be encoded, or the lengths the writer needs.
struct PacketSize {
  errc error{};                ///< errc{} (zero) when the packet can be encoded
  std::size_t remaining = 0;   ///< Remaining Length of the fixed header
  std::size_t props = 0;       ///< length of the packet's property list (MQTT 5)
  std::size_t will_props = 0;  ///< length of the will properties (CONNECT, MQTT 5)

  bool ok() const { return error == errc{}; }
};

inline PacketSize failure(errc error) {
  PacketSize size;
  size.error = error;
  return size;
}

/// Whole-packet size for a Remaining Length: type byte, length bytes, the rest.
constexpr std::size_t packet_size(std::size_t remaining) {
  return 1 + varint_size(remaining) + remaining;
}

/// Applies the one limit every packet shares: the Remaining Length must fit four varint bytes.
inline PacketSize checked(PacketSize size) {
  if (size.ok() && size.remaining > kMaxRemainingLength) size.error = errc::value_out_of_range;
  return size;
}

inline bool is_v5(ProtocolVersion version) {
  return version == ProtocolVersion::v5;
}
inline bool is_valid_qos(QoS qos) {
  return static_cast<std::uint8_t>(qos) <= 2;
}
inline bool fits_prefix(std::string_view field) {
  return field.size() <= kMaxFieldLength;
}

/// Length of a property list (the part after its Property Length), or why it cannot be
/// encoded in `context`: unknown id, not allowed there, repeated single-use property, a value
/// too large for its wire type.
struct PropertiesSize {
  errc error{};
  std::size_t length = 0;
};
PropertiesSize measure_properties(const Properties& props, PropertyContext context);
/// Writes every property of a non-empty list, in order, without the Property Length.
void write_property_items(Writer& out, const Properties& props);

/// Writes Property Length then the properties. `length` is from measure_properties. Most
/// packets carry none, so that case stays inline.
inline void write_properties(Writer& out, const Properties& props, std::size_t length) {
  out.varint(length);
  if (!props.empty()) write_property_items(out, props);
}

/// Adds a property list with its Property Length prefix to `size` (into `size.props`).
inline void add_properties(PacketSize& size, const Properties& props, PropertyContext context) {
  if (props.empty()) {
    size.remaining += 1;  // Property Length 0
    return;
  }
  const PropertiesSize measured = measure_properties(props, context);
  if (measured.error != errc{}) {
    size.error = measured.error;
    return;
  }
  size.props = measured.length;
  size.remaining += varint_size(measured.length) + measured.length;
}

/// Writes the fixed header: type and flags in one byte, then the Remaining Length.
inline void write_fixed_header(Writer& out, PacketType type, std::uint8_t flags,
                               std::size_t remaining) {
  out.byte(static_cast<std::uint8_t>(static_cast<std::uint8_t>(type) << 4 | flags));
  out.varint(remaining);
}

// The measure step of every packet type, defined in the encode_<family>.cpp files next to the
// matching write step. encoded_size() uses these; encode() inlines both steps instead.
PacketSize measure(const Connect& packet, ProtocolVersion version);
PacketSize measure(const Connack& packet, ProtocolVersion version);
PacketSize measure(const Publish& packet, ProtocolVersion version);
PacketSize measure(const Puback& packet, ProtocolVersion version);
PacketSize measure(const Pubrec& packet, ProtocolVersion version);
PacketSize measure(const Pubrel& packet, ProtocolVersion version);
PacketSize measure(const Pubcomp& packet, ProtocolVersion version);
PacketSize measure(const Subscribe& packet, ProtocolVersion version);
PacketSize measure(const Suback& packet, ProtocolVersion version);
PacketSize measure(const Unsubscribe& packet, ProtocolVersion version);
PacketSize measure(const Unsuback& packet, ProtocolVersion version);
PacketSize measure(const Pingreq& packet, ProtocolVersion version);
PacketSize measure(const Pingresp& packet, ProtocolVersion version);
PacketSize measure(const Disconnect& packet, ProtocolVersion version);
PacketSize measure(const Auth& packet, ProtocolVersion version);

/// The success value, made once: a default std::error_code calls std::system_category()
/// out of line, which shows on a 20 ns encode.
inline const std::error_code& no_error() {
  static const std::error_code none;
  return none;
}

/// Measure, fail without touching `out`, or append the exact size once and write it. `Measure`
/// and `Write` are the family file's own functions, passed as template arguments so that the
/// compiler inlines them into each encode() overload.
template <auto Measure, auto Write, class P>
std::error_code encode_packet(const P& packet, ProtocolVersion version, Buffer& out) {
  const PacketSize size = Measure(packet, version);
  if (!size.ok()) [[unlikely]] {
    return make_error_code(size.error);
  }
  const std::size_t total = packet_size(size.remaining);
  std::uint8_t* const start = out.append(total);
  Writer writer(start);
  Write(writer, packet, version, size);
  assert(writer.position() == start + total && "measure and write disagree");
  return no_error();
}

}  // namespace portmqtt::codec::detail
