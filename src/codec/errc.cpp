#include "codec/errc.hpp"

#include <string>

#include "common/error_category.hpp"

namespace portmqtt::codec {
namespace {

std::string message_of(errc e) {
  switch (e) {
    case errc::malformed_remaining_length:
      return "malformed variable byte integer (longer than 4 bytes or not minimal)";
    case errc::packet_too_large:
      return "packet larger than the maximum packet size";
    case errc::invalid_packet_type:
      return "invalid packet type";
    case errc::reserved_flags:
      return "reserved fixed-header flags have a wrong value";
    case errc::truncated:
      return "field runs past the end of the packet";
    case errc::trailing_bytes:
      return "unexpected bytes after the last field of the packet";
    case errc::invalid_qos:
      return "invalid QoS";
    case errc::zero_packet_id:
      return "packet identifier 0 where a non-zero one is required";
    case errc::invalid_utf8:
      return "ill-formed UTF-8 string";
    case errc::null_character:
      return "UTF-8 string contains U+0000";
    case errc::wildcard_in_topic:
      return "wildcard character in a topic name";
    case errc::invalid_topic:
      return "invalid topic name or topic filter";
    case errc::invalid_protocol_name:
      return "CONNECT protocol name is neither \"MQTT\" nor \"MQIsdp\"";
    case errc::unsupported_protocol_version:
      return "unsupported protocol version";
    case errc::invalid_connect_flags:
      return "invalid CONNECT flags";
    case errc::invalid_connack_flags:
      return "reserved CONNACK acknowledge flags set";
    case errc::invalid_reason_code:
      return "reason code not allowed on this packet";
    case errc::empty_subscription_list:
      return "SUBSCRIBE or UNSUBSCRIBE without a topic filter";
    case errc::invalid_subscription_options:
      return "invalid subscription options";
    case errc::invalid_property_id:
      return "unknown property identifier";
    case errc::property_not_allowed:
      return "property not allowed on this packet";
    case errc::duplicate_property:
      return "property that may appear once appears twice";
    case errc::invalid_property_value:
      return "invalid property value";
    case errc::string_too_long:
      return "string or binary field longer than 65535 bytes";
    case errc::value_out_of_range:
      return "value does not fit its wire field";
  }
  return "unknown codec error";
}

}  // namespace

const std::error_category& codec_category() noexcept {
  static const detail::EnumCategory<errc> category{"portmqtt.codec", message_of};
  return category;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

}  // namespace portmqtt::codec
