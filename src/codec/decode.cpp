#include "codec/codec.hpp"
#include "codec/decode_families.hpp"

namespace portmqtt::codec {
namespace {

using detail::ok;

// The fixed value of the low nibble for every type but PUBLISH (MQTT §2.1.3).
constexpr std::uint8_t required_flags(PacketType type) {
  switch (type) {
    case PacketType::pubrel:
    case PacketType::subscribe:
    case PacketType::unsubscribe:
      return 0b0010;
    default:
      return 0;
  }
}

errc check_type_and_flags(std::uint8_t first_byte) {
  const auto type = static_cast<PacketType>(first_byte >> 4);
  const auto flags = static_cast<std::uint8_t>(first_byte & 0x0F);
  if (first_byte >> 4 == 0) return errc::invalid_packet_type;
  if (type != PacketType::publish && flags != required_flags(type)) return errc::reserved_flags;
  return ok;
}

// Builds the result with the packet of type T made in place and lets `fill` decode into it.
// Returned as a prvalue, the result is built directly in the caller's storage: no default
// packet to make and destroy first, no copy.
template <class T, class Fill>
DecodeResult decode_as(const FixedHeader& h, Fill fill) {
  DecodeResult r{DecodeStatus::packet, h.packet_size(), {}, Packet{std::in_place_type<T>}};
  if (const errc e = fill(*std::get_if<T>(&r.packet)); e != ok) {
    r.status = DecodeStatus::error;
    r.size = 0;
    r.error = make_error_code(e);
  }
  return r;
}

// A packet with no variable header and no payload.
template <class T>
errc decode_empty(ByteView body, T&) {
  return body.empty() ? ok : errc::trailing_bytes;
}

DecodeResult decode_body(const FixedHeader& h, ByteView body, ProtocolVersion v) {
  using namespace detail;
  switch (h.type) {
    case PacketType::connect:
      return decode_as<Connect>(h, [&](Connect& p) { return decode_connect(body, p); });
    case PacketType::connack:
      return decode_as<Connack>(h, [&](Connack& p) { return decode_connack(body, v, p); });
    case PacketType::publish:
      return decode_as<Publish>(h, [&](Publish& p) { return decode_publish(h.flags, body, v, p); });
    case PacketType::puback:
      return decode_as<Puback>(h, [&](Puback& p) { return decode_ack(body, v, p); });
    case PacketType::pubrec:
      return decode_as<Pubrec>(h, [&](Pubrec& p) { return decode_ack(body, v, p); });
    case PacketType::pubrel:
      return decode_as<Pubrel>(h, [&](Pubrel& p) { return decode_ack(body, v, p); });
    case PacketType::pubcomp:
      return decode_as<Pubcomp>(h, [&](Pubcomp& p) { return decode_ack(body, v, p); });
    case PacketType::subscribe:
      return decode_as<Subscribe>(h, [&](Subscribe& p) { return decode_subscribe(body, v, p); });
    case PacketType::suback:
      return decode_as<Suback>(h, [&](Suback& p) { return decode_suback(body, v, p); });
    case PacketType::unsubscribe:
      return decode_as<Unsubscribe>(h,
                                    [&](Unsubscribe& p) { return decode_unsubscribe(body, v, p); });
    case PacketType::unsuback:
      return decode_as<Unsuback>(h, [&](Unsuback& p) { return decode_unsuback(body, v, p); });
    case PacketType::pingreq:
      return decode_as<Pingreq>(h, [&](Pingreq& p) { return decode_empty(body, p); });
    case PacketType::pingresp:
      return decode_as<Pingresp>(h, [&](Pingresp& p) { return decode_empty(body, p); });
    case PacketType::disconnect:
      return decode_as<Disconnect>(h, [&](Disconnect& p) { return decode_disconnect(body, v, p); });
    case PacketType::auth:
      return decode_as<Auth>(h, [&](Auth& p) { return decode_auth(body, p); });
  }
  return decode_as<Connect>(h, [](Connect&) { return errc::invalid_packet_type; });
}

// The fixed header without std::error_code, shared by decode_fixed_header() and decode().
// errc::truncated means the header itself is incomplete.
inline errc parse_fixed_header(ByteView in, const Limits& limits, FixedHeader& h) {
  if (in.empty()) return errc::truncated;
  const std::uint8_t first = in[0];
  if (errc e = check_type_and_flags(first); e != ok) return e;
  std::uint8_t used = 0;
  const errc e =
      detail::read_varint(in.data() + 1, in.data() + in.size(), h.remaining_length, used);
  if (e != ok) return e;
  h.type = static_cast<PacketType>(first >> 4);
  h.flags = static_cast<std::uint8_t>(first & 0x0F);
  h.header_size = static_cast<std::uint8_t>(1 + used);
  // Enforced here, before the body has arrived, so a caller never buffers a packet it will
  // refuse.
  return h.packet_size() > limits.maximum_packet_size ? errc::packet_too_large : ok;
}

}  // namespace

FixedHeaderResult decode_fixed_header(ByteView in, const Limits& limits) {
  FixedHeaderResult r;
  const errc e = parse_fixed_header(in, limits, r.header);
  if (e == ok) {
    r.status = DecodeStatus::packet;
  } else if (e != errc::truncated) {
    r.status = DecodeStatus::error;
    r.error = make_error_code(e);
  }
  return r;
}

std::optional<ShortAck> decode_short_ack(ByteView in) {
  // First byte: type in the high nibble, flags 0000 (PUBREL, 0010, is not a ShortAck); then
  // Remaining Length 2 and a non-zero packet id (§3.4, §3.5, §3.7; §2.2.1).
  if (in.size() < 4 || in[1] != 0x02) return std::nullopt;
  const std::uint8_t first = in[0];
  if (first != 0x40 && first != 0x50 && first != 0x70) return std::nullopt;
  const auto packet_id = static_cast<std::uint16_t>((in[2] << 8) | in[3]);
  if (packet_id == 0) return std::nullopt;
  return ShortAck{static_cast<PacketType>(first >> 4), packet_id};
}

DecodeResult decode(ByteView in, ProtocolVersion version, const Limits& limits) {
  FixedHeader h;
  errc e = parse_fixed_header(in, limits, h);
  // AUTH is rejected on its first byte, like any other invalid type.
  if (!in.empty() && in[0] >> 4 == static_cast<int>(PacketType::auth) &&
      version != ProtocolVersion::v5) {
    e = errc::invalid_packet_type;
  }
  if (e == ok && in.size() >= h.packet_size()) {
    return decode_body(h, in.subspan(h.header_size, h.remaining_length), version);
  }
  DecodeResult r;
  if (e == ok) {
    r.size = h.packet_size();  // need_more, with the size to wait for
  } else if (e !=
             errc::truncated) {  // truncated: need_more, size unknown until the header is complete
    r.status = DecodeStatus::error;
    r.error = make_error_code(e);
  }
  return r;
}

}  // namespace portmqtt::codec
