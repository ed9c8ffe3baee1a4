/// \file
/// Events a Client reports to its handlers, on its loop thread.
///
/// Lifetime: an event is passed by const reference and lives only for the duration of the
/// handler call. Views inside it (std::string_view, std::span) point into the client's receive
/// buffer; copy what must outlive the handler.
#pragma once

#include <any>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "portmqtt/completion.hpp"
#include "portmqtt/message.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"

namespace portmqtt {

/// Emitted before every connection attempt (the first and each reconnect), before DNS and
/// TCP connect. A handler may call Client::set_uri() or Client::set_config(); the attempt then
/// uses the new settings.
struct BeforeConnect {
  /// The broker this attempt is for, as `scheme://host:port` (credentials left out), from
  /// the configuration as it stands when the event is emitted. Empty for a Unix socket.
  std::string_view broker;
  /// Its place in the broker list: 0 for BrokerConfig::uri (or host/port), 1.. for
  /// BrokerConfig::failover_uris.
  std::size_t broker_index = 0;
  /// The attempt follows an MQTT 5 server redirection (BrokerConfig::redirect).
  bool redirected = false;
};

/// What the broker granted in CONNACK, with MQTT 5 defaults where it said nothing (always the
/// defaults on MQTT 3.x).
struct ServerCapabilities {
  std::uint16_t receive_maximum = 65535;
  QoS maximum_qos = QoS::exactly_once;
  bool retain_available = true;
  std::uint32_t maximum_packet_size = 268'435'460;
  std::uint16_t topic_alias_maximum = 0;
  bool wildcard_subscription_available = true;
  bool subscription_identifiers_available = true;
  bool shared_subscription_available = true;
  /// Keep-alive in force, seconds: the Server Keep Alive when sent, else ours.
  std::uint16_t keep_alive = 0;
  std::uint32_t session_expiry_interval = 0;
};

/// CONNACK accepted the connection.
struct Connected {
  bool session_present = false;
  ServerCapabilities server;
  std::string_view assigned_client_id;  ///< MQTT 5; empty when the broker assigned none
  /// All CONNACK properties (Reason String, Response Information, Server Reference, User
  /// Properties, ...).
  const Properties& properties;
  /// The broker connected to, as in BeforeConnect.
  std::string_view broker;
  /// Filters subscribed again because the broker had no session for us
  /// (SessionConfig::resubscribe_on_session_lost); their Subscribed events follow.
  std::size_t resubscribed = 0;
};

/// A connection ended, or an attempt to make one failed. Emitted after every attempt that did
/// not reach Connected as well (ESP-MQTT does the same), after disconnect(), after the
/// connection was lost, and on refresh. Not emitted by stop().
struct Disconnected {
  /// Why: empty after disconnect() or a refresh; otherwise the failure (a system error with
  /// errno, or a portmqtt::errc such as connection_refused, server_disconnected, ...).
  std::error_code error;
  /// MQTT 5: the reason code of the broker's DISCONNECT, when it sent one.
  std::optional<ReasonCode> server_reason;
  /// False when this closes an attempt that never reached Connected.
  bool was_connected = false;
  /// MQTT 5: properties of the broker's DISCONNECT (Reason String, Server Reference, ...).
  const Properties& properties;
  /// The broker of this connection or attempt, as in BeforeConnect.
  std::string_view broker;
  /// MQTT 5: the broker sent us elsewhere (Use another server / Server moved with a Server
  /// Reference) and the next attempt, at once, goes to this server (`host:port`). Empty
  /// otherwise, also when the redirection was not followed (RedirectConfig).
  std::string_view redirect;
};

/// A QoS 1/2 publish completed: PUBACK (QoS 1), PUBCOMP (QoS 2), or a PUBREC that carried a
/// failure reason code (QoS 2 stops there). Never for QoS 0.
///
/// `is_failure(reason)` (MQTT 5): the broker refused the message. It ends that message only,
/// never the connection, and it is not resent. A failure code the specification does not
/// list for PUBACK/PUBREC counts the same (mosquitto answers a PUBLISH above its
/// message_size_limit with PUBACK 0x95, Packet too large). See README "Broker deviations".
/// Never without the broker's answer on this session (a QoS 2 message whose outcome became unknown
/// is reported by Deleted).
struct Published {
  PacketId packet_id = 0;
  QoS qos = QoS::at_least_once;
  ReasonCode reason = ReasonCode::success;
  const Properties& properties;
  /// True for a QoS 2 message the broker acknowledged with PUBACK, as RabbitMQ 3.x does: it
  /// took the message at QoS 1, so it has it at least once, not exactly once.
  bool downgraded = false;
  MessageHandle handle = 0;  ///< what publish() returned (PublishAccepted::handle)
};

/// SUBACK for a subscribe() call.
struct Subscribed {
  PacketId packet_id = 0;
  /// One per filter in request order: granted_qos_0..2, or a failure code (>= 0x80).
  std::span<const ReasonCode> reasons;
  const Properties& properties;
};

/// UNSUBACK for an unsubscribe() call.
struct Unsubscribed {
  PacketId packet_id = 0;
  /// One per filter in request order (MQTT 5); empty on MQTT 3.x.
  std::span<const ReasonCode> reasons;
  const Properties& properties;
};

/// Identifies a received QoS 1/2 message awaiting Client::ack() (InboundConfig::manual_ack):
/// increasing, never reused for the life of the client. 0: nothing to acknowledge.
using AckHandle = std::uint64_t;

/// An application message arrived: QoS 0, the first arrival of QoS 1, QoS 2 exactly once.
/// Topic aliases are already resolved. The acknowledgement (PUBACK/PUBREC) goes out after the
/// handler of the last fragment returned (InboundConfig::manual_ack: when Client::ack() says).
///
/// Whole messages: offset == 0 and payload.size() == total_size. With
/// BufferConfig::fragment_size set, a longer payload arrives as consecutive events, each with
/// the same topic, ids and flags, `offset` advancing and `payload` holding the next chunk.
struct MessageReceived {
  std::string_view topic;
  std::string_view payload;    ///< this chunk; may contain NULs; may be empty
  std::size_t offset = 0;      ///< where this chunk starts in the whole payload
  std::size_t total_size = 0;  ///< size of the whole payload
  QoS qos = QoS::at_most_once;
  bool retain = false;
  bool dup = false;
  PacketId packet_id = 0;  ///< 0 for QoS 0
  /// MQTT 5 PUBLISH properties (Payload Format Indicator, Content Type, Response Topic,
  /// Correlation Data, Subscription Identifiers, User Properties, Message Expiry Interval).
  const Properties& properties;
  /// InboundConfig::manual_ack, QoS 1/2: what Client::ack() takes to acknowledge this message
  /// (the same in every fragment). 0 otherwise.
  AckHandle ack_handle = 0;

