// Errors of the codec: why bytes could not be decoded or a packet could not be encoded.
#pragma once

#include <system_error>

namespace portmqtt::codec {

enum class errc {
  // --- framing ---
  malformed_remaining_length = 1,  ///< variable byte integer longer than 4 bytes or not minimal
  packet_too_large,                ///< remaining length exceeds the configured maximum packet size
  invalid_packet_type,             ///< type 0, or AUTH (15) before MQTT 5
  reserved_flags,                  ///< fixed-header flag bits that must have a fixed value do not
  // --- fields ---
  truncated,                     ///< a field runs past the end of the remaining length
  trailing_bytes,                ///< bytes left over after the last field of the packet
  invalid_qos,                   ///< QoS 3, or a QoS not allowed here
  zero_packet_id,                ///< packet identifier 0 where a non-zero one is required
  invalid_utf8,                  ///< ill-formed UTF-8: overlong, surrogate, above U+10FFFF
  null_character,                ///< U+0000 inside a UTF-8 string
  wildcard_in_topic,             ///< '+' or '#' in a PUBLISH topic name
  invalid_topic,                 ///< empty topic without a topic alias, or malformed filter
  invalid_protocol_name,         ///< CONNECT protocol name is neither "MQTT" nor "MQIsdp"
  unsupported_protocol_version,  ///< CONNECT protocol level not 3, 4 or 5 (or mismatched name)
  invalid_connect_flags,    ///< reserved bit set, will flags inconsistent, password w/o user (3.x)
  invalid_connack_flags,    ///< reserved bits of the acknowledge flags set
  invalid_reason_code,      ///< reason code not allowed on this packet
  empty_subscription_list,  ///< SUBSCRIBE / UNSUBSCRIBE without any topic filter
  invalid_subscription_options,  ///< reserved option bits, retain handling 3
  // --- MQTT 5 properties ---
  invalid_property_id,     ///< unknown property identifier
  property_not_allowed,    ///< property not permitted on this packet
  duplicate_property,      ///< a single-use property appeared twice
  invalid_property_value,  ///< e.g. Receive Maximum 0, Payload Format Indicator 2
  // --- encoding ---
  string_too_long,     ///< a string or binary field longer than 65535 bytes
  value_out_of_range,  ///< a number that does not fit its wire field
};

const std::error_category& codec_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

}  // namespace portmqtt::codec

template <>
struct std::is_error_code_enum<portmqtt::codec::errc> : std::true_type {};
