/**
 * \file
 * esp_tls.h — the parts of ESP-IDF's ESP-TLS API that MQTT configurations refer to:
 * the PSK key/hint struct and the process-wide CA store.
 */
#ifndef PORTMQTT_ESP_TLS_H
#define PORTMQTT_ESP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_tls_errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Pre-shared key for TLS-PSK, used through
 * esp_mqtt_client_config_t::broker.verification.psk_hint_key. The client copies it when the
 * configuration is applied (ESP-IDF reads it at every connection, so it must outlive the
 * client there).
 */
typedef struct psk_key_hint {
  const uint8_t* key;    /*!< Key bytes (binary, not hex). */
  const size_t key_size; /*!< Number of bytes at key. */
  const char* hint;      /*!< PSK identity sent to the server, NUL-terminated. */
} psk_hint_key_t;

/**
 * Creates the process-wide CA store, empty. Calling it again while the store exists keeps
 * its certificates. Thread-safe.
 *
 * @return ESP_OK; ESP_ERR_NO_MEM
 */
esp_err_t esp_tls_init_global_ca_store(void);

/**
 * Adds CA certificates to the process-wide CA store, creating it if needed. Clients with
 * broker.verification.use_global_ca_store set verify the broker against the certificates
 * the store holds when each connection attempt starts (as ESP-TLS reads the store when it
 * sets up a connection): a change reaches the next attempt, not a live connection.
 * Thread-safe.
 *
 * Only the shape is checked here (PEM blocks, or a DER SEQUENCE); a certificate that does not
 * parse makes the next connection attempt fail with ESP_ERR_MBEDTLS_SSL_SETUP_FAILED.
 *
 * @param cacert_pem_buf   PEM text (one or more certificates; a terminating NUL may be
 *                         included in the length, as ESP-IDF requires) or one DER certificate
 * @param cacert_pem_bytes number of bytes at cacert_pem_buf
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL/empty input; ESP_FAIL when the bytes are neither
 *         PEM certificates nor a DER certificate (the store is then freed, as in ESP-IDF);
 *         ESP_ERR_NO_MEM
 */
esp_err_t esp_tls_set_global_ca_store(const unsigned char* cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes);

/**
 * Empties and frees the process-wide CA store. Connections already made are unaffected;
 * later attempts of clients with use_global_ca_store fail (no trust anchor) until the store
 * is set again. Thread-safe.
 */
void esp_tls_free_global_ca_store(void);

/**
 * portmqtt addition, the run-time form of ESP-IDF's CONFIG_ESP_TLS_INSECURE +
 * CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY. ESP-TLS refuses a TLS connection for which no
 * trust source is configured (no certificate, global CA store, certificate bundle or PSK):
 * the attempt fails with ESP_ERR_MBEDTLS_SSL_SETUP_FAILED and the log line "No server
 * verification option set". With skip set to true such connections are made without
 * verifying the server (a warning is logged at each attempt). Process-wide; read at each
 * connection attempt. Default false. Insecure: for tests and closed networks only.
 *
 * @param skip true to connect without verification when no trust source is configured
 */
void esp_tls_set_skip_server_cert_verify_default(bool skip);

/**
 * Returns the last ESP-TLS error recorded in `h` and clears it, as ESP-IDF does. An MQTT
 * ERROR event's error_handle starts with the same three fields, so
 * `esp_tls_get_and_clear_last_error((esp_tls_error_handle_t)event->error_handle, &code,
 * &flags)` reads (and clears) its esp_tls_last_esp_err, esp_tls_stack_err and
 * esp_tls_cert_verify_flags. Call it from the handler of that event: the handle is valid
 * only there.
 *
 * @param h             the error handle; NULL gives ESP_ERR_INVALID_STATE
 * @param esp_tls_code  if not NULL, receives the TLS library's error (the OpenSSL error code)
 * @param esp_tls_flags if not NULL, receives the certificate verification result
 *                      (X509_V_ERR_*)
 * @return the ESP-TLS code (ESP_OK when none was recorded)
 */
esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int* esp_tls_code,
                                           int* esp_tls_flags);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_TLS_H */
