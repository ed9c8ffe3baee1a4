/// \file
/// Errors of the public API: portmqtt::errc, its std::error_category, and Result<T>.
///
/// Every failure is a std::error_code. Errors of the layers below (protocol state machine,
/// packet codec, URI parser) are translated into portmqtt::errc before they reach the
/// application, so `ec == portmqtt::errc::outbox_full` is the one comparison to write.
/// Network failures keep their operating-system code: they arrive as std::system_category()
/// errors whose value() is the errno (ECONNREFUSED, ETIMEDOUT, ...), or as
/// errc::host_not_found / errc::connect_timeout when there is no errno to report. TLS and
/// WebSocket failures arrive as errc::tls_handshake_failed, certificate_invalid,
/// hostname_mismatch, ... with the OpenSSL details in the Error event.
#pragma once

#include <stdexcept>
#include <system_error>
#include <utility>

namespace portmqtt {

enum class errc {
  // --- use of the API -------------------------------------------------------------------
  not_started = 1,        ///< the client is not running (start() was not called, or stop())
  already_started,        ///< start() on a running client
  invalid_state,          ///< the call does not fit the state (reconnect() while connected)
  invalid_argument,       ///< a malformed argument (e.g. a property not allowed on the packet)
  invalid_uri,            ///< the broker URI cannot be parsed, or has a bad %xx escape
  unsupported_transport,  ///< the scheme/transport is not one of mqtt, mqtts, ws, wss
  invalid_topic,          ///< topic name or filter breaks the MQTT rules (empty, wildcard, UTF-8)
  invalid_qos,            ///< QoS above the broker's Maximum QoS
  retain_not_available,   ///< retain asked for, the broker said Retain Available = 0
  packet_too_large,       ///< the packet exceeds the broker's (or our) Maximum Packet Size
  topic_alias_invalid,    ///< topic alias 0 or above the broker's Topic Alias Maximum
  feature_not_available,  ///< wildcard/shared/subscription-identifier not offered by broker
  not_supported_by_version,  ///< an MQTT 5 feature used on an MQTT 3.x connection
  not_connected,             ///< needs a live connection (QoS 0 publish, subscribe, unsubscribe)
  outbox_full,               ///< the outbox byte or message limit is reached (ESP's -2)
  send_queue_full,           ///< backpressure: unwritten bytes stayed above the limit for the
                             ///< whole network timeout (or at once, on the loop thread)
  stop_pending,              ///< stop() from a loop thread: accepted, completes asynchronously
  // --- connection ----------------------------------------------------------------------
  host_not_found,            ///< DNS found no address for the host
  connect_timeout,           ///< TCP connect (and handshakes) did not finish in network.timeout
  connection_closed,         ///< the broker closed the TCP connection (end of stream)
  connection_refused,        ///< CONNACK refused the connection (see Error::connect_reason)
  connack_timeout,           ///< no CONNACK within network.timeout
  keepalive_timeout,         ///< no PINGRESP in time; the link is considered dead
  server_disconnected,       ///< the broker sent DISCONNECT (MQTT 5; see Disconnected)
  protocol_error,            ///< the broker sent a packet that breaks the protocol
  malformed_packet,          ///< the broker sent bytes that do not decode
  unknown_packet_id,         ///< the broker acknowledged an id we did not send
  receive_maximum_exceeded,  ///< the broker sent more QoS>0 messages than we allowed
  unknown_topic_alias,       ///< the broker used a topic alias it never defined
  // --- TLS and WebSocket (Error::kind is ErrorKind::tls) ---------------------------------
  /// A CA certificate, client certificate, private key, key password, cipher list or PSK
  /// given in TlsConfig cannot be loaded or used; no connection was attempted with it.
  /// Error::tls_setup_failure names the part, Error::tls_stack_error the OpenSSL error.
  tls_configuration_invalid,
  /// The TLS handshake failed: an alert from the broker (e.g. it wants a client
  /// certificate), no common protocol version or cipher, or a peer that does not speak TLS.
  /// Error::tls_stack_error holds the OpenSSL error. A TLS 1.3 broker that requires a client
  /// certificate refuses one that is missing after the client's side of the handshake; that
  /// refusal, on the first read or write, is reported here too.
  tls_handshake_failed,
  /// The broker's certificate chain did not verify against the trust sources (unknown CA,
  /// expired, not yet valid, ...). Error::tls_verify_result holds the X509_V_ERR_* value.
  certificate_invalid,
  /// The broker's certificate is valid but not for the host name (or TlsConfig::server_name)
  /// (X509_V_ERR_HOSTNAME_MISMATCH or X509_V_ERR_IP_ADDRESS_MISMATCH in tls_verify_result).
  hostname_mismatch,
  /// A TLS error on an established connection (an alert, a corrupt record).
  tls_connection_failed,
  /// The HTTP upgrade to WebSocket was refused: a status other than 101, or the server did
  /// not select the "mqtt" subprotocol.
  websocket_upgrade_failed,
  /// A WebSocket protocol error on the established connection (bad frame, text message).
  websocket_error,
  /// The option needs hardware or a service this platform does not have (the ESP facade's
  /// secure element, digital-signature peripheral and ECDSA eFuse key options).
  not_supported_on_platform,
  // --- the durable outbox (OutboxConfig::store_path); Client::store_status() names the file
  /// The store file is not an SQLite database, or is damaged. It is left untouched; start()
  /// refuses to run until it is fixed or OutboxConfig::store_start_fresh is set.
  store_corrupt,
  /// The store file is an SQLite database of another application (left untouched).
  store_foreign,
  /// The store was written by a newer portmqtt whose schema this one does not know.
  store_version_unsupported,
  /// Another process has the store open (an exclusive lock on the file).
  store_locked,
  /// The store cannot be created or opened (permissions, missing directory).
  store_cannot_open,
  /// The disk is full: the message was not accepted; what was accepted before is kept.
  store_full,
  /// A read or write of the store failed (I/O error).
  store_failed,
  // --- enhanced authentication (auth.hpp) ------------------------------------------------
  /// The authenticator (Credentials::authenticator) refused to go on: it could not answer the
  /// broker's data, or the broker failed its final check (a SCRAM server signature that does
  /// not prove the password). Error::cause holds the authenticator's own error.
  authentication_failed,
  // --- application acknowledgement (InboundConfig::manual_ack) ---------------------------
  /// Client::ack() with a handle no message waits under: acknowledged already, or received
  /// on a connection that has ended (the broker sends that message again).
  ack_handle_stale,
};

/// The category of portmqtt::errc ("portmqtt").
const std::error_category& category() noexcept;
std::error_code make_error_code(errc e) noexcept;

/// The errno inside a transport error, or 0 when the error does not come from a system call
/// (ESP reports it as esp_transport_sock_errno).
int system_errno(const std::error_code& error) noexcept;

/// The value of a command (a packet id) or why it failed. Always holds exactly one of them.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  /// `error` must not be empty.
  Result(std::error_code error) : error_(error) {}        // NOLINT(google-explicit-constructor)
  Result(errc error) : error_(make_error_code(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return has_value(); }
  /// The value; throws std::system_error when this holds an error.
  const T& value() const {
    if (error_) throw std::system_error(error_);
    return value_;
  }
  const T& operator*() const noexcept { return value_; }
  const T* operator->() const noexcept { return &value_; }
  T value_or(T fallback) const { return error_ ? std::move(fallback) : value_; }
  /// Empty when this holds a value.
  std::error_code error() const noexcept { return error_; }

 private:
  T value_{};
  std::error_code error_;
};

}  // namespace portmqtt

template <>
struct std::is_error_code_enum<portmqtt::errc> : std::true_type {};
