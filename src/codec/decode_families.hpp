// Internal to the codec: one decoder per packet family, called by decode() once the whole
// packet is in the input. Each gets the packet's body (the bytes after the fixed header) and
// a freshly made packet of its type to fill, and returns errc{} on success. The fixed header's
// flags have been checked for every type but PUBLISH, whose flags carry meaning.
#pragma once

#include <cstdint>

#include "codec/codec.hpp"
#include "codec/reader.hpp"

namespace portmqtt::codec::detail {

errc decode_connect(ByteView body, Connect& out);
errc decode_connack(ByteView body, ProtocolVersion version, Connack& out);
errc decode_publish(std::uint8_t flags, ByteView body, ProtocolVersion version, Publish& out);
errc decode_ack(ByteView body, ProtocolVersion version, Puback& out);
errc decode_ack(ByteView body, ProtocolVersion version, Pubrec& out);
errc decode_ack(ByteView body, ProtocolVersion version, Pubrel& out);
errc decode_ack(ByteView body, ProtocolVersion version, Pubcomp& out);
errc decode_subscribe(ByteView body, ProtocolVersion version, Subscribe& out);
errc decode_suback(ByteView body, ProtocolVersion version, Suback& out);
errc decode_unsubscribe(ByteView body, ProtocolVersion version, Unsubscribe& out);
errc decode_unsuback(ByteView body, ProtocolVersion version, Unsuback& out);
errc decode_disconnect(ByteView body, ProtocolVersion version, Disconnect& out);
errc decode_auth(ByteView body, Auth& out);

/// The packet identifier that starts the variable header of most packets: present and non-zero.
inline errc read_packet_id(Reader& in, std::uint16_t& id) {
  if (errc e = in.u16(id); e != ok) return e;
  return id != 0 ? ok : errc::zero_packet_id;
}

/// errc::trailing_bytes unless the reader has consumed everything.
inline errc expect_end(const Reader& in) {
  return in.at_end() ? ok : errc::trailing_bytes;
}

/// A reason code read from the wire, checked against the MQTT 5 §2.4 table for `type` (with
/// the failure codes tolerated on PUBACK/PUBREC, see is_accepted_reason_code).
inline errc read_reason(Reader& in, PacketType type, ReasonCode& out) {
  std::uint8_t raw = 0;
  if (errc e = in.u8(raw); e != ok) return e;
  out = static_cast<ReasonCode>(raw);
  return is_accepted_reason_code(static_cast<std::uint8_t>(type), out) ? ok
                                                                       : errc::invalid_reason_code;
}

}  // namespace portmqtt::codec::detail
