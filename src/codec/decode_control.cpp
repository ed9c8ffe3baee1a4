#include "codec/decode_families.hpp"

namespace portmqtt::codec::detail {

// MQTT 5 §3.14.2.1: Remaining Length 0 means Normal disconnection; with only a reason code,
// no properties. MQTT 3.x DISCONNECT has no variable header.
errc decode_disconnect(ByteView body, ProtocolVersion version, Disconnect& d) {
  Reader in(body);
  if (version == ProtocolVersion::v5 && !in.at_end()) {
    if (errc e = read_reason(in, PacketType::disconnect, d.reason); e != ok) return e;
    if (!in.at_end()) {
      if (errc e = in.properties(PropertyContext::disconnect, d.props); e != ok) return e;
    }
  }
  return expect_end(in);
}

// MQTT 5 §3.15.2: the same short forms as DISCONNECT.
errc decode_auth(ByteView body, Auth& a) {
  Reader in(body);
  if (!in.at_end()) {
    if (errc e = read_reason(in, PacketType::auth, a.reason); e != ok) return e;
    if (!in.at_end()) {
      if (errc e = in.properties(PropertyContext::auth, a.props); e != ok) return e;
    }
  }
  return expect_end(in);
}

}  // namespace portmqtt::codec::detail
