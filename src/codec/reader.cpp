#include "codec/reader.hpp"

namespace portmqtt::codec::detail {
namespace {

bool is_flag_byte(PropertyId id) {
  switch (id) {
    case PropertyId::payload_format_indicator:
    case PropertyId::request_problem_information:
    case PropertyId::request_response_information:
    case PropertyId::retain_available:
    case PropertyId::wildcard_subscription_available:
    case PropertyId::subscription_identifier_available:
    case PropertyId::shared_subscription_available:
    case PropertyId::maximum_qos:  // 0 or 1: a server never states a maximum of 2
      return true;
    default:
      return false;
  }
}

// Value rules of MQTT 5 §3 that make a property a Protocol Error whatever the packet.
errc check_value(const Property& p) {
  if (is_flag_byte(p.id)) return p.number <= 1 ? ok : errc::invalid_property_value;
  switch (p.id) {
    case PropertyId::receive_maximum:
    case PropertyId::maximum_packet_size:
    case PropertyId::topic_alias:
    case PropertyId::subscription_identifier:
      return p.number != 0 ? ok : errc::invalid_property_value;
    case PropertyId::response_topic:
      return topic_name_error(p.text) == ok ? ok : errc::invalid_property_value;
    default:
      return ok;
  }
}

errc read_value(Reader& in, PropertyType type, Property& p) {
  switch (type) {
    case PropertyType::byte: {
      std::uint8_t v = 0;
      errc e = in.u8(v);
      p.number = v;
      return e;
    }
    case PropertyType::two_byte_integer: {
      std::uint16_t v = 0;
      errc e = in.u16(v);
      p.number = v;
      return e;
    }
    case PropertyType::four_byte_integer:
      return in.u32(p.number);
    case PropertyType::variable_byte_integer:
      return in.varint(p.number);
    case PropertyType::utf8_string:
      return in.utf8(p.text);
    case PropertyType::binary_data:
      return in.binary(p.text);
    case PropertyType::utf8_string_pair:
      return in.string_pair(p.text, p.value);
  }
  return errc::invalid_property_id;
}

}  // namespace

errc Reader::properties(PropertyContext context, Properties& out) {
  std::uint32_t length = 0;
  if (errc e = varint(length); e != ok) return e;
  Reader block;
  if (errc e = split(length, block); e != ok) return e;

  std::uint64_t seen = 0;  // identifiers are below 64
  while (!block.at_end()) {
    std::uint32_t raw_id = 0;
    if (errc e = block.varint(raw_id); e != ok) return e;
    if (raw_id > 0xFF || !is_known_property(static_cast<std::uint8_t>(raw_id))) {
      return errc::invalid_property_id;
    }
    Property p;
    p.id = static_cast<PropertyId>(raw_id);
    if (!is_property_allowed(p.id, context)) return errc::property_not_allowed;
    const std::uint64_t mask = std::uint64_t{1} << raw_id;
    if ((seen & mask) != 0 && !allows_repetition(p.id, context)) {
      return errc::duplicate_property;
    }
    seen |= mask;
    if (errc e = read_value(block, property_type(p.id), p); e != ok) return e;
    if (errc e = check_value(p); e != ok) return e;
    out.push_back(p);
  }
  return ok;
}

}  // namespace portmqtt::codec::detail
