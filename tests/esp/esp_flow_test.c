/*
 * ESP-IDF's MQTT example flow as a strict C11 test program: connect, publish QoS 1, subscribe
 * twice, unsubscribe once, publish to the remaining subscription and receive the message back,
 * then stop. Exits 0 when every event arrived with the expected fields and order.
 *
 *   esp_flow_test mqtt://127.0.0.1:PORT
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mqtt_client.h"

#define MAX_EVENTS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int event_ids[MAX_EVENTS];
static int event_count;
static int published_qos1_id = -1, subscribe_qos0_id = -1, subscribe_qos1_id = -1;
static int unsubscribe_id = -1, publish_qos0_result = -9, acked_id = -1, unsubscribed_id = -1;
static char data_topic[64], data_payload[64];
static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static void copy_text(char* out, size_t size, const char* text, int len) {
  size_t n = len < 0 ? 0 : (size_t)len;
  if (n >= size) n = size - 1;
  if (text != NULL) memcpy(out, text, n);
  out[n] = '\0';
}

static void on_event(void* arg, esp_event_base_t base, int32_t event_id, void* event_data) {
  esp_mqtt_event_handle_t event = event_data;
  esp_mqtt_client_handle_t client = event->client;
  (void)arg;
  CHECK(base == MQTT_EVENTS);
  pthread_mutex_lock(&lock);
  if (event_count < MAX_EVENTS) event_ids[event_count++] = (int)event_id;
  switch ((esp_mqtt_event_id_t)event_id) {
    case MQTT_EVENT_CONNECTED:
      published_qos1_id = esp_mqtt_client_publish(client, "/topic/qos1", "data_3", 0, 1, 0);
      subscribe_qos0_id = esp_mqtt_client_subscribe(client, "/topic/qos0", 0);
      subscribe_qos1_id = esp_mqtt_client_subscribe(client, "/topic/qos1", 1);
      unsubscribe_id = esp_mqtt_client_unsubscribe(client, "/topic/qos1");
      break;
    case MQTT_EVENT_SUBSCRIBED:
      if (event->msg_id == subscribe_qos0_id)
        publish_qos0_result = esp_mqtt_client_publish(client, "/topic/qos0", "data", 0, 0, 0);
      break;
    case MQTT_EVENT_UNSUBSCRIBED:
      unsubscribed_id = event->msg_id;
      break;
    case MQTT_EVENT_PUBLISHED:
      acked_id = event->msg_id;
      break;
    case MQTT_EVENT_DATA:
      copy_text(data_topic, sizeof data_topic, event->topic, event->topic_len);
      copy_text(data_payload, sizeof data_payload, event->data, event->data_len);
      break;
    default:
      break;
  }
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
}

static int flow_complete(void) {
  return data_payload[0] != '\0' && acked_id != -1 && unsubscribed_id != -1;
}

/* Waits (up to 10 s) until the message came back and both acknowledgements arrived. */
static int wait_for_flow(void) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  int rc = 0;
  pthread_mutex_lock(&lock);
  while (!flow_complete() && rc != ETIMEDOUT)
    rc = pthread_cond_timedwait(&changed, &lock, &deadline);
  int complete = flow_complete();
  pthread_mutex_unlock(&lock);
  return complete;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s mqtt://host:port\n", argv[0]);
    return 2;
  }
  esp_mqtt_client_config_t config = {
      .broker.address.uri = argv[1],
      .credentials.client_id = "c11-flow",
  };
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&config);
  CHECK(client != NULL);
  if (client == NULL) return 1;
  CHECK(esp_mqtt_client_register_event(client, ESP_EVENT_ANY_ID, on_event, NULL) == ESP_OK);
  CHECK(esp_mqtt_client_start(client) == ESP_OK);
  CHECK(wait_for_flow());
  CHECK(esp_mqtt_client_stop(client) == ESP_OK);
  CHECK(esp_mqtt_client_destroy(client) == ESP_OK);

  pthread_mutex_lock(&lock);
  CHECK(event_count >= 2 && event_ids[0] == MQTT_EVENT_BEFORE_CONNECT);
  CHECK(event_count >= 2 && event_ids[1] == MQTT_EVENT_CONNECTED);
  CHECK(published_qos1_id > 0);
  CHECK(acked_id == published_qos1_id);
  CHECK(subscribe_qos0_id > 0 && subscribe_qos1_id > 0 && unsubscribe_id > 0);
  CHECK(unsubscribed_id == unsubscribe_id);
  CHECK(publish_qos0_result == 0);
  CHECK(strcmp(data_topic, "/topic/qos0") == 0);
  CHECK(strcmp(data_payload, "data") == 0);
  pthread_mutex_unlock(&lock);
  if (failures == 0) printf("esp_flow_test: all checks passed (%d events)\n", event_count);
  return failures == 0 ? 0 : 1;
}
