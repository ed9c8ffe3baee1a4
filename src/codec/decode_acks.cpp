#include "codec/decode_families.hpp"

namespace portmqtt::codec::detail {
namespace {

// The variable header after the packet id. MQTT 5 §3.4.2.1: a Remaining Length of 2 means
// Success without properties; with a reason code and nothing else, no properties.
template <PacketType Type>
errc decode_ack_of(ByteView body, ProtocolVersion version, PropertyContext context,
                   Ack<Type>& ack) {
  Reader in(body);
  if (errc e = read_packet_id(in, ack.packet_id); e != ok) return e;
  if (version == ProtocolVersion::v5 && !in.at_end()) {
    if (errc e = read_reason(in, Type, ack.reason); e != ok) return e;
    if (!in.at_end()) {
      if (errc e = in.properties(context, ack.props); e != ok) return e;
    }
  }
  return expect_end(in);
}

}  // namespace

errc decode_ack(ByteView body, ProtocolVersion version, Puback& out) {
  return decode_ack_of(body, version, PropertyContext::puback, out);
}
errc decode_ack(ByteView body, ProtocolVersion version, Pubrec& out) {
  return decode_ack_of(body, version, PropertyContext::pubrec, out);
}
errc decode_ack(ByteView body, ProtocolVersion version, Pubrel& out) {
  return decode_ack_of(body, version, PropertyContext::pubrel, out);
}
errc decode_ack(ByteView body, ProtocolVersion version, Pubcomp& out) {
  return decode_ack_of(body, version, PropertyContext::pubcomp, out);
}

}  // namespace portmqtt::codec::detail
