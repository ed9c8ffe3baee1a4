// PUBLISH (§3.3). The hot path of the library: a QoS 0 PUBLISH on 3.1.1 is measured with a
// few comparisons and written with two copies.
#include <cstdint>

#include "codec/codec.hpp"
#include "codec/encoder.hpp"

namespace portmqtt::codec {
namespace detail {
namespace {

PacketSize measure_publish(const Publish& packet, ProtocolVersion version) {
  if (!is_valid_qos(packet.qos)) return failure(errc::invalid_qos);
  const bool has_packet_id = packet.qos != QoS::at_most_once;
  if (has_packet_id && packet.packet_id == 0) return failure(errc::zero_packet_id);
  // A QoS 0 message is never redelivered, so it cannot be a duplicate (MQTT-3.3.1-2).
  if (!has_packet_id && packet.dup) return failure(errc::reserved_flags);
  if (!fits_prefix(packet.topic)) return failure(errc::string_too_long);
  // An empty topic name is only meaningful in MQTT 5, standing in for a Topic Alias.
  if (packet.topic.empty() &&
      (!is_v5(version) || packet.props.find(PropertyId::topic_alias) == nullptr)) {
    return failure(errc::invalid_topic);
  }

  PacketSize size;
  size.remaining = prefixed_size(packet.topic) + (has_packet_id ? 2 : 0) + packet.payload.size();
  if (is_v5(version)) add_properties(size, packet.props, PropertyContext::publish);
  return checked(size);
}

void write_publish(Writer& out, const Publish& packet, ProtocolVersion version,
                   const PacketSize& size) {
  const auto qos = static_cast<std::uint8_t>(packet.qos);
  const auto flags =
      static_cast<std::uint8_t>((packet.dup ? 0x08 : 0) | qos << 1 | (packet.retain ? 0x01 : 0));
  write_fixed_header(out, PacketType::publish, flags, size.remaining);
  out.prefixed(packet.topic);
  if (qos != 0) out.u16(packet.packet_id);
  if (is_v5(version)) write_properties(out, packet.props, size.props);
  out.raw(packet.payload);
}

}  // namespace

PacketSize measure(const Publish& packet, ProtocolVersion version) {
  return measure_publish(packet, version);
}

}  // namespace detail

std::error_code encode(const Publish& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_publish, detail::write_publish>(packet, version,
                                                                               out);
}

}  // namespace portmqtt::codec
