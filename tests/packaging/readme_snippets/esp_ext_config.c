/* README blocks marked <!-- snippet: esp_ext_config --> (C): statements that fill an
 * esp_mqtt_client_ext_config_t and create a client named client from a configuration named cfg.
 * Adds cfg and releases the client; compiled and linked, not run. */
#include "mqtt_client.h"
// @includes

int main(void) {
  const esp_mqtt_client_config_t cfg = {.broker.address.uri = "mqtt://127.0.0.1"};
  // @body
  esp_mqtt_client_destroy(client);
  return 0;
}
