#include "esp/error_map.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "esp_log.h"
#include "esp_tls_errors.h"
#include "esp_transport.h"

namespace portmqtt::esp {
namespace {

constexpr const char* kTag = "mqtt_client";

// The code ESP-TLS reports when it cannot set up the TLS session: by the step that failed.
// `refusal` is the code of a refusal made from the ESP options (tls_map.hpp), if any.
esp_err_t setup_code(const Error& error, esp_err_t refusal) {
  switch (error.tls_setup_failure) {
    case TlsSetupFailure::trust:
    case TlsSetupFailure::client_certificate:
      return ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED;
    case TlsSetupFailure::client_key:
      return ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED;
    case TlsSetupFailure::key_mismatch:
      // mbedTLS pairs any key with the certificate and the handshake fails later; OpenSSL
      // refuses the pair here, as the own certificate being refused.
      return ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED;
    case TlsSetupFailure::none:
    case TlsSetupFailure::other:
      break;
  }
  return refusal != ESP_OK ? refusal : ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
}

// ESP-TLS code ESP-IDF's TCP/TLS transport records for a failure, where one applies (see
// the table in esp_tls_errors.h).
esp_err_t esp_tls_code(const Error& error, bool while_connecting, esp_err_t refusal) {
  const std::error_code& ec = error.error;
  if (ec == errc::host_not_found) return ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME;
  if (ec == errc::connect_timeout) return ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT;
  if (ec == errc::connection_closed) return ESP_ERR_ESP_TLS_TCP_CLOSED_FIN;
  if (ec == errc::tls_configuration_invalid) return setup_code(error, refusal);
  // mbedTLS fails the handshake when verification fails; the flags tell the two apart.
  if (ec == errc::tls_handshake_failed || ec == errc::certificate_invalid ||
      ec == errc::hostname_mismatch)
    return ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED;
  if (ec == errc::tls_connection_failed) return ESP_ERR_MBEDTLS_SSL_READ_FAILED;
  if (error.system_errno != 0 && while_connecting) return ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST;
  return ESP_OK;
}

// Which step of the connection failed, for the log line.
const char* stage_of(const Error& error, bool while_connecting) {
  const std::error_code& ec = error.error;
  if (ec == errc::host_not_found) return "DNS lookup";
  if (ec == errc::tls_configuration_invalid) return "TLS setup";
  if (ec == errc::tls_handshake_failed) return "TLS handshake";
  if (ec == errc::certificate_invalid) return "certificate check";
  if (ec == errc::hostname_mismatch) return "hostname check";
  if (ec == errc::tls_connection_failed) return "TLS";
  if (ec == errc::websocket_upgrade_failed) return "WebSocket upgrade";
  if (ec == errc::websocket_error) return "WebSocket";
  if (ec == errc::connect_timeout) return "TCP/TLS connect";
  if (error.system_errno != 0 && while_connecting) return "TCP connect";
  return "connection";
}

// OpenSSL's text for the X509 verify results a broker certificate commonly fails with (the
// numbers are OpenSSL's stable X509_V_ERR_* values; OpenSSL itself stays in the transport).
const char* verify_result_text(int result) {
  switch (result) {
    case 2:
      return "unable to get issuer certificate";
    case 7:
      return "certificate signature failure";
    case 9:
      return "certificate is not yet valid";
    case 10:
      return "certificate has expired";
    case 18:
      return "self-signed certificate";
    case 19:
      return "self-signed certificate in certificate chain";
    case 20:
      return "unable to get local issuer certificate";
    case 21:
      return "unable to verify the first certificate";
    case 23:
      return "certificate revoked";
    case 26:
      return "unsupported certificate purpose";
    case 62:
      return "hostname mismatch";
    case 64:
      return "IP address mismatch";
    default:
      return "verification failed";
  }
}

struct NamedCode {
  esp_err_t code;
  const char* name;
};

#define PORTMQTT_NAMED(code) \
  NamedCode {                \
    code, #code              \
  }
constexpr std::array kNames{
    PORTMQTT_NAMED(ESP_OK),
    PORTMQTT_NAMED(ESP_FAIL),
    PORTMQTT_NAMED(ESP_ERR_NO_MEM),
    PORTMQTT_NAMED(ESP_ERR_INVALID_ARG),
    PORTMQTT_NAMED(ESP_ERR_INVALID_STATE),
    PORTMQTT_NAMED(ESP_ERR_INVALID_SIZE),
    PORTMQTT_NAMED(ESP_ERR_NOT_FOUND),
    PORTMQTT_NAMED(ESP_ERR_NOT_SUPPORTED),
    PORTMQTT_NAMED(ESP_ERR_TIMEOUT),
    PORTMQTT_NAMED(ESP_ERR_INVALID_RESPONSE),
    PORTMQTT_NAMED(ESP_ERR_INVALID_CRC),
    PORTMQTT_NAMED(ESP_ERR_INVALID_VERSION),
    PORTMQTT_NAMED(ESP_ERR_INVALID_MAC),
    PORTMQTT_NAMED(ESP_ERR_NOT_FINISHED),
    PORTMQTT_NAMED(ESP_ERR_NOT_ALLOWED),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_BASE),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_SE_FAILED),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_TCP_CLOSED_FIN),
    PORTMQTT_NAMED(ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_CERT_PARTLY_OK),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_CTR_DRBG_SEED_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_SET_HOSTNAME_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_SETUP_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_WRITE_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED),
    PORTMQTT_NAMED(ESP_ERR_MBEDTLS_SSL_READ_FAILED),
    PORTMQTT_NAMED(ESP_ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT),
    PORTMQTT_NAMED(ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN),
    PORTMQTT_NAMED(ESP_ERR_TCP_TRANSPORT_CONNECTION_FAILED),
    PORTMQTT_NAMED(ESP_ERR_TCP_TRANSPORT_NO_MEM),
};
#undef PORTMQTT_NAMED

