// PUBACK, PUBREC, PUBREL and PUBCOMP (§3.4-§3.7): one shape, four packet types.
//
// MQTT 5 lets the tail be dropped: with Success and no properties only the packet id is sent
// (§3.4.2.1), and with no properties the Property Length may be left out (§3.4.2.2). The
// shortest form is always chosen, which is also what 3.x peers expect for success.
#include <cstdint>

#include "codec/codec.hpp"
#include "codec/encoder.hpp"
#include "codec/reason_codes.hpp"

namespace portmqtt::codec {
namespace detail {
namespace {

constexpr PropertyContext context_of(PacketType type) {
  switch (type) {
    case PacketType::puback:
      return PropertyContext::puback;
    case PacketType::pubrec:
      return PropertyContext::pubrec;
    case PacketType::pubrel:
      return PropertyContext::pubrel;
    default:
      return PropertyContext::pubcomp;
  }
}

/// PUBREL's fixed header carries the reserved flags 0b0010 (§3.6.1); the others carry zero.
constexpr std::uint8_t flags_of(PacketType type) {
  return type == PacketType::pubrel ? 0x02 : 0;
}

template <PacketType Type>
PacketSize measure_ack(const Ack<Type>& packet, ProtocolVersion version) {
  if (packet.packet_id == 0) return failure(errc::zero_packet_id);
  PacketSize size;
  size.remaining = 2;
  if (!is_v5(version)) return size;
  if (packet.reason != ReasonCode::success &&
      !is_accepted_reason_code(static_cast<std::uint8_t>(Type), packet.reason)) {
    return failure(errc::invalid_reason_code);
  }
  if (!packet.props.empty()) {
    size.remaining += 1;
    add_properties(size, packet.props, context_of(Type));
  } else if (packet.reason != ReasonCode::success) {
    size.remaining += 1;
  }
  return checked(size);
}

template <PacketType Type>
void write_ack(Writer& out, const Ack<Type>& packet, ProtocolVersion version,
               const PacketSize& size) {
  write_fixed_header(out, Type, flags_of(Type), size.remaining);
  out.u16(packet.packet_id);
  if (!is_v5(version) || size.remaining == 2) return;
  out.byte(static_cast<std::uint8_t>(packet.reason));
  if (!packet.props.empty()) write_properties(out, packet.props, size.props);
}

}  // namespace

PacketSize measure(const Puback& packet, ProtocolVersion version) {
  return measure_ack(packet, version);
}
PacketSize measure(const Pubrec& packet, ProtocolVersion version) {
  return measure_ack(packet, version);
}
PacketSize measure(const Pubrel& packet, ProtocolVersion version) {
  return measure_ack(packet, version);
}
PacketSize measure(const Pubcomp& packet, ProtocolVersion version) {
  return measure_ack(packet, version);
}

}  // namespace detail

std::error_code encode(const Puback& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_ack<PacketType::puback>,
                               detail::write_ack<PacketType::puback>>(packet, version, out);
}
std::error_code encode(const Pubrec& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_ack<PacketType::pubrec>,
                               detail::write_ack<PacketType::pubrec>>(packet, version, out);
}
std::error_code encode(const Pubrel& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_ack<PacketType::pubrel>,
                               detail::write_ack<PacketType::pubrel>>(packet, version, out);
}
std::error_code encode(const Pubcomp& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_ack<PacketType::pubcomp>,
                               detail::write_ack<PacketType::pubcomp>>(packet, version, out);
}

}  // namespace portmqtt::codec
