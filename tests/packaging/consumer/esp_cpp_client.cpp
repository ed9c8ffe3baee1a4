// A C++ program written against the ESP-MQTT API of an installed portmqtt, built through
// find_package(portmqtt) and portmqtt::esp: "mqtt_client.h" must be found as ESP-IDF code
// includes it, and the C++ overloads of esp_mqtt_client_subscribe must reach the library.
#include <cstdio>
#include <cstring>
#include <string>

#include "esp_log.h"
#include "mqtt_client.h"

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      return 1;                                                                     \
    }                                                                               \
  } while (0)

int main() {
  esp_log_level_set("*", ESP_LOG_WARN);
  CHECK(esp_log_level_get("packaging") == ESP_LOG_WARN);
  CHECK(std::strcmp(esp_err_to_name(ESP_ERR_NO_MEM), "ESP_ERR_NO_MEM") == 0);

  esp_mqtt_client_config_t config{};
  config.broker.address.uri = "mqtt://127.0.0.1";
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&config);
  CHECK(client != nullptr);
  CHECK(esp_mqtt_client_set_uri(client, "mqtt://user:secret@127.0.0.1:1884") == ESP_OK);
  CHECK(esp_mqtt_client_set_uri(client, "not a uri") != ESP_OK);

  // ESP-MQTT: subscribing needs a connection, whichever overload is used.
  const std::string topic = "packaging/string";
  CHECK(esp_mqtt_client_subscribe(client, topic, 1) == -1);
  CHECK(esp_mqtt_client_subscribe(client, "packaging/literal", 0) == -1);
  CHECK(esp_mqtt_client_subscribe(client, {{"packaging/a", 0}, {"packaging/b", 1}}) == -1);

  CHECK(esp_mqtt_client_destroy(client) == ESP_OK);
  CHECK(esp_mqtt_client_destroy(nullptr) == ESP_ERR_INVALID_ARG);
  std::puts("esp_cpp_client: ok");
  return 0;
}
