#include "codec/decode_families.hpp"

namespace portmqtt::codec::detail {
namespace {

// Connect Flags (MQTT 3.1.1 §3.1.2.3, MQTT 5 §3.1.2.3).
constexpr std::uint8_t kReservedFlag = 0x01;
constexpr std::uint8_t kCleanStartFlag = 0x02;
constexpr std::uint8_t kWillFlag = 0x04;
constexpr std::uint8_t kWillRetainFlag = 0x20;
constexpr std::uint8_t kPasswordFlag = 0x40;
constexpr std::uint8_t kUserNameFlag = 0x80;

std::uint8_t will_qos_of(std::uint8_t flags) {
  return static_cast<std::uint8_t>((flags >> 3) & 3);
}

errc read_protocol(Reader& in, ProtocolVersion& version) {
  std::string_view name;
  std::uint8_t level = 0;
  if (errc e = in.binary(name); e != ok) return e;
  if (name != "MQTT" && name != "MQIsdp") return errc::invalid_protocol_name;
  if (errc e = in.u8(level); e != ok) return e;
  const bool known = name == "MQIsdp" ? level == 3 : level == 4 || level == 5;
  if (!known) return errc::unsupported_protocol_version;
  version = static_cast<ProtocolVersion>(level);
  return ok;
}

errc check_flags(std::uint8_t flags, ProtocolVersion version) {
  // MQTT 3.1 left bit 0 undefined; 3.1.1 and 5 require it to be 0.
  if (version != ProtocolVersion::v3_1 && (flags & kReservedFlag) != 0) {
    return errc::invalid_connect_flags;
  }
  if (will_qos_of(flags) == 3) return errc::invalid_qos;
  const bool will = (flags & kWillFlag) != 0;
  if (!will && (will_qos_of(flags) != 0 || (flags & kWillRetainFlag) != 0)) {
    return errc::invalid_connect_flags;
  }
  // MQTT-3.1.2-22: a password needs a user name before MQTT 5 (3.1 says the same in prose).
  if (version != ProtocolVersion::v5 && (flags & kPasswordFlag) != 0 &&
      (flags & kUserNameFlag) == 0) {
    return errc::invalid_connect_flags;
  }
  return ok;
}

errc read_will(Reader& in, std::uint8_t flags, ProtocolVersion version, Will& will) {
  will.qos = static_cast<QoS>(will_qos_of(flags));
  will.retain = (flags & kWillRetainFlag) != 0;
  if (version == ProtocolVersion::v5) {
    if (errc e = in.properties(PropertyContext::will, will.props); e != ok) return e;
  }
  if (errc e = in.binary(will.topic); e != ok) return e;
  if (errc e = topic_name_error(will.topic); e != ok) return e;
  return in.binary(will.payload);
}

errc read_credentials(Reader& in, std::uint8_t flags, Connect& c) {
  if ((flags & kUserNameFlag) != 0) {
    std::string_view name;
    if (errc e = in.utf8(name); e != ok) return e;
    c.username = name;
  }
  if ((flags & kPasswordFlag) != 0) {
    std::string_view password;
    if (errc e = in.binary(password); e != ok) return e;
    c.password = password;
  }
  return ok;
}

}  // namespace

errc decode_connect(ByteView body, Connect& c) {
  Reader in(body);
  std::uint8_t flags = 0;
  if (errc e = read_protocol(in, c.version); e != ok) return e;
  if (errc e = in.u8(flags); e != ok) return e;
  if (errc e = check_flags(flags, c.version); e != ok) return e;
  c.clean_start = (flags & kCleanStartFlag) != 0;
  if (errc e = in.u16(c.keep_alive); e != ok) return e;
  if (c.version == ProtocolVersion::v5) {
    if (errc e = in.properties(PropertyContext::connect, c.props); e != ok) return e;
  }
  if (errc e = in.utf8(c.client_id); e != ok) return e;
  if ((flags & kWillFlag) != 0) {
    if (errc e = read_will(in, flags, c.version, c.will.emplace()); e != ok) return e;
  }
  if (errc e = read_credentials(in, flags, c); e != ok) return e;
  return expect_end(in);
}

errc decode_connack(ByteView body, ProtocolVersion version, Connack& c) {
  Reader in(body);
  std::uint8_t ack_flags = 0;
  std::uint8_t code = 0;
  if (errc e = in.u8(ack_flags); e != ok) return e;
  if (errc e = in.u8(code); e != ok) return e;
  // MQTT 3.1 has no Session Present: its first byte is unused. Later versions reserve bits 7-1.
  if (version != ProtocolVersion::v3_1) {
    if ((ack_flags & 0xFE) != 0) return errc::invalid_connack_flags;
    c.session_present = (ack_flags & 0x01) != 0;
  }
  if (version != ProtocolVersion::v5) {
    if (code > static_cast<std::uint8_t>(ConnectReturnCode::not_authorized)) {
      return errc::invalid_reason_code;
    }
    c.reason = to_reason_code(static_cast<ConnectReturnCode>(code));
    return expect_end(in);
  }
  c.reason = static_cast<ReasonCode>(code);
  if (!is_valid_reason_code(static_cast<std::uint8_t>(PacketType::connack), c.reason)) {
    return errc::invalid_reason_code;
  }
  if (errc e = in.properties(PropertyContext::connack, c.props); e != ok) return e;
  return expect_end(in);
}

}  // namespace portmqtt::codec::detail
