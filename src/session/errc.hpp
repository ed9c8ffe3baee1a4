// Errors of the session layer: API misuse (local) and broker misbehaviour (remote).
#pragma once

#include <system_error>

namespace portmqtt::session {

enum class errc {
  // --- local: the command cannot be carried out ---
  not_connected = 1,         ///< command needs a live connection (QoS 0 publish, subscribe...)
  outbox_full,               ///< outbox byte or message limit reached (ESP's -2)
  invalid_topic,             ///< topic name or filter fails the MQTT rules
  invalid_qos,               ///< QoS above 2, or above the broker's Maximum QoS
  retain_not_available,      ///< broker said Retain Available = 0
  packet_too_large,          ///< above the broker's Maximum Packet Size (or the codec's limit);
                             ///< also an inbound packet above our Maximum Packet Size
  topic_alias_invalid,       ///< alias 0, above the broker's maximum, or unknown alias w/o topic
  feature_not_available,     ///< wildcard/shared/subscription-id subscription the broker refuses
  not_supported_by_version,  ///< MQTT 5 feature requested on a 3.x session
  invalid_argument,          ///< anything else malformed in the request
  // --- remote: the broker broke the protocol; the connection is closed ---
  protocol_error,            ///< unexpected packet for the current state
  malformed_packet,          ///< the codec rejected the bytes (ErrorOccurred::cause says why)
  unknown_packet_id,         ///< ack for an id not in flight
  receive_maximum_exceeded,  ///< broker sent more unacknowledged QoS>0 than we allowed
  unknown_topic_alias,       ///< inbound alias never defined, 0, or above our maximum
  keepalive_timeout,         ///< no PINGRESP within the ping timeout
  connack_timeout,           ///< no CONNACK within the connect timeout
  connection_refused,        ///< CONNACK with a failure reason code
  server_disconnected,       ///< broker sent DISCONNECT
  // --- local, continued ---
  /// All 65,535 packet ids are taken (Config::packet_id_on_accept); room comes back with acks.
  no_free_packet_id,
  // --- enhanced authentication (MQTT 5 §4.12) ---
  /// The authenticator refused to go on (it could not answer the broker's data, or the broker
  /// failed to prove itself at the end); ErrorOccurred::cause holds the authenticator's error.
  authentication_failed,
  /// The command does not fit the authentication state: AUTH without an Authentication Method
  /// in CONNECT (§4.12.0-7), a re-authentication already running, AUTH 0x18 outside one.
  invalid_auth_state,
  /// Session::ack() with an id that no message waits under: acknowledged already, or from a
  /// connection that has ended (the broker sends that message again).
  stale_ack,
};

const std::error_category& session_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

}  // namespace portmqtt::session

template <>
struct std::is_error_code_enum<portmqtt::session::errc> : std::true_type {};
