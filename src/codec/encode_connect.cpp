// CONNECT and CONNACK (§3.1, §3.2) for MQTT 3.1, 3.1.1 and 5.
#include <cstdint>
#include <optional>
#include <string_view>

#include "codec/codec.hpp"
#include "codec/encoder.hpp"
#include "codec/reason_codes.hpp"

namespace portmqtt::codec {
namespace detail {
namespace {

// Connect Flags bits (§3.1.2.3).
constexpr std::uint8_t kUserNameFlag = 0x80;
constexpr std::uint8_t kPasswordFlag = 0x40;
constexpr std::uint8_t kWillRetainFlag = 0x20;
constexpr std::uint8_t kWillFlag = 0x04;
constexpr std::uint8_t kCleanStartFlag = 0x02;
constexpr int kWillQosShift = 3;

/// MQTT 3.1 names its protocol "MQIsdp"; 3.1.1 and 5 call it "MQTT".
constexpr std::string_view protocol_name(ProtocolVersion version) {
  return version == ProtocolVersion::v3_1 ? "MQIsdp" : "MQTT";
}

bool is_known_version(ProtocolVersion version) {
  return version == ProtocolVersion::v3_1 || version == ProtocolVersion::v3_1_1 ||
         version == ProtocolVersion::v5;
}

/// Adds an optional length-prefixed field; false when it is too long for its prefix.
bool add_optional(std::size_t& remaining, const std::optional<std::string_view>& field) {
  if (!field) return true;
  if (!fits_prefix(*field)) return false;
  remaining += prefixed_size(*field);
  return true;
}

/// Will properties (MQTT 5), will topic and will payload.
PacketSize measure_will(const Will& will, ProtocolVersion version) {
  if (!is_valid_qos(will.qos)) return failure(errc::invalid_qos);
  if (!fits_prefix(will.topic) || !fits_prefix(will.payload)) {
    return failure(errc::string_too_long);
  }
  PacketSize size;
  if (is_v5(version)) {
    const PropertiesSize props = measure_properties(will.props, PropertyContext::will);
    if (props.error != errc{}) return failure(props.error);
    size.will_props = props.length;
    size.remaining += varint_size(props.length) + props.length;
  }
  size.remaining += prefixed_size(will.topic) + prefixed_size(will.payload);
  return size;
}

std::uint8_t connect_flags(const Connect& packet) {
  unsigned flags = packet.clean_start ? kCleanStartFlag : 0U;
  if (packet.will) {
    flags |= kWillFlag | static_cast<unsigned>(packet.will->qos) << kWillQosShift;
    if (packet.will->retain) flags |= kWillRetainFlag;
  }
  if (packet.username) flags |= kUserNameFlag;
  if (packet.password) flags |= kPasswordFlag;
  return static_cast<std::uint8_t>(flags);
}

// The CONNECT carries its own version; the connection's version is not yet agreed.
PacketSize measure_connect(const Connect& packet, ProtocolVersion) {
  const ProtocolVersion version = packet.version;
  if (!is_known_version(version)) return failure(errc::unsupported_protocol_version);
  // MQTT 3.x allows a password only together with a user name (3.1.1 §3.1.2.9).
  if (!is_v5(version) && packet.password && !packet.username) {
    return failure(errc::invalid_connect_flags);
  }
  if (!fits_prefix(packet.client_id)) return failure(errc::string_too_long);

  PacketSize size;
  // Protocol name, level, flags, keep alive.
  size.remaining = prefixed_size(protocol_name(version)) + 1 + 1 + 2;
  if (is_v5(version)) {
    add_properties(size, packet.props, PropertyContext::connect);
    if (!size.ok()) return size;
  }
  size.remaining += prefixed_size(packet.client_id);
  if (packet.will) {
    const PacketSize will = measure_will(*packet.will, version);
    if (!will.ok()) return will;
    size.will_props = will.will_props;
    size.remaining += will.remaining;
  }
  if (!add_optional(size.remaining, packet.username) ||
      !add_optional(size.remaining, packet.password)) {
    return failure(errc::string_too_long);
  }
  return checked(size);
}

void write_connect(Writer& out, const Connect& packet, ProtocolVersion, const PacketSize& size) {
  const ProtocolVersion version = packet.version;
  write_fixed_header(out, PacketType::connect, 0, size.remaining);
  out.prefixed(protocol_name(version));
  out.byte(static_cast<std::uint8_t>(version));
  out.byte(connect_flags(packet));
  out.u16(packet.keep_alive);
  if (is_v5(version)) write_properties(out, packet.props, size.props);
  out.prefixed(packet.client_id);
  if (packet.will) {
    if (is_v5(version)) write_properties(out, packet.will->props, size.will_props);
    out.prefixed(packet.will->topic);
    out.prefixed(packet.will->payload);
  }
  if (packet.username) out.prefixed(*packet.username);
  if (packet.password) out.prefixed(*packet.password);
}

// MQTT 3.x carries a return code; the ReasonCode is mapped back to it (and must have one).
PacketSize measure_connack(const Connack& packet, ProtocolVersion version) {
  PacketSize size;
  size.remaining = 2;  // acknowledge flags, return/reason code
  if (!is_v5(version)) {
    if (!to_connect_return_code(packet.reason)) return failure(errc::invalid_reason_code);
    return size;
  }
  if (!is_valid_reason_code(static_cast<std::uint8_t>(PacketType::connack), packet.reason)) {
    return failure(errc::invalid_reason_code);
  }
  add_properties(size, packet.props, PropertyContext::connack);
  return checked(size);
}

void write_connack(Writer& out, const Connack& packet, ProtocolVersion version,
                   const PacketSize& size) {
  write_fixed_header(out, PacketType::connack, 0, size.remaining);
  // MQTT 3.1 has no Session Present flag: its first byte is reserved and zero.
  const bool session_present = packet.session_present && version != ProtocolVersion::v3_1;
  out.byte(session_present ? 0x01 : 0x00);
  if (!is_v5(version)) {
    out.byte(static_cast<std::uint8_t>(*to_connect_return_code(packet.reason)));
    return;
  }
  out.byte(static_cast<std::uint8_t>(packet.reason));
  write_properties(out, packet.props, size.props);
}

}  // namespace

PacketSize measure(const Connect& packet, ProtocolVersion version) {
  return measure_connect(packet, version);
}
PacketSize measure(const Connack& packet, ProtocolVersion version) {
  return measure_connack(packet, version);
}

}  // namespace detail

std::error_code encode(const Connect& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_connect, detail::write_connect>(packet, version,
                                                                               out);
}
std::error_code encode(const Connack& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_connack, detail::write_connack>(packet, version,
                                                                               out);
}

}  // namespace portmqtt::codec
