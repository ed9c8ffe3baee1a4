/* README block marked <!-- snippet: esp_tls_config --> ("TLS and WebSocket", C): an ESP-MQTT
 * configuration named cfg for mutual TLS. Adds the PEM strings the block names (empty here: the
 * program is compiled and linked, not run) and hands cfg to esp_mqtt_client_init(). */
#include "mqtt_client.h"
// @includes

static const char ca_pem[] = "";
static const char my_cert_pem[] = "";
static const char my_key_pem[] = "";

int main(void) {
  // @body
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&cfg);
  esp_mqtt_client_destroy(client);
  return 0;
}
