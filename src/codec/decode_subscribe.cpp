#include "codec/decode_families.hpp"

namespace portmqtt::codec::detail {
namespace {

constexpr std::string_view kSharePrefix = "$share/";

// Subscription options byte (MQTT 5 §3.8.3.1; in 3.x only the QoS bits exist).
errc parse_options(std::uint8_t raw, ProtocolVersion version, SubscribeOptions& out) {
  const std::uint8_t reserved_mask = version == ProtocolVersion::v5 ? 0b1100'0000 : 0b1111'1100;
  if ((raw & reserved_mask) != 0) return errc::invalid_subscription_options;
  if ((raw & 0b11) == 3) return errc::invalid_qos;
  out.max_qos = static_cast<QoS>(raw & 0b11);
  out.no_local = (raw & 0b0100) != 0;
  out.retain_as_published = (raw & 0b1000) != 0;
  const auto handling = static_cast<std::uint8_t>((raw >> 4) & 0b11);
  if (handling == 3) return errc::invalid_subscription_options;
  out.retain_handling = static_cast<RetainHandling>(handling);
  return ok;
}

errc read_filter(Reader& in, std::string_view& filter) {
  if (errc e = in.binary(filter); e != ok) return e;
  return topic_filter_error(filter);
}

// A reason-code list that must hold at least one entry (one per filter of the request).
errc read_reasons(Reader& in, PacketType type, std::vector<ReasonCode>& out) {
  if (in.at_end()) return errc::empty_subscription_list;
  while (!in.at_end()) {
    ReasonCode code{};
    if (errc e = read_reason(in, type, code); e != ok) return e;
    out.push_back(code);
  }
  return ok;
}

// MQTT 3.1.1 SUBACK codes are granted QoS 0..2 or 0x80; 3.1 predates 0x80 but brokers send it.
errc read_v3_suback_reasons(Reader& in, std::vector<ReasonCode>& out) {
  if (in.at_end()) return errc::empty_subscription_list;
  while (!in.at_end()) {
    std::uint8_t raw = 0;
    if (errc e = in.u8(raw); e != ok) return e;
    if (raw > 2 && raw != 0x80) return errc::invalid_reason_code;
    out.push_back(static_cast<ReasonCode>(raw));
  }
  return ok;
}

}  // namespace

errc decode_subscribe(ByteView body, ProtocolVersion version, Subscribe& s) {
  Reader in(body);
  if (errc e = read_packet_id(in, s.packet_id); e != ok) return e;
  if (version == ProtocolVersion::v5) {
    if (errc e = in.properties(PropertyContext::subscribe, s.props); e != ok) return e;
  }
  if (in.at_end()) return errc::empty_subscription_list;
  while (!in.at_end()) {
    Subscription sub;
    std::uint8_t raw = 0;
    if (errc e = read_filter(in, sub.filter); e != ok) return e;
    if (errc e = in.u8(raw); e != ok) return e;
    if (errc e = parse_options(raw, version, sub.options); e != ok) return e;
    // MQTT-3.8.3-4: No Local on a shared subscription is a Protocol Error.
    if (sub.options.no_local && sub.filter.starts_with(kSharePrefix)) {
      return errc::invalid_subscription_options;
    }
    s.subscriptions.push_back(sub);
  }
  return ok;
}

errc decode_suback(ByteView body, ProtocolVersion version, Suback& s) {
  Reader in(body);
  if (errc e = read_packet_id(in, s.packet_id); e != ok) return e;
  if (version != ProtocolVersion::v5) return read_v3_suback_reasons(in, s.reasons);
  if (errc e = in.properties(PropertyContext::suback, s.props); e != ok) return e;
  return read_reasons(in, PacketType::suback, s.reasons);
}

errc decode_unsubscribe(ByteView body, ProtocolVersion version, Unsubscribe& u) {
  Reader in(body);
  if (errc e = read_packet_id(in, u.packet_id); e != ok) return e;
  if (version == ProtocolVersion::v5) {
    if (errc e = in.properties(PropertyContext::unsubscribe, u.props); e != ok) return e;
  }
  if (in.at_end()) return errc::empty_subscription_list;
  while (!in.at_end()) {
    std::string_view filter;
    if (errc e = read_filter(in, filter); e != ok) return e;
    u.filters.push_back(filter);
  }
  return ok;
}

// MQTT 3.x UNSUBACK carries only the packet id; MQTT 5 adds properties and one reason per filter.
errc decode_unsuback(ByteView body, ProtocolVersion version, Unsuback& u) {
  Reader in(body);
  if (errc e = read_packet_id(in, u.packet_id); e != ok) return e;
  if (version != ProtocolVersion::v5) return expect_end(in);
  if (errc e = in.properties(PropertyContext::unsuback, u.props); e != ok) return e;
  return read_reasons(in, PacketType::unsuback, u.reasons);
}

}  // namespace portmqtt::codec::detail
