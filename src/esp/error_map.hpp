// The one place where portmqtt's std::error_code meets ESP-MQTT's conventions: message ids
// with -1 / -2, esp_err_t, and esp_mqtt_error_codes_t.
#pragma once

#include <system_error>

#include "mqtt_client.h"
#include "portmqtt/client.hpp"

namespace portmqtt::esp {

/// ESP's "failed" message id.
inline constexpr int kMsgIdError = -1;
/// ESP's "outbox full" message id.
inline constexpr int kMsgIdOutboxFull = -2;

/// The packet id (0 for QoS 0), -2 for outbox_full, -1 for every other failure.
int to_msg_id(const Result<PacketId>& result);

/// ESP_OK for no error; otherwise the esp_err_t a control function reports for it.
esp_err_t to_esp_err(std::error_code error);

/// The 3.1.1 CONNACK return code of a refusal (v3), or the raw reason code (v5), as
/// esp_mqtt_error_codes_t::connect_return_code carries it.
esp_mqtt_connect_return_code_t to_connect_return_code(ReasonCode reason, ProtocolVersion version);

/// Fills `out` for an ERROR event. `while_connecting`: the failure ended an attempt that had
/// not reached CONNACK (ESP reports connect failures with their own ESP-TLS code). Transport
/// and TLS failures get error_type TCP_TRANSPORT (= ESP_TLS), the ESP-TLS code of the table in
/// esp_tls_errors.h, the OpenSSL error (esp_tls_stack_err) and the X509 verify result
/// (esp_tls_cert_verify_flags). A TLS setup failure gets the code ESP-TLS gives its step
/// (X509_CRT_PARSE_FAILED, PK_PARSE_KEY_FAILED, ...); `refusal` is the code of a refusal made
/// from the ESP options themselves (to_tls_config()), or ESP_OK.
void fill_error_codes(const Error& error, bool while_connecting, ProtocolVersion version,
                      esp_err_t refusal, esp_mqtt_error_codes_t& out);

/// Logs a failure of the connection as one ESP_LOGE line: which step failed (DNS, TCP
/// connect, TLS setup, TLS handshake, certificate, hostname, WebSocket upgrade, ...), why,
/// the OpenSSL or X509 details and the ESP-TLS code. Silent for CONNACK refusals.
void log_connection_error(const Error& error, bool while_connecting, esp_err_t refusal);

}  // namespace portmqtt::esp
