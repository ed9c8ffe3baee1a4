/*
 * esp_tls.h — the parts of ESP-IDF's ESP-TLS API that MQTT configurations refer to:
 * the PSK key/hint struct and the process-wide CA store.
 */
#ifndef PORTMQTT_ESP_TLS_H
#define PORTMQTT_ESP_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_tls_errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Pre-shared key for TLS-PSK, used through
 * esp_mqtt_client_config_t::broker.verification.psk_hint_key when no certificate is set.
 * Not copied: it must outlive the client.
 */
typedef struct psk_key_hint {
  const uint8_t* key;    /*!< Key bytes (binary, not hex). */
  const size_t key_size; /*!< Number of bytes at key. */
  const char* hint;      /*!< PSK identity sent to the server, NUL-terminated. */
} psk_hint_key_t;

/**
 * Creates the process-wide CA store (empty). Calling it again is harmless.
 *
 * @return ESP_OK, or ESP_ERR_NO_MEM; ESP_ERR_NOT_SUPPORTED (logged) while the build has no TLS
 *         transport
 */
esp_err_t esp_tls_init_global_ca_store(void);

/**
 * Loads CA certificates into the process-wide CA store, creating it if needed. Clients with
 * broker.verification.use_global_ca_store set verify the broker against this store.
 *
 * @param cacert_pem_buf   PEM text (NUL included in the length) or DER bytes
 * @param cacert_pem_bytes number of bytes at cacert_pem_buf
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL/empty input; ESP_FAIL if nothing could be parsed;
 *         ESP_ERR_NO_MEM; ESP_ERR_NOT_SUPPORTED (logged) while the build has no TLS transport
 */
esp_err_t esp_tls_set_global_ca_store(const unsigned char* cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes);

/** Empties and frees the process-wide CA store. Connections already made are unaffected. */
void esp_tls_free_global_ca_store(void);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_TLS_H */
