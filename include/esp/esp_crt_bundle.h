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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/**
 * Removes the bundle from a TLS configuration it was attached to: that configuration then has
 * no trust source from the bundle. A custom bundle set with esp_crt_bundle_set() stays set
 * for later attaches.
 *
 * @param conf the TLS configuration given to the attach hook; NULL or a foreign pointer is
 *             ignored
 */
void esp_crt_bundle_detach(void* conf);

/**
 * Replaces the bundle that esp_crt_bundle_attach() attaches, for the whole process, from the
 * next connection attempt on. ESP-IDF takes a bundle in its own binary format (subject names
 * and public keys, made by gen_crt_bundle.py); here the bundle is the CA certificates
 * themselves: PEM text (one or more certificates; a terminating NUL may be counted) or one
 * DER certificate. Thread-safe.
 *
 * @param x509_bundle the certificates
 * @param bundle_size number of bytes at x509_bundle
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL/empty input or bytes that are neither PEM
 *         certificates nor a DER certificate (the bundle in effect is kept)
 */
esp_err_t esp_crt_bundle_set(const uint8_t* x509_bundle, size_t bundle_size);

/**
 * Whether the bundle is attached to a TLS configuration (ESP-IDF asks this of a CA chain).
 *
 * @param ca_chain the TLS configuration given to the attach hook
 * @return true if esp_crt_bundle_attach() attached the bundle to it and it was not detached
 */
bool esp_crt_bundle_in_use(const void* ca_chain);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_CRT_BUNDLE_H */
