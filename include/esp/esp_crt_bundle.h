/*
 * esp_crt_bundle.h — ESP-IDF's certificate-bundle hook.
 *
 * On ESP-IDF the bundle is a compiled-in list of public root CAs. On Linux the equivalent is
 * the system's trust store, which is what esp_crt_bundle_attach() selects.
 */
#ifndef PORTMQTT_ESP_CRT_BUNDLE_H
#define PORTMQTT_ESP_CRT_BUNDLE_H

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Makes a TLS configuration verify the peer against the system's default CA store.
 * Pass the function itself as esp_mqtt_client_config_t::broker.verification.crt_bundle_attach;
 * the client calls it while setting up each TLS connection.
 *
 * @param conf the TLS configuration being set up (owned by the client; NULL is refused)
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_FAIL if the system store cannot be loaded;
 *         ESP_ERR_NOT_SUPPORTED (logged) while the build has no TLS transport
 */
esp_err_t esp_crt_bundle_attach(void* conf);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_CRT_BUNDLE_H */
