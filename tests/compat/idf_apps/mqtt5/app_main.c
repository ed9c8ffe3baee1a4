/*
 * MQTT 5, shaped like ESP-IDF's examples/protocols/mqtt5: connect properties with user
 * properties, a publish with payload format, expiry, response topic, correlation data and
 * user properties, and a retained will.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_system.h"
#include "example_common.h"
#include "mqtt_client.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

static const char* TAG = "mqtt5_example";

#define USE_PROPERTY_ARR_SIZE sizeof(user_property_arr) / sizeof(esp_mqtt5_user_property_item_t)

static esp_mqtt5_user_property_item_t user_property_arr[] = {
    {"board", "esp32"}, {"u", "user"}, {"p", "password"}};

static esp_mqtt5_publish_property_config_t publish_property = {
    .payload_format_indicator = 1,
    .message_expiry_interval = 1000,
    .topic_alias = 0,
    .response_topic = "/topic/test/response",
    .correlation_data = "123456",
    .correlation_data_len = 6,
    .content_type = "text/plain",
};

static void print_user_property(mqtt5_user_property_handle_t user_property) {
  if (user_property) {
    uint8_t count = esp_mqtt5_client_get_user_property_count(user_property);
    if (count) {
      esp_mqtt5_user_property_item_t* item = malloc(count * sizeof(esp_mqtt5_user_property_item_t));
      if (esp_mqtt5_client_get_user_property(user_property, item, &count) == ESP_OK) {
        for (int i = 0; i < count; i++) {
          esp_mqtt5_user_property_item_t* t = &item[i];
          ESP_LOGI(TAG, "key is %s, value is %s", t->key, t->value);
          free((char*)t->key);
          free((char*)t->value);
        }
      }
      free(item);
    }
  }
}

static void mqtt5_event_handler(void* handler_args, esp_event_base_t base, int32_t event_id,
                                void* event_data) {
  (void)handler_args;
  ESP_LOGD(TAG, "Event dispatched from event loop base=%s, event_id=%" PRIi32, base, event_id);
  esp_mqtt_event_handle_t event = event_data;
  esp_mqtt_client_handle_t client = event->client;
  int msg_id;
  switch ((esp_mqtt_event_id_t)event_id) {
    case MQTT_EVENT_CONNECTED:
      ESP_LOGI(TAG, "MQTT_EVENT_CONNECTED");
      print_user_property(event->property->user_property);
      esp_mqtt5_client_set_user_property(&publish_property.user_property, user_property_arr,
                                         USE_PROPERTY_ARR_SIZE);
      esp_mqtt5_client_set_publish_property(client, &publish_property);
      msg_id = esp_mqtt_client_publish(client, "/topic/qos1", "data_3", 0, 1, 0);
      esp_mqtt5_client_delete_user_property(publish_property.user_property);
      publish_property.user_property = NULL;
      ESP_LOGI(TAG, "sent publish successful, msg_id=%d", msg_id);
      msg_id = esp_mqtt_client_subscribe(client, "/topic/qos0", 0);
      ESP_LOGI(TAG, "sent subscribe successful, msg_id=%d", msg_id);
      break;
    case MQTT_EVENT_DISCONNECTED:
      ESP_LOGI(TAG, "MQTT_EVENT_DISCONNECTED");
      print_user_property(event->property->user_property);
      break;
    case MQTT_EVENT_SUBSCRIBED:
      ESP_LOGI(TAG, "MQTT_EVENT_SUBSCRIBED, msg_id=%d, reason code=0x%02x", event->msg_id,
               (uint8_t)*event->data);
      print_user_property(event->property->user_property);
      msg_id = esp_mqtt_client_publish(client, "/topic/qos0", "data", 0, 0, 0);
      ESP_LOGI(TAG, "sent publish successful, msg_id=%d", msg_id);
      break;
    case MQTT_EVENT_PUBLISHED:
      ESP_LOGI(TAG, "MQTT_EVENT_PUBLISHED, msg_id=%d", event->msg_id);
      break;
    case MQTT_EVENT_DATA:
      ESP_LOGI(TAG, "MQTT_EVENT_DATA");
      print_user_property(event->property->user_property);
      ESP_LOGI(TAG, "payload_format_indicator is %d", event->property->payload_format_indicator);
      ESP_LOGI(TAG, "content_type is %.*s", event->property->content_type_len,
               event->property->content_type);
      printf("TOPIC=%.*s\r\n", event->topic_len, event->topic);
      printf("DATA=%.*s\r\n", event->data_len, event->data);
      break;
    case MQTT_EVENT_ERROR:
      ESP_LOGI(TAG, "MQTT_EVENT_ERROR");
      print_user_property(event->property->user_property);
      ESP_LOGI(TAG, "MQTT5 return code is %d", event->error_handle->connect_return_code);
      log_error_event(TAG, event);
      break;
    default:
      ESP_LOGI(TAG, "Other event id:%d", event->event_id);
      break;
  }
}

static void mqtt5_app_start(void) {
  char line[128];
  esp_mqtt5_connection_property_config_t connect_property = {
      .session_expiry_interval = 10,
      .maximum_packet_size = 1024,
      .receive_maximum = 65535,
      .topic_alias_maximum = 2,
      .request_resp_info = true,
      .request_problem_info = true,
      .will_delay_interval = 10,
      .payload_format_indicator = true,
      .message_expiry_interval = 10,
      .response_topic = "/test/response",
      .correlation_data = "123456",
      .correlation_data_len = 6,
  };
  esp_mqtt_client_config_t mqtt5_cfg = {
      .broker.address.uri = line,
      .session.protocol_ver = MQTT_PROTOCOL_V_5,
      .network.disable_auto_reconnect = true,
      .credentials.username = "123",
      .credentials.authentication.password = "456",
      .session.last_will.topic = "/topic/will",
      .session.last_will.msg = "i will leave",
      .session.last_will.msg_len = 12,
      .session.last_will.qos = 1,
      .session.last_will.retain = true,
  };
  read_broker_url(line, sizeof line);
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&mqtt5_cfg);
  esp_mqtt5_client_set_user_property(&connect_property.user_property, user_property_arr,
                                     USE_PROPERTY_ARR_SIZE);
  esp_mqtt5_client_set_user_property(&connect_property.will_user_property, user_property_arr,
                                     USE_PROPERTY_ARR_SIZE);
  esp_mqtt5_client_set_connect_property(client, &connect_property);
  esp_mqtt5_client_delete_user_property(connect_property.user_property);
  esp_mqtt5_client_delete_user_property(connect_property.will_user_property);
  esp_mqtt_client_register_event(client, ESP_EVENT_ANY_ID, mqtt5_event_handler, NULL);
  esp_mqtt_client_start(client);
}

void app_main(void) {
  ESP_LOGI(TAG, "[APP] Startup..");
  ESP_LOGI(TAG, "[APP] Free memory: %" PRIu32 " bytes", esp_get_free_heap_size());
  ESP_LOGI(TAG, "[APP] IDF version: %s", esp_get_idf_version());
  esp_log_level_set("*", ESP_LOG_INFO);
  esp_log_level_set("mqtt_client", ESP_LOG_VERBOSE);
  esp_log_level_set("mqtt5_example", ESP_LOG_VERBOSE);

  ESP_ERROR_CHECK(nvs_flash_init());
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  ESP_ERROR_CHECK(example_connect());
  mqtt5_app_start();
}
