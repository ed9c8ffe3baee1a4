/*
 * Includes every ESP header on its own, compiled (as C11 and as C++20) with the project's
 * strictest warnings, so the headers stay clean for users who turn those warnings on.
 */
#include "mqtt5_client.h" /* first on purpose: it must also work before mqtt_client.h */

#include "esp_crt_bundle.h"
#include "esp_err.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_errors.h"
#include "esp_transport.h"
#include "mqtt_client.h"
#include "mqtt_supported_features.h"

/** Gives the translation unit one definition so it is never empty. */
int headers_only_anchor(void);
int headers_only_anchor(void) {
  return ESP_OK;
}
