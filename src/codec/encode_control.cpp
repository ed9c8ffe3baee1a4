// PINGREQ, PINGRESP, DISCONNECT and AUTH (§3.12-§3.15).
#include <cstdint>

#include "codec/codec.hpp"
#include "codec/encoder.hpp"
#include "codec/reason_codes.hpp"

namespace portmqtt::codec {
namespace detail {
namespace {

/// DISCONNECT and AUTH in MQTT 5: Reason Code 0x00 with no properties is sent as an empty
/// packet, and a Reason Code without properties drops the Property Length (§3.14.2.1,
/// §3.15.2.1). Both forms are the shortest a peer must accept.
PacketSize measure_reason_and_props(PacketType type, ReasonCode reason, const Properties& props,
                                    PropertyContext context) {
  const auto code = static_cast<std::uint8_t>(reason);
  if (code != 0 && !is_valid_reason_code(static_cast<std::uint8_t>(type), reason)) {
    return failure(errc::invalid_reason_code);
  }
  PacketSize size;
  if (!props.empty()) {
    size.remaining = 1;
    add_properties(size, props, context);
  } else if (code != 0) {
    size.remaining = 1;
  }
  return checked(size);
}

void write_reason_and_props(Writer& out, ReasonCode reason, const Properties& props,
                            const PacketSize& size) {
  if (size.remaining == 0) return;
  out.byte(static_cast<std::uint8_t>(reason));
  if (!props.empty()) write_properties(out, props, size.props);
}

PacketSize measure_pingreq(const Pingreq&, ProtocolVersion) {
  return PacketSize{};
}
void write_pingreq(Writer& out, const Pingreq&, ProtocolVersion, const PacketSize&) {
  write_fixed_header(out, PacketType::pingreq, 0, 0);
}

PacketSize measure_pingresp(const Pingresp&, ProtocolVersion) {
  return PacketSize{};
}
void write_pingresp(Writer& out, const Pingresp&, ProtocolVersion, const PacketSize&) {
  write_fixed_header(out, PacketType::pingresp, 0, 0);
}

// Before MQTT 5 DISCONNECT is just its fixed header.
PacketSize measure_disconnect(const Disconnect& packet, ProtocolVersion version) {
  if (!is_v5(version)) return PacketSize{};
  return measure_reason_and_props(PacketType::disconnect, packet.reason, packet.props,
                                  PropertyContext::disconnect);
}

void write_disconnect(Writer& out, const Disconnect& packet, ProtocolVersion version,
                      const PacketSize& size) {
  write_fixed_header(out, PacketType::disconnect, 0, size.remaining);
  if (is_v5(version)) write_reason_and_props(out, packet.reason, packet.props, size);
}

PacketSize measure_auth(const Auth& packet, ProtocolVersion version) {
  if (!is_v5(version)) return failure(errc::invalid_packet_type);
  return measure_reason_and_props(PacketType::auth, packet.reason, packet.props,
                                  PropertyContext::auth);
}

void write_auth(Writer& out, const Auth& packet, ProtocolVersion, const PacketSize& size) {
  write_fixed_header(out, PacketType::auth, 0, size.remaining);
  write_reason_and_props(out, packet.reason, packet.props, size);
}

}  // namespace

PacketSize measure(const Pingreq& packet, ProtocolVersion version) {
  return measure_pingreq(packet, version);
}
PacketSize measure(const Pingresp& packet, ProtocolVersion version) {
  return measure_pingresp(packet, version);
}
PacketSize measure(const Disconnect& packet, ProtocolVersion version) {
  return measure_disconnect(packet, version);
}
PacketSize measure(const Auth& packet, ProtocolVersion version) {
  return measure_auth(packet, version);
}

}  // namespace detail

std::error_code encode(const Pingreq& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_pingreq, detail::write_pingreq>(packet, version,
                                                                               out);
}
std::error_code encode(const Pingresp& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_pingresp, detail::write_pingresp>(packet, version,
                                                                                 out);
}
std::error_code encode(const Disconnect& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_disconnect, detail::write_disconnect>(packet,
                                                                                     version, out);
}
std::error_code encode(const Auth& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_auth, detail::write_auth>(packet, version, out);
}

}  // namespace portmqtt::codec
