/**
 * \file
 * esp_crt_bundle.h — ESP-IDF's certificate-bundle hook.
 *
 * On ESP-IDF the bundle is a compiled-in list of public root CAs. On Linux the equivalent is
 * the operating system's trust store (OpenSSL's default verify paths, which honour the
 * SSL_CERT_FILE and SSL_CERT_DIR environment variables), which is what
 * esp_crt_bundle_attach() selects.
 */
#ifndef PORTMQTT_ESP_CRT_BUNDLE_H
#define PORTMQTT_ESP_CRT_BUNDLE_H

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Makes a TLS configuration verify the broker against the system's trust store.
 * Pass the function itself as esp_mqtt_client_config_t::broker.verification.crt_bundle_attach.
 * The client calls the hook given there whenever it builds the TLS configuration of a
 * connection (at init, at esp_mqtt_set_config() and before every connection attempt). A hook
 * of the application's own may call esp_crt_bundle_attach(conf) itself; a hook that returns
 * anything but ESP_OK makes the connection attempts fail with ESP_ERR_MBEDTLS_SSL_SETUP_FAILED.
 *
 * @param conf the TLS configuration being built: opaque, owned by the client (on ESP-IDF an
 *             mbedtls_ssl_config); NULL is refused
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL
 */
esp_err_t esp_crt_bundle_attach(void* conf);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_CRT_BUNDLE_H */
