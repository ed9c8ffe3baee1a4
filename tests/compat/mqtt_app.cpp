// An ESP-IDF-style MQTT application in C++ (like ESP-MQTT's build test mqtt_app.cpp): it must
// compile unchanged as C++17 and C++20 against portmqtt's headers. Never linked or run.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "esp_crt_bundle.h"
#include "esp_err.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "mqtt_client.h"
#include "mqtt_supported_features.h"

namespace {

const char* TAG = "mqtt_cpp";

void handle_event(esp_mqtt_event_handle_t event) {
  esp_mqtt_client_handle_t client = event->client;
  switch (event->event_id) {
    case MQTT_EVENT_BEFORE_CONNECT:
      ESP_LOGI(TAG, "before connect");
      break;
    case MQTT_EVENT_CONNECTED: {
      ESP_LOGI(TAG, "connected, session_present=%d", event->session_present);
      // ESP-MQTT's C++ mapping: one topic and a QoS.
      esp_mqtt_client_subscribe(client, "/topic/qos0", 0);
      // portmqtt's overloads: a std::string, and lists.
      const std::string topic = "/topic/string";
      esp_mqtt_client_subscribe(client, topic, 1);
      esp_mqtt_topic_t topics[] = {{"/a", 0}, {"/b", 1}};
      esp_mqtt_client_subscribe(client, topics, 2);
      esp_mqtt_client_subscribe(client, {{"/c", 1}, {"/d", 2}});
#if __cplusplus >= 202002L
      const std::vector<esp_mqtt_topic_t> list{{"/e", 0}};
      esp_mqtt_client_subscribe(client, list);
#endif
      esp_mqtt_client_subscribe_single(client, "/f", 1);
      esp_mqtt_client_subscribe_multiple(client, topics, 2);
      esp_mqtt_client_unsubscribe(client, "/a");
      break;
    }
    case MQTT_EVENT_DISCONNECTED:
      ESP_LOGI(TAG, "disconnected, reason 0x%x", static_cast<unsigned>(event->reason_code));
      break;
    case MQTT_EVENT_SUBSCRIBED:
    case MQTT_EVENT_UNSUBSCRIBED:
    case MQTT_EVENT_PUBLISHED:
      ESP_LOGI(TAG, "ack for msg_id=%d", event->msg_id);
      break;
    case MQTT_EVENT_DATA:
      std::printf("%.*s: %.*s\n", event->topic_len, event->topic, event->data_len, event->data);
      break;
    case MQTT_EVENT_ERROR:
      if (event->error_handle->error_type == MQTT_ERROR_TYPE_ESP_TLS) {
        ESP_LOGE(TAG, "transport error 0x%x, errno %d", event->error_handle->esp_tls_last_esp_err,
                 event->error_handle->esp_transport_sock_errno);
      }
      break;
    case MQTT_EVENT_DELETED:
      ESP_LOGW(TAG, "expired msg_id=%d", event->msg_id);
      break;
    case MQTT_USER_EVENT:
      ESP_LOGD(TAG, "user event");
      break;
    case MQTT_EVENT_ANY:
      break;
  }
}

void mqtt_event_handler(void* handler_args, esp_event_base_t base, int32_t event_id,
                        void* event_data) {
  static_cast<void>(handler_args);
  ESP_LOGD(TAG, "event %s/%" PRIi32, base, event_id);
  handle_event(static_cast<esp_mqtt_event_handle_t>(event_data));
}

esp_mqtt_client_config_t make_config() {
#if __cplusplus >= 202002L
  // C++20 designated initialisers: nested, in declaration order. g++ before 14 warns under
  // -Wextra about every member a designated initialiser leaves out (they are zeroed, as
  // intended), whatever the struct; the warning says nothing about these headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
  esp_mqtt_client_config_t config = {
      .broker = {.address = {.uri = "mqtts://127.0.0.1:8883"},
                 .verification = {.crt_bundle_attach = esp_crt_bundle_attach}},
      .credentials = {.username = "user",
                      .client_id = "cpp-client",
                      .authentication = {.password = "secret"}},
      .session = {.last_will = {.topic = "/will", .msg = "bye", .qos = 1},
                  .keepalive = 60,
                  .protocol_ver = MQTT_PROTOCOL_V_5},
      .network = {.reconnect_timeout_ms = 2000},
      .buffer = {.size = 4096},
  };
#pragma GCC diagnostic pop
#else
  esp_mqtt_client_config_t config{};
  config.broker.address.uri = "mqtts://127.0.0.1:8883";
  config.broker.verification.crt_bundle_attach = esp_crt_bundle_attach;
  config.credentials.username = "user";
  config.credentials.client_id = "cpp-client";
  config.credentials.authentication.password = "secret";
  config.session.last_will.topic = "/will";
  config.session.keepalive = 60;
  config.session.protocol_ver = MQTT_PROTOCOL_V_5;
  config.network.reconnect_timeout_ms = 2000;
  config.buffer.size = 4096;
#endif
  return config;
}

void use_mqtt5(esp_mqtt_client_handle_t client) {
  esp_mqtt5_user_property_item_t items[] = {{"k1", "v1"}, {"k2", "v2"}};
  esp_mqtt5_connection_property_config_t connect_property{};
  connect_property.session_expiry_interval = 30;
  esp_mqtt5_client_set_user_property(&connect_property.user_property, items, 2);
  esp_mqtt5_client_set_connect_property(client, &connect_property);
  uint8_t count = esp_mqtt5_client_get_user_property_count(connect_property.user_property);
  std::vector<esp_mqtt5_user_property_item_t> copy(count);
  if (esp_mqtt5_client_get_user_property(connect_property.user_property, copy.data(), &count) ==
      ESP_OK) {
    for (uint8_t i = 0; i < count; ++i) {  // the copies are the caller's to free, as in ESP-IDF
      std::free(const_cast<char*>(copy[i].key));
      std::free(const_cast<char*>(copy[i].value));
    }
  }
  esp_mqtt5_client_delete_user_property(connect_property.user_property);

  static esp_mqtt5_publish_property_config_t publish_property{};
  publish_property.message_expiry_interval = 60;
  esp_mqtt5_client_set_publish_property(client, &publish_property);
  static esp_mqtt5_subscribe_property_config_t subscribe_property{};
  subscribe_property.no_local_flag = true;
  esp_mqtt5_client_set_subscribe_property(client, &subscribe_property);
  static esp_mqtt5_unsubscribe_property_config_t unsubscribe_property{};
  esp_mqtt5_client_set_unsubscribe_property(client, &unsubscribe_property);
  esp_mqtt5_disconnect_property_config_t disconnect_property{};
  disconnect_property.disconnect_reason = MQTT5_NORMAL_DISCONNECT;
  esp_mqtt5_client_set_disconnect_property(client, &disconnect_property);

  esp_mqtt_client_publish_with_properties(client, "/t", "x", 1, 1, 0, &publish_property);
  esp_mqtt_client_enqueue_with_properties(client, "/t", "x", 1, 1, 0, false, &publish_property);
}

}  // namespace

extern "C" void app_main(void) {
  esp_log_level_set("*", ESP_LOG_INFO);
  const esp_mqtt_client_config_t config = make_config();
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&config);
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  ext.topic_on_all_data_events = true;
  ESP_ERROR_CHECK(esp_mqtt_client_set_ext_config(client, &ext));
  ESP_ERROR_CHECK(
      esp_mqtt_client_register_event(client, MQTT_EVENT_ANY, mqtt_event_handler, nullptr));
  use_mqtt5(client);
  ESP_ERROR_CHECK(esp_mqtt_client_start(client));
  esp_mqtt_client_publish(client, "/topic/qos1", "data", 0, 1, 0);
  esp_mqtt_client_enqueue(client, "/topic/qos1", "data", 4, 1, 0, true);
  ESP_LOGI(TAG, "state %d, outbox %d", esp_mqtt_client_get_state(client),
           esp_mqtt_client_get_outbox_size(client));
  esp_mqtt_client_stop(client);
  esp_mqtt_client_destroy(client);
}
