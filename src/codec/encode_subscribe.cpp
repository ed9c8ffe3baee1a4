// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (§3.8-§3.11).
#include <cstdint>

#include "codec/codec.hpp"
#include "codec/encoder.hpp"
#include "codec/reason_codes.hpp"

namespace portmqtt::codec {
namespace detail {
namespace {

/// SUBSCRIBE and UNSUBSCRIBE carry the reserved fixed-header flags 0b0010 (§3.8.1, §3.10.1).
constexpr std::uint8_t kSubscribeFlags = 0x02;

/// Packet id, then the property list in MQTT 5: the variable header all four packets share.
PacketSize measure_header(std::uint16_t packet_id, const Properties& props, PropertyContext context,
                          ProtocolVersion version) {
  if (packet_id == 0) return failure(errc::zero_packet_id);
  PacketSize size;
  size.remaining = 2;
  if (is_v5(version)) add_properties(size, props, context);
  return size;
}

void write_header(Writer& out, std::uint16_t packet_id, const Properties& props,
                  ProtocolVersion version, const PacketSize& size) {
  out.u16(packet_id);
  if (is_v5(version)) write_properties(out, props, size.props);
}

/// The options byte (§3.8.3.1). MQTT 3.x has only the QoS bits; the rest are reserved there.
std::uint8_t options_byte(const SubscribeOptions& options, ProtocolVersion version) {
  auto bits = static_cast<unsigned>(options.max_qos);
  if (is_v5(version)) {
    bits |= (options.no_local ? 0x04U : 0U) | (options.retain_as_published ? 0x08U : 0U) |
            static_cast<unsigned>(options.retain_handling) << 4;
  }
  return static_cast<std::uint8_t>(bits);
}

errc check_options(const SubscribeOptions& options, ProtocolVersion version) {
  if (!is_valid_qos(options.max_qos)) return errc::invalid_qos;
  if (is_v5(version) && static_cast<std::uint8_t>(options.retain_handling) > 2) {
    return errc::invalid_subscription_options;
  }
  return errc{};
}

/// SUBACK return codes in 3.x are the granted QoS or 0x80 (Failure, MQTT 3.1.1 §3.9.3).
bool is_v3_suback_code(ReasonCode code) {
  const auto value = static_cast<std::uint8_t>(code);
  return value <= 2 || code == ReasonCode::unspecified_error;
}

errc check_reasons(const std::vector<ReasonCode>& reasons, PacketType type,
                   ProtocolVersion version) {
  for (const ReasonCode reason : reasons) {
    const bool valid = is_v5(version)
                           ? is_valid_reason_code(static_cast<std::uint8_t>(type), reason)
                           : is_v3_suback_code(reason);
    if (!valid) return errc::invalid_reason_code;
  }
  return errc{};
}

void write_reasons(Writer& out, const std::vector<ReasonCode>& reasons) {
  for (const ReasonCode reason : reasons)
    out.byte(static_cast<std::uint8_t>(reason));
}

PacketSize measure_subscribe(const Subscribe& packet, ProtocolVersion version) {
  if (packet.subscriptions.empty()) return failure(errc::empty_subscription_list);
  PacketSize size =
      measure_header(packet.packet_id, packet.props, PropertyContext::subscribe, version);
  if (!size.ok()) return size;
  for (const Subscription& s : packet.subscriptions) {
    if (!fits_prefix(s.filter)) return failure(errc::string_too_long);
    if (const errc error = check_options(s.options, version); error != errc{}) {
      return failure(error);
    }
    size.remaining += prefixed_size(s.filter) + 1;
  }
  return checked(size);
}

void write_subscribe(Writer& out, const Subscribe& packet, ProtocolVersion version,
                     const PacketSize& size) {
  write_fixed_header(out, PacketType::subscribe, kSubscribeFlags, size.remaining);
  write_header(out, packet.packet_id, packet.props, version, size);
  for (const Subscription& s : packet.subscriptions) {
    out.prefixed(s.filter);
    out.byte(options_byte(s.options, version));
  }
}

// An acknowledgement carries one code per filter of its request, so at least one.
PacketSize measure_suback(const Suback& packet, ProtocolVersion version) {
  if (packet.reasons.empty()) return failure(errc::empty_subscription_list);
  PacketSize size =
      measure_header(packet.packet_id, packet.props, PropertyContext::suback, version);
  if (!size.ok()) return size;
  if (const errc error = check_reasons(packet.reasons, PacketType::suback, version);
      error != errc{}) {
    return failure(error);
  }
  size.remaining += packet.reasons.size();
  return checked(size);
}

void write_suback(Writer& out, const Suback& packet, ProtocolVersion version,
                  const PacketSize& size) {
  write_fixed_header(out, PacketType::suback, 0, size.remaining);
  write_header(out, packet.packet_id, packet.props, version, size);
  write_reasons(out, packet.reasons);
}

PacketSize measure_unsubscribe(const Unsubscribe& packet, ProtocolVersion version) {
  if (packet.filters.empty()) return failure(errc::empty_subscription_list);
  PacketSize size =
      measure_header(packet.packet_id, packet.props, PropertyContext::unsubscribe, version);
  if (!size.ok()) return size;
  for (const std::string_view filter : packet.filters) {
    if (!fits_prefix(filter)) return failure(errc::string_too_long);
    size.remaining += prefixed_size(filter);
  }
  return checked(size);
}

void write_unsubscribe(Writer& out, const Unsubscribe& packet, ProtocolVersion version,
                       const PacketSize& size) {
  write_fixed_header(out, PacketType::unsubscribe, kSubscribeFlags, size.remaining);
  write_header(out, packet.packet_id, packet.props, version, size);
  for (const std::string_view filter : packet.filters)
    out.prefixed(filter);
}

// UNSUBACK has no payload before MQTT 5, so its reason codes are dropped there.
PacketSize measure_unsuback(const Unsuback& packet, ProtocolVersion version) {
  PacketSize size =
      measure_header(packet.packet_id, packet.props, PropertyContext::unsuback, version);
  if (!size.ok() || !is_v5(version)) return size;
  if (packet.reasons.empty()) return failure(errc::empty_subscription_list);
  if (const errc error = check_reasons(packet.reasons, PacketType::unsuback, version);
      error != errc{}) {
    return failure(error);
  }
  size.remaining += packet.reasons.size();
  return checked(size);
}

void write_unsuback(Writer& out, const Unsuback& packet, ProtocolVersion version,
                    const PacketSize& size) {
  write_fixed_header(out, PacketType::unsuback, 0, size.remaining);
  write_header(out, packet.packet_id, packet.props, version, size);
  if (is_v5(version)) write_reasons(out, packet.reasons);
}

}  // namespace

PacketSize measure(const Subscribe& packet, ProtocolVersion version) {
  return measure_subscribe(packet, version);
}
PacketSize measure(const Suback& packet, ProtocolVersion version) {
  return measure_suback(packet, version);
}
PacketSize measure(const Unsubscribe& packet, ProtocolVersion version) {
  return measure_unsubscribe(packet, version);
}
PacketSize measure(const Unsuback& packet, ProtocolVersion version) {
  return measure_unsuback(packet, version);
}

}  // namespace detail

std::error_code encode(const Subscribe& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_subscribe, detail::write_subscribe>(packet, version,
                                                                                   out);
}
std::error_code encode(const Suback& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_suback, detail::write_suback>(packet, version, out);
}
std::error_code encode(const Unsubscribe& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_unsubscribe, detail::write_unsubscribe>(
      packet, version, out);
}
std::error_code encode(const Unsuback& packet, ProtocolVersion version, Buffer& out) {
  return detail::encode_packet<detail::measure_unsuback, detail::write_unsuback>(packet, version,
                                                                                 out);
}

}  // namespace portmqtt::codec
