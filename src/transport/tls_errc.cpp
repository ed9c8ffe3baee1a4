#include "transport/tls_errc.hpp"

#include <string>

#include "common/error_category.hpp"

namespace portmqtt::transport {
namespace {

std::string describe(tls_errc e) {
  switch (e) {
    case tls_errc::invalid_configuration:
      return "TLS configuration not usable (certificate, key, password, cipher or PSK)";
    case tls_errc::handshake_failed:
      return "TLS handshake failed";
    case tls_errc::certificate_invalid:
      return "server certificate verification failed";
    case tls_errc::hostname_mismatch:
      return "server certificate does not match the host name";
    case tls_errc::connection_failed:
      return "TLS error on the connection";
    case tls_errc::websocket_upgrade_failed:
      return "WebSocket upgrade refused";
    case tls_errc::websocket_error:
      return "WebSocket protocol error";
  }
  return "unknown TLS error";
}

}  // namespace

const std::error_category& tls_category() noexcept {
  static const detail::EnumCategory<tls_errc> category{"portmqtt.tls", describe};
  return category;
}

std::error_code make_error_code(tls_errc e) noexcept {
  return {static_cast<int>(e), tls_category()};
}

}  // namespace portmqtt::transport
