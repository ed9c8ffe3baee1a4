// Errors of the TLS and WebSocket transports, by the stage that failed. The OpenSSL details
// (error code, X509 verify result) are kept by the transport: Transport::tls_diagnostics().
#pragma once

#include <system_error>

namespace portmqtt::transport {

enum class tls_errc {
  invalid_configuration = 1,  ///< a CA, certificate, key, password, cipher or PSK not usable
  handshake_failed,           ///< the TLS handshake failed (alert, protocol, peer not TLS)
  certificate_invalid,        ///< the server certificate chain did not verify
  hostname_mismatch,          ///< the server certificate is not for the expected name
  connection_failed,          ///< a TLS error on the established connection (e.g. an alert)
  websocket_upgrade_failed,   ///< the HTTP upgrade to WebSocket was refused or malformed
  websocket_error,            ///< a WebSocket protocol error on the established connection
};

/// The category "portmqtt.tls".
const std::error_category& tls_category() noexcept;
std::error_code make_error_code(tls_errc e) noexcept;

}  // namespace portmqtt::transport

template <>
struct std::is_error_code_enum<portmqtt::transport::tls_errc> : std::true_type {};
