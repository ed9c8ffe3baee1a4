/*
 * An ESP-IDF-style C11 program built against an installed portmqtt, once with nothing but
 * `pkg-config --cflags --libs portmqtt` and once through the CMake package (portmqtt::esp).
 * It includes every ESP header, then runs a client against a loopback port that refuses
 * connections and checks ESP-MQTT's documented results: handles and ESP_OK where the calls
 * succeed, -1 for a subscribe without a connection, and an MQTT_EVENT_ERROR of type
 * MQTT_ERROR_TYPE_TCP_TRANSPORT carrying ECONNREFUSED.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "esp_crt_bundle.h"
#include "esp_err.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_errors.h"
#include "esp_transport.h"
#include "mqtt5_client.h"
#include "mqtt_client.h"
#include "mqtt_supported_features.h"
#include "refused_port.h"

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      return 1;                                                                \
    }                                                                          \
  } while (0)

/* What the event handler saw, shared with main(). */
typedef struct {
  pthread_mutex_t mutex;
  pthread_cond_t changed;
  int error_events;
  int error_type;
  int sock_errno;
} observed_t;

static void on_event(void* arg, esp_event_base_t base, int32_t event_id, void* event_data) {
  (void)base;
  if (event_id != MQTT_EVENT_ERROR) return;
  observed_t* seen = arg;
  const esp_mqtt_event_t* event = event_data;
  pthread_mutex_lock(&seen->mutex);
  seen->error_events++;
  seen->error_type = (int)event->error_handle->error_type;
  seen->sock_errno = event->error_handle->esp_transport_sock_errno;
  pthread_cond_signal(&seen->changed);
  pthread_mutex_unlock(&seen->mutex);
}

/* Waits up to 10 s for the first MQTT_EVENT_ERROR and copies what it reported; returns how
 * many errors arrived. */
static int wait_for_error(observed_t* seen, int* error_type, int* sock_errno) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  pthread_mutex_lock(&seen->mutex);
  while (seen->error_events == 0) {
    if (pthread_cond_timedwait(&seen->changed, &seen->mutex, &deadline) == ETIMEDOUT) break;
  }
  int count = seen->error_events;
  *error_type = seen->error_type;
  *sock_errno = seen->sock_errno;
  pthread_mutex_unlock(&seen->mutex);
  return count;
}

int main(void) {
  CHECK(strcmp(esp_err_to_name(ESP_ERR_INVALID_ARG), "ESP_ERR_INVALID_ARG") == 0);

  uint16_t port = 0;
  int refused_fd = refused_port_open(&port);
  CHECK(refused_fd >= 0);
  char uri[64];
  snprintf(uri, sizeof uri, "mqtt://127.0.0.1:%u", (unsigned)port);

  esp_mqtt_client_config_t config = {
      .broker.address.uri = uri,
      .network.disable_auto_reconnect = true,
  };
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&config);
  CHECK(client != NULL);

  observed_t seen = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};
  CHECK(esp_mqtt_client_register_event(client, MQTT_EVENT_ANY, on_event, &seen) == ESP_OK);
  /* ESP-MQTT: subscribing needs a connection. */
  CHECK(esp_mqtt_client_subscribe(client, "packaging/topic", 1) == -1);

  CHECK(esp_mqtt_client_start(client) == ESP_OK);
  int error_type = -1;
  int sock_errno = 0;
  CHECK(wait_for_error(&seen, &error_type, &sock_errno) >= 1);
  CHECK(error_type == MQTT_ERROR_TYPE_TCP_TRANSPORT);
  CHECK(sock_errno == ECONNREFUSED);

  CHECK(esp_mqtt_client_stop(client) == ESP_OK);
  CHECK(esp_mqtt_client_destroy(client) == ESP_OK);
  close(refused_fd);
  puts("esp_c_client: ok");
  return 0;
}
