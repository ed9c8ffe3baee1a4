#include "codec/decode_families.hpp"

namespace portmqtt::codec::detail {

errc decode_publish(std::uint8_t flags, ByteView body, ProtocolVersion version, Publish& p) {
  const auto qos = static_cast<std::uint8_t>((flags >> 1) & 0b11);
  const bool dup = (flags & 0b1000) != 0;
  if (qos == 3) return errc::invalid_qos;
  if (dup && qos == 0) return errc::reserved_flags;  // MQTT-3.3.1-2

  p.qos = static_cast<QoS>(qos);
  p.dup = dup;
  p.retain = (flags & 0b0001) != 0;

  Reader in(body);
  if (errc e = in.binary(p.topic); e != ok) return e;
  // An empty topic is legal only with a Topic Alias, known once the properties are read.
  if (!p.topic.empty()) {
    if (errc e = topic_name_error(p.topic); e != ok) return e;
  }
  if (qos != 0) {
    if (errc e = read_packet_id(in, p.packet_id); e != ok) return e;
  }
  if (version == ProtocolVersion::v5) {
    if (errc e = in.properties(PropertyContext::publish, p.props); e != ok) return e;
  }
  if (p.topic.empty() && p.props.find(PropertyId::topic_alias) == nullptr) {
    return errc::invalid_topic;
  }
  p.payload = in.rest();
  return ok;
}

}  // namespace portmqtt::codec::detail
