// MQTT 5 reason codes (§2.4) and the mapping of MQTT 3.x return codes onto them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace portmqtt::codec {

/// Every MQTT 5 reason code. The same numeric value can mean different things in different
/// packets (0x00 is Success, Normal disconnection and Granted QoS 0); the enumerators name the
/// first meaning and aliases give the others.
enum class ReasonCode : std::uint8_t {
  success = 0x00,
  normal_disconnection = 0x00,
  granted_qos_0 = 0x00,
  granted_qos_1 = 0x01,
  granted_qos_2 = 0x02,
  disconnect_with_will_message = 0x04,
  no_matching_subscribers = 0x10,
  no_subscription_existed = 0x11,
  continue_authentication = 0x18,
  re_authenticate = 0x19,
  unspecified_error = 0x80,
  malformed_packet = 0x81,
  protocol_error = 0x82,
  implementation_specific_error = 0x83,
  unsupported_protocol_version = 0x84,
  client_identifier_not_valid = 0x85,
  bad_user_name_or_password = 0x86,
  not_authorized = 0x87,
  server_unavailable = 0x88,
  server_busy = 0x89,
  banned = 0x8A,
  server_shutting_down = 0x8B,
  bad_authentication_method = 0x8C,
  keep_alive_timeout = 0x8D,
  session_taken_over = 0x8E,
  topic_filter_invalid = 0x8F,
  topic_name_invalid = 0x90,
  packet_identifier_in_use = 0x91,
  packet_identifier_not_found = 0x92,
  receive_maximum_exceeded = 0x93,
  topic_alias_invalid = 0x94,
  packet_too_large = 0x95,
  message_rate_too_high = 0x96,
  quota_exceeded = 0x97,
  administrative_action = 0x98,
  payload_format_invalid = 0x99,
  retain_not_supported = 0x9A,
  qos_not_supported = 0x9B,
  use_another_server = 0x9C,
  server_moved = 0x9D,
  shared_subscriptions_not_supported = 0x9E,
  connection_rate_exceeded = 0x9F,
  maximum_connect_time = 0xA0,
  subscription_identifiers_not_supported = 0xA1,
  wildcard_subscriptions_not_supported = 0xA2,
};

/// True for codes >= 0x80, which report failure in every packet that carries them.
constexpr bool is_failure(ReasonCode code) {
  return static_cast<std::uint8_t>(code) >= 0x80;
}

/// Human-readable name of a reason code ("Not authorized"); "Unknown reason code" otherwise.
std::string_view to_string(ReasonCode code);

/// MQTT 3.1/3.1.1 CONNACK return codes.
enum class ConnectReturnCode : std::uint8_t {
  accepted = 0,
  unacceptable_protocol_version = 1,
  identifier_rejected = 2,
  server_unavailable = 3,
  bad_user_name_or_password = 4,
  not_authorized = 5,
};

/// The codec stores one ReasonCode per CONNACK for every version. MQTT 3.x return codes map
/// one-to-one onto the MQTT 5 codes of the same meaning, so nothing is lost either way.
ReasonCode to_reason_code(ConnectReturnCode code);
/// The 3.x return code for a CONNACK reason code, or nothing when 3.x has no such code.
std::optional<ConnectReturnCode> to_connect_return_code(ReasonCode code);

/// Whether `code` may appear in a packet of the given type (MQTT 5 §2.4 table).
/// `type` is the PacketType value as an integer to keep this header free of packet.hpp.
bool is_valid_reason_code(std::uint8_t packet_type, ReasonCode code);

/// Whether the codec takes `code` in a packet of the given type: every code the §2.4 table
/// lists for it and, on PUBACK and PUBREC, any failure code (>= 0x80) besides. A failure
/// code there can only mean "this message was refused", and real brokers send unlisted ones
/// (mosquitto 2.0 answers a PUBLISH above its message_size_limit with PUBACK 0x95, Packet
/// too large); the session ends that message as refused instead of the connection. Below
/// 0x80 an unlisted code stays malformed: it would claim a success the packet cannot report.
bool is_accepted_reason_code(std::uint8_t packet_type, ReasonCode code);

}  // namespace portmqtt::codec