const char* find_name(esp_err_t code) {
  for (const NamedCode& named : kNames)
    if (named.code == code) return named.name;
  return nullptr;
}

}  // namespace

int to_msg_id(const Result<PacketId>& result) {
  if (result) return *result;
  return result.error() == errc::outbox_full ? kMsgIdOutboxFull : kMsgIdError;
}

esp_err_t to_esp_err(std::error_code error) {
  if (!error) return ESP_OK;
  if (error == errc::invalid_argument) return ESP_ERR_INVALID_ARG;
  if (error == errc::not_supported_on_platform) return ESP_ERR_NOT_SUPPORTED;
  if (error == std::errc::not_enough_memory) return ESP_ERR_NO_MEM;
  return ESP_FAIL;
}

esp_mqtt_connect_return_code_t to_connect_return_code(ReasonCode reason, ProtocolVersion version) {
  auto raw = static_cast<esp_mqtt_connect_return_code_t>(reason);
  if (version == ProtocolVersion::v5) return raw;
  // portmqtt reports 3.1.1 return codes as the MQTT 5 code of the same meaning; ESP-MQTT
  // reports the 3.1.1 number.
  switch (reason) {
    case ReasonCode::success:
      return MQTT_CONNECTION_ACCEPTED;
    case ReasonCode::unsupported_protocol_version:
      return MQTT_CONNECTION_REFUSE_PROTOCOL;
    case ReasonCode::client_identifier_not_valid:
      return MQTT_CONNECTION_REFUSE_ID_REJECTED;
    case ReasonCode::server_unavailable:
      return MQTT_CONNECTION_REFUSE_SERVER_UNAVAILABLE;
    case ReasonCode::bad_user_name_or_password:
      return MQTT_CONNECTION_REFUSE_BAD_USERNAME;
    case ReasonCode::not_authorized:
      return MQTT_CONNECTION_REFUSE_NOT_AUTHORIZED;
    default:
      return raw;
  }
}

void fill_error_codes(const Error& error, bool while_connecting, ProtocolVersion version,
                      esp_err_t refusal, esp_mqtt_error_codes_t& out) {
  out = esp_mqtt_error_codes_t{};
  if (error.kind == ErrorKind::connection_refused) {
    out.error_type = MQTT_ERROR_TYPE_CONNECTION_REFUSED;
    out.connect_return_code = to_connect_return_code(error.connect_reason, version);
    return;
  }
  // ESP-MQTT has no separate type for protocol failures: every lost connection that is not a
  // CONNACK refusal is a transport error there.
  out.error_type = MQTT_ERROR_TYPE_TCP_TRANSPORT;
  out.esp_tls_last_esp_err = esp_tls_code(error, while_connecting, refusal);
  out.esp_tls_stack_err = error.tls_stack_error;
  out.esp_tls_cert_verify_flags = error.tls_verify_result;
  out.esp_transport_sock_errno = error.system_errno;
}

void log_connection_error(const Error& error, bool while_connecting, esp_err_t refusal) {
  if (error.kind == ErrorKind::connection_refused) return;  // the ERROR event says it all
  const char* stage = stage_of(error, while_connecting);
  const std::string reason = error.error.message();
  const esp_err_t code = esp_tls_code(error, while_connecting, refusal);
  if (error.tls_verify_result != 0) {
    ESP_LOGE(kTag, "error in %s: %s (X509 verify result %d: %s), %s", stage, reason.c_str(),
             error.tls_verify_result, verify_result_text(error.tls_verify_result),
             esp_err_to_name(code));
  } else if (error.tls_stack_error != 0) {
    ESP_LOGE(kTag, "error in %s: %s (OpenSSL error 0x%08X), %s", stage, reason.c_str(),
             static_cast<unsigned>(error.tls_stack_error), esp_err_to_name(code));
  } else if (error.system_errno != 0) {
    ESP_LOGE(kTag, "error in %s: %s (errno %d), %s", stage, reason.c_str(), error.system_errno,
             esp_err_to_name(code));
  } else {
    ESP_LOGE(kTag, "error in %s: %s%s%s", stage, reason.c_str(), code != ESP_OK ? ", " : "",
             code != ESP_OK ? esp_err_to_name(code) : "");
  }
}

}  // namespace portmqtt::esp

extern "C" const char* esp_err_to_name(esp_err_t code) {
  const char* name = portmqtt::esp::find_name(code);
  return name != nullptr ? name : "UNKNOWN ERROR";
}

extern "C" const char* esp_err_to_name_r(esp_err_t code, char* buf, size_t buflen) {
  if (buf == nullptr || buflen == 0) return buf;
  if (const char* name = portmqtt::esp::find_name(code)) {
    std::snprintf(buf, buflen, "%s", name);
  } else if (code > 0 && code < 0x100) {
    // ESP-IDF falls back to the C library's text for errno-sized codes.
    std::array<char, 128> text{};
    std::snprintf(buf, buflen, "%s", strerror_r(code, text.data(), text.size()));
  } else {
    std::snprintf(buf, buflen, "UNKNOWN ERROR 0x%x(%d)", static_cast<unsigned>(code), code);
  }
  return buf;
}
