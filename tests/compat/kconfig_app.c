/*
 * A C11 file that sets ESP-MQTT Kconfig options the way ESP-IDF's sdkconfig.h does, then uses
 * the API. compat_test.cpp links it against recording fakes to check what reaches the
 * library: which subscribe function each argument type selects, and the options that
 * esp_mqtt_client_init() passes on; real_library_test.cpp links it against libportmqtt.
 */
#define CONFIG_MQTT_MSG_ID_INCREMENTAL 1
#define CONFIG_MQTT_REPORT_DELETED_MESSAGES 1
#define CONFIG_MQTT_OUTBOX_EXPIRED_TIMEOUT_MS 5000
#define CONFIG_MQTT_EVENT_QUEUE_SIZE 4
#define CONFIG_MQTT_BUFFER_SIZE 4096
#define CONFIG_MQTT_TCP_DEFAULT_PORT 11883

#include "kconfig_app.h"

#include "mqtt_client.h"

#ifndef esp_mqtt_client_init
#error "with CONFIG_MQTT_* options defined, esp_mqtt_client_init must apply them"
#endif

esp_mqtt_client_ext_config_t kconfig_app_ext_defaults(void) {
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  return ext;
}

esp_mqtt_client_handle_t kconfig_app_init(void) {
  esp_mqtt_client_config_t cfg = {.broker.address.uri = "mqtt://127.0.0.1"};
  return esp_mqtt_client_init(&cfg);
}

void kconfig_app_subscribe_every_form(esp_mqtt_client_handle_t client, int results[4]) {
  char mutable_topic[] = "/topic/mutable";
  const char* const_topic = "/topic/const";
  esp_mqtt_topic_t topics[] = {{"/a", 0}, {"/b", 1}};
  const esp_mqtt_topic_t const_topics[] = {{"/c", 2}};
  results[0] = esp_mqtt_client_subscribe(client, mutable_topic, 1);
  results[1] = esp_mqtt_client_subscribe(client, const_topic, 2);
  results[2] = esp_mqtt_client_subscribe(client, topics, 2);
  results[3] = esp_mqtt_client_subscribe(client, const_topics, 1);
}