  bool is_first_fragment() const noexcept { return offset == 0; }
  bool is_last_fragment() const noexcept { return offset + payload.size() == total_size; }
};

/// What went wrong, in ESP-MQTT terms (MQTT_ERROR_TYPE_*).
enum class ErrorKind : std::uint8_t {
  transport,           ///< DNS, TCP connect, read or write failed; the peer closed
  connection_refused,  ///< CONNACK with a failure reason code
  protocol,            ///< the broker broke the protocol, or a keep-alive/CONNACK timeout
  /// TLS or WebSocket: configuration, handshake, certificate, host name, upgrade or a
  /// TLS/WebSocket error on the connection (ESP reports these as MQTT_ERROR_TYPE_ESP_TLS,
  /// the same value as TCP_TRANSPORT).
  tls,
  /// The durable outbox store failed to record a change (errc::store_full, store_failed); the
  /// client goes on from memory.
  store,
};

/// Which part of TlsConfig could not be used, for errc::tls_configuration_invalid.
enum class TlsSetupFailure : std::uint8_t {
  none,                ///< not a TLS setup failure
  trust,               ///< ca_certificate, ca_file, ca_directory or the system store unusable
  client_certificate,  ///< client_certificate holds no usable certificate
  client_key,          ///< client_key is not a private key, or key_password does not open it
  key_mismatch,        ///< client_key does not belong to client_certificate
  other,               ///< versions, cipher lists, ALPN, PSK or server name not usable
};

/// Something failed. A lost connection reports Error first and then Disconnected.
/// message() puts everything below into one line for a log.
struct Error {
  ErrorKind kind = ErrorKind::transport;
  std::error_code error;
  int system_errno = 0;  ///< the errno of a transport error, else 0
  /// connection_refused: the CONNACK code (3.1.1 return codes mapped, see ReasonCode).
  ReasonCode connect_reason = ReasonCode::success;
  /// TLS failures: the OpenSSL error code (ERR_get_error) behind the error, else 0 (ESP
  /// esp_tls_stack_err).
  int tls_stack_error = 0;
  /// TLS failures: the X509 verify result (X509_V_ERR_*) when the server certificate did not
  /// verify, else 0 (ESP esp_tls_cert_verify_flags).
  int tls_verify_result = 0;
  /// errc::tls_configuration_invalid: the TlsConfig part that could not be used (the OpenSSL
  /// error, when there is one, is in tls_stack_error).
  TlsSetupFailure tls_setup_failure = TlsSetupFailure::none;
  /// Where it failed: "host:port" of the broker for connection failures (the socket file for
  /// a Unix-domain socket); empty when there is no place to name.
  std::string where;
  /// The underlying cause in words, when there is more to say than `error`: the OpenSSL
  /// reason or X509_verify_cert_error_string() text, the file and errno text of a TLS file
  /// that cannot be loaded, the protocol rule the broker broke (protocol_error,
  /// unknown_packet_id, ...) or the codec's finding (malformed_packet, packet_too_large), and
  /// what a fatal refusal means for the client.
  std::string cause;
  /// True when the client gave up and stopped because of this error: a CONNACK refusal that
  /// retrying cannot fix (is_fatal_refusal()), unless
  /// ReconnectConfig::retry_after_fatal_refusal is set. state() is then stopped; start()
  /// may be called again (the outbox is kept).
  bool fatal = false;

