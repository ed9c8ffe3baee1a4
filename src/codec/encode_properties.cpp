// Size and write of an MQTT 5 property list (§2.2.2). Which property may appear where, and
// which may repeat, comes from the tables in properties.cpp.
#include <cstdint>

#include "codec/encoder.hpp"
#include "codec/properties.hpp"

namespace portmqtt::codec::detail {
namespace {

PropertiesSize fail(errc error) {
  return PropertiesSize{error, 0};
}

/// Bytes the value of `p` takes on the wire, or why it does not fit its wire type.
PropertiesSize value_size(const Property& p, PropertyType type) {
  switch (type) {
    case PropertyType::byte:
      return p.number <= 0xFF ? PropertiesSize{errc{}, 1} : fail(errc::value_out_of_range);
    case PropertyType::two_byte_integer:
      return p.number <= 0xFFFF ? PropertiesSize{errc{}, 2} : fail(errc::value_out_of_range);
    case PropertyType::four_byte_integer:
      return PropertiesSize{errc{}, 4};
    case PropertyType::variable_byte_integer:
      return p.number <= kMaxRemainingLength ? PropertiesSize{errc{}, varint_size(p.number)}
                                             : fail(errc::value_out_of_range);
    case PropertyType::utf8_string:
    case PropertyType::binary_data:
      return fits_prefix(p.text) ? PropertiesSize{errc{}, prefixed_size(p.text)}
                                 : fail(errc::string_too_long);
    case PropertyType::utf8_string_pair:
      return fits_prefix(p.text) && fits_prefix(p.value)
                 ? PropertiesSize{errc{}, prefixed_size(p.text) + prefixed_size(p.value)}
                 : fail(errc::string_too_long);
  }
  return fail(errc::invalid_property_id);
}

void write_value(Writer& out, const Property& p) {
  switch (property_type(p.id)) {
    case PropertyType::byte:
      out.byte(static_cast<std::uint8_t>(p.number));
      return;
    case PropertyType::two_byte_integer:
      out.u16(static_cast<std::uint16_t>(p.number));
      return;
    case PropertyType::four_byte_integer:
      out.u32(p.number);
      return;
    case PropertyType::variable_byte_integer:
      out.varint(p.number);
      return;
    case PropertyType::utf8_string:
    case PropertyType::binary_data:
      out.prefixed(p.text);
      return;
    case PropertyType::utf8_string_pair:
      out.prefixed(p.text);
      out.prefixed(p.value);
      return;
  }
}

}  // namespace

PropertiesSize measure_properties(const Properties& props, PropertyContext context) {
  std::size_t length = 0;
  // One bit per property identifier seen so far; every identifier is below 64.
  std::uint64_t seen = 0;
  for (const Property& p : props) {
    const auto id = static_cast<std::uint8_t>(p.id);
    if (!is_known_property(id)) return fail(errc::invalid_property_id);
    if (!is_property_allowed(p.id, context)) return fail(errc::property_not_allowed);
    const std::uint64_t bit = std::uint64_t{1} << id;
    if ((seen & bit) != 0 && !allows_repetition(p.id, context)) {
      return fail(errc::duplicate_property);
    }
    seen |= bit;
    const PropertiesSize value = value_size(p, property_type(p.id));
    if (value.error != errc{}) return value;
    length += 1 + value.length;  // every identifier fits one variable-byte-integer byte
  }
  if (length > kMaxRemainingLength) return fail(errc::value_out_of_range);
  return PropertiesSize{errc{}, length};
}

void write_property_items(Writer& out, const Properties& props) {
  for (const Property& p : props) {
    out.byte(static_cast<std::uint8_t>(p.id));
    write_value(out, p);
  }
}

}  // namespace portmqtt::codec::detail
