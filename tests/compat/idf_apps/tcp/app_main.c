/*
 * MQTT over TCP, shaped like ESP-IDF's examples/protocols/mqtt/tcp, plus a FreeRTOS task that
 * waits on an event group for the connection and publishes from its own task, and a start
 * counter kept in NVS.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_system.h"
#include "esp_wifi.h"
#include "example_common.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "mqtt_client.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

static const char* TAG = "mqtt_example";

#define CONNECTED_BIT BIT0

static EventGroupHandle_t s_mqtt_events;

static void mqtt_event_handler(void* handler_args, esp_event_base_t base, int32_t event_id,
                               void* event_data) {
  (void)handler_args;
  ESP_LOGD(TAG, "Event dispatched from event loop base=%s, event_id=%" PRIi32, base, event_id);
  esp_mqtt_event_handle_t event = event_data;
  esp_mqtt_client_handle_t client = event->client;
  int msg_id;
  switch ((esp_mqtt_event_id_t)event_id) {
    case MQTT_EVENT_CONNECTED:
      ESP_LOGI(TAG, "MQTT_EVENT_CONNECTED");
      msg_id = esp_mqtt_client_publish(client, "/topic/qos1", "data_3", 0, 1, 0);
      ESP_LOGI(TAG, "sent publish successful, msg_id=%d", msg_id);
      msg_id = esp_mqtt_client_subscribe(client, "/topic/qos0", 0);
      ESP_LOGI(TAG, "sent subscribe successful, msg_id=%d", msg_id);
      msg_id = esp_mqtt_client_subscribe(client, "/topic/qos1", 1);
      ESP_LOGI(TAG, "sent subscribe successful, msg_id=%d", msg_id);
      msg_id = esp_mqtt_client_unsubscribe(client, "/topic/qos1");
      ESP_LOGI(TAG, "sent unsubscribe successful, msg_id=%d", msg_id);
      xEventGroupSetBits(s_mqtt_events, CONNECTED_BIT);
      break;
    case MQTT_EVENT_DISCONNECTED:
      ESP_LOGI(TAG, "MQTT_EVENT_DISCONNECTED");
      xEventGroupClearBits(s_mqtt_events, CONNECTED_BIT);
      break;
    case MQTT_EVENT_SUBSCRIBED:
      ESP_LOGI(TAG, "MQTT_EVENT_SUBSCRIBED, msg_id=%d", event->msg_id);
      msg_id = esp_mqtt_client_publish(client, "/topic/qos0", "data", 0, 0, 0);
      ESP_LOGI(TAG, "sent publish successful, msg_id=%d", msg_id);
      break;
    case MQTT_EVENT_UNSUBSCRIBED:
      ESP_LOGI(TAG, "MQTT_EVENT_UNSUBSCRIBED, msg_id=%d", event->msg_id);
      break;
    case MQTT_EVENT_PUBLISHED:
      ESP_LOGI(TAG, "MQTT_EVENT_PUBLISHED, msg_id=%d", event->msg_id);
      break;
    case MQTT_EVENT_DATA:
      ESP_LOGI(TAG, "MQTT_EVENT_DATA");
      printf("TOPIC=%.*s\r\n", event->topic_len, event->topic);
      printf("DATA=%.*s\r\n", event->data_len, event->data);
      break;
    case MQTT_EVENT_ERROR:
      ESP_LOGI(TAG, "MQTT_EVENT_ERROR");
      log_error_event(TAG, event);
      break;
    default:
      ESP_LOGI(TAG, "Other event id:%d", event->event_id);
      break;
  }
}

/* Publishes from a task of its own once the client is connected. */
static void publisher_task(void* arg) {
  esp_mqtt_client_handle_t client = arg;
  EventBits_t bits =
      xEventGroupWaitBits(s_mqtt_events, CONNECTED_BIT, pdFALSE, pdTRUE, pdMS_TO_TICKS(10000));
  if (bits & CONNECTED_BIT) {
    TickType_t start = xTaskGetTickCount();
    for (uint32_t i = 1; i <= 3; i++) {
      char text[32];
      snprintf(text, sizeof text, "task %" PRIu32, i);
      int msg_id = esp_mqtt_client_publish(client, "/topic/task", text, 0, 1, 0);
      ESP_LOGI(TAG, "task published %s, msg_id=%d", text, msg_id);
      vTaskDelay(100 / portTICK_PERIOD_MS);
    }
    ESP_LOGI(TAG, "task done after %" PRIu32 " ms",
             (uint32_t)((xTaskGetTickCount() - start) * portTICK_PERIOD_MS));
  }
  vTaskDelete(NULL);
}

static void mqtt_app_start(void) {
  esp_mqtt_client_config_t mqtt_cfg = {
      .broker.address.uri = CONFIG_BROKER_URL,
  };
#if CONFIG_BROKER_URL_FROM_STDIN
  char line[128];
  if (strcmp(mqtt_cfg.broker.address.uri, "FROM_STDIN") == 0) {
    read_broker_url(line, sizeof line);
    mqtt_cfg.broker.address.uri = line;
  } else {
    ESP_LOGE(TAG, "Configuration mismatch: wrong broker url");
    abort();
  }
#endif /* CONFIG_BROKER_URL_FROM_STDIN */
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&mqtt_cfg);
  esp_mqtt_client_register_event(client, ESP_EVENT_ANY_ID, mqtt_event_handler, NULL);
  esp_mqtt_client_start(client);
  xTaskCreate(publisher_task, "publisher", 4096, client, 5, NULL);
}

static void count_starts(void) {
  nvs_handle_t nvs;
  ESP_ERROR_CHECK(nvs_open("storage", NVS_READWRITE, &nvs));
  int32_t starts = 0;
  esp_err_t err = nvs_get_i32(nvs, "starts", &starts);
  if (err != ESP_OK && err != ESP_ERR_NVS_NOT_FOUND) ESP_ERROR_CHECK(err);
  starts++;
  ESP_ERROR_CHECK(nvs_set_i32(nvs, "starts", starts));
  ESP_ERROR_CHECK(nvs_commit(nvs));
  nvs_close(nvs);
  ESP_LOGI(TAG, "[APP] Start number %" PRIi32, starts);
}

void app_main(void) {
  ESP_LOGI(TAG, "[APP] Startup..");
  ESP_LOGI(TAG, "[APP] Free memory: %" PRIu32 " bytes", esp_get_free_heap_size());
  ESP_LOGI(TAG, "[APP] IDF version: %s", esp_get_idf_version());

  esp_log_level_set("*", ESP_LOG_INFO);
  esp_log_level_set("mqtt_client", ESP_LOG_VERBOSE);
  esp_log_level_set("mqtt_example", ESP_LOG_VERBOSE);
  esp_log_level_set("transport_base", ESP_LOG_VERBOSE);
  esp_log_level_set("esp-tls", ESP_LOG_VERBOSE);
  esp_log_level_set("transport", ESP_LOG_VERBOSE);
  esp_log_level_set("outbox", ESP_LOG_VERBOSE);

  esp_err_t ret = nvs_flash_init();
  if (ret == ESP_ERR_NVS_NO_FREE_PAGES || ret == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    ESP_ERROR_CHECK(nvs_flash_erase());
    ret = nvs_flash_init();
  }
  ESP_ERROR_CHECK(ret);
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  ESP_ERROR_CHECK(example_connect());

  count_starts();
  s_mqtt_events = xEventGroupCreate();
  mqtt_app_start();
}
