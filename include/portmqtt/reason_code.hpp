/// \file
/// MQTT 5 reason codes as the public API reports them.
#pragma once

#include <cstdint>
#include <string_view>

namespace portmqtt {

/// Every MQTT 5 reason code (MQTT 5 §2.4). One numeric value can carry several meanings
/// depending on the packet (0x00 is Success, Normal disconnection and Granted QoS 0); the
/// enumerators name the first meaning and aliases give the others.
///
/// MQTT 3.1.1 results are reported with the same codes: a 3.1.1 CONNACK return code maps to
/// the MQTT 5 code of the same meaning (1 -> unsupported_protocol_version, 2 ->
/// client_identifier_not_valid, 3 -> server_unavailable, 4 -> bad_user_name_or_password,
/// 5 -> not_authorized), a 3.1.1 SUBACK failure (0x80) is unspecified_error, and PUBACK /
/// PUBCOMP / UNSUBACK of 3.1.1 always report success.
enum class ReasonCode : std::uint8_t {
  success = 0x00,               ///< CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK, AUTH
  normal_disconnection = 0x00,  ///< DISCONNECT
  granted_qos_0 = 0x00,         ///< SUBACK
  granted_qos_1 = 0x01,         ///< SUBACK
  granted_qos_2 = 0x02,         ///< SUBACK
  disconnect_with_will_message = 0x04,   ///< DISCONNECT: close, but publish the will
  no_matching_subscribers = 0x10,        ///< PUBACK, PUBREC: accepted, nobody subscribed
  no_subscription_existed = 0x11,        ///< UNSUBACK
  continue_authentication = 0x18,        ///< AUTH
  re_authenticate = 0x19,                ///< AUTH
  unspecified_error = 0x80,              ///< any failure without a better code
  malformed_packet = 0x81,               ///< the packet could not be parsed
  protocol_error = 0x82,                 ///< the packet broke the protocol
  implementation_specific_error = 0x83,  ///< valid, but the receiver will not accept it
  unsupported_protocol_version = 0x84,   ///< CONNACK
  client_identifier_not_valid = 0x85,    ///< CONNACK
  bad_user_name_or_password = 0x86,      ///< CONNACK
  not_authorized = 0x87,                 ///< CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT
  server_unavailable = 0x88,             ///< CONNACK
  server_busy = 0x89,                    ///< CONNACK, DISCONNECT
  banned = 0x8A,                         ///< CONNACK
  server_shutting_down = 0x8B,           ///< DISCONNECT
  bad_authentication_method = 0x8C,      ///< CONNACK, DISCONNECT
  keep_alive_timeout = 0x8D,             ///< DISCONNECT
  session_taken_over = 0x8E,             ///< DISCONNECT: another client connected with this id
  topic_filter_invalid = 0x8F,           ///< SUBACK, UNSUBACK, DISCONNECT
  topic_name_invalid = 0x90,             ///< CONNACK, PUBACK, PUBREC, DISCONNECT
  packet_identifier_in_use = 0x91,       ///< PUBACK, PUBREC, SUBACK, UNSUBACK
  packet_identifier_not_found = 0x92,    ///< PUBREL, PUBCOMP
  receive_maximum_exceeded = 0x93,       ///< DISCONNECT
  topic_alias_invalid = 0x94,            ///< DISCONNECT
  packet_too_large = 0x95,               ///< CONNACK, DISCONNECT
  message_rate_too_high = 0x96,          ///< DISCONNECT
  quota_exceeded = 0x97,                 ///< CONNACK, PUBACK, PUBREC, SUBACK, DISCONNECT
  administrative_action = 0x98,          ///< DISCONNECT
  payload_format_invalid = 0x99,         ///< CONNACK, PUBACK, PUBREC, DISCONNECT
  retain_not_supported = 0x9A,           ///< CONNACK, DISCONNECT
  qos_not_supported = 0x9B,              ///< CONNACK, DISCONNECT
  use_another_server = 0x9C,             ///< CONNACK, DISCONNECT (see Server Reference)
  server_moved = 0x9D,                   ///< CONNACK, DISCONNECT (see Server Reference)
  shared_subscriptions_not_supported = 0x9E,      ///< SUBACK, DISCONNECT
  connection_rate_exceeded = 0x9F,                ///< CONNACK, DISCONNECT
  maximum_connect_time = 0xA0,                    ///< DISCONNECT
  subscription_identifiers_not_supported = 0xA1,  ///< SUBACK, DISCONNECT
  wildcard_subscriptions_not_supported = 0xA2,    ///< SUBACK, DISCONNECT
};

/// True for codes >= 0x80, which report failure in every packet that carries them.
constexpr bool is_failure(ReasonCode code) noexcept {
  return static_cast<std::uint8_t>(code) >= 0x80;
}

/// True for the CONNACK refusals that retrying with the same configuration cannot fix:
/// Unsupported Protocol Version, Client Identifier not valid, Bad User Name or Password, Not
/// authorized, Banned, Bad authentication method (and the MQTT 3.x return codes 1, 2, 4 and 5,
/// which arrive mapped onto the first four). By default they stop the reconnect loop
/// (ReconnectConfig::retry_after_fatal_refusal).
constexpr bool is_fatal_refusal(ReasonCode code) noexcept {
  switch (code) {
    case ReasonCode::unsupported_protocol_version:
    case ReasonCode::client_identifier_not_valid:
    case ReasonCode::bad_user_name_or_password:
    case ReasonCode::not_authorized:
    case ReasonCode::banned:
    case ReasonCode::bad_authentication_method:
      return true;
    default:
      return false;
  }
}

/// Name of the code as the specification writes it ("Not authorized"), or
/// "Unknown reason code" for a value the specification does not define.
std::string_view to_string(ReasonCode code) noexcept;

}  // namespace portmqtt