  /// "<what failed> (<where>): <error message>[: <reason code>][: <cause>]", one line.
  std::string message() const;
};

/// What kind of outbox item a Deleted event reports.
enum class DeletedKind : std::uint8_t { publish, subscribe, unsubscribe };

/// Why an item was deleted (the completion carries the matching delivery_errc).
enum class DeletedReason : std::uint8_t {
  expired,          ///< older than OutboxConfig::expiry
  session_lost,     ///< the broker lost the session (resend_after_lost_session = false), or
                    ///< the connection ended before a SUBACK/UNSUBACK
  not_deliverable,  ///< the broker of a later connection cannot take it
  outcome_unknown,  ///< QoS 2 at PUBREC when the broker lost the session: fate unknown
};

/// An outbox item ended without an acknowledgement: it expired (OutboxConfig::expiry), the
/// broker lost the session (OutboxConfig::resend_after_lost_session = false, or a QoS 2
/// message already at PUBREC), a later broker cannot take it, or a SUBSCRIBE/UNSUBSCRIBE lost
/// its connection before the ack.
struct Deleted {
  PacketId packet_id = 0;  ///< 0 for a stored QoS 0 message or one that never went out
  DeletedKind kind = DeletedKind::publish;
  DeletedReason reason = DeletedReason::expired;
  MessageHandle handle = 0;  ///< publishes: what publish() returned; 0 otherwise
};

/// MQTT 5 AUTH from the broker (enhanced authentication) when the application runs the
/// exchange itself (an Authentication Method in connect_properties, no
/// Credentials::authenticator): answer with Client::auth(). Not emitted while an authenticator
/// answers (auth.hpp).
struct AuthReceived {
  ReasonCode reason = ReasonCode::success;
  const Properties& properties;
};

/// An event the application posted with Client::dispatch(), delivered on the loop thread.
struct UserEvent {
  std::int32_t id = 0;
  std::any data;
};

/// Any of the above, for a single catch-all handler.
using Event = std::variant<BeforeConnect, Connected, Disconnected, Published, Subscribed,
                           Unsubscribed, MessageReceived, Error, Deleted, AuthReceived, UserEvent>;

}  // namespace portmqtt
