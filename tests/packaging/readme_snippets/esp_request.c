/* README block marked <!-- snippet: esp_request --> (C): file-scope code that defines
 * send_request(esp_mqtt_client_handle_t) and request_handler (an esp_event_handler_t). Adds a
 * main that creates an MQTT 5 client, registers the handler and calls send_request; compiled
 * and linked, not run. */
#include "mqtt_client.h"
// @includes

// @body

int main(void) {
  const esp_mqtt_client_config_t cfg = {.broker.address.uri = "mqtt://127.0.0.1",
                                        .session.protocol_ver = MQTT_PROTOCOL_V_5};
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&cfg);
  esp_mqtt_client_register_event(client, MQTT_EVENT_ANY, request_handler, NULL);
  send_request(client);
  esp_mqtt_client_destroy(client);
  return 0;
}
