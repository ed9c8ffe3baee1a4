/*
 * What every program here shares, as the official examples each carry it: reading the broker
 * URL from standard input (CONFIG_BROKER_URL_FROM_STDIN) and logging error events.
 */
#ifndef EXAMPLE_COMMON_H
#define EXAMPLE_COMMON_H

#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "mqtt_client.h"

static void log_error_if_nonzero(const char* tag, const char* message, int error_code) {
  if (error_code != 0) {
    ESP_LOGE(tag, "Last error %s: 0x%x", message, error_code);
  }
}

static void log_error_event(const char* tag, esp_mqtt_event_handle_t event) {
  if (event->error_handle->error_type == MQTT_ERROR_TYPE_TCP_TRANSPORT) {
    log_error_if_nonzero(tag, "reported from esp-tls", event->error_handle->esp_tls_last_esp_err);
    log_error_if_nonzero(tag, "reported from tls stack", event->error_handle->esp_tls_stack_err);
    log_error_if_nonzero(tag, "captured as transport's socket errno",
                         event->error_handle->esp_transport_sock_errno);
    ESP_LOGI(tag, "Last errno string (%s)",
             strerror(event->error_handle->esp_transport_sock_errno));
  }
}

/* The examples' stdin reader: one line, one character at a time, yielding between reads. */
static void read_broker_url(char* line, size_t size) {
  size_t count = 0;
  printf("Please enter url of mqtt broker\n");
  while (count + 1 < size) {
    int c = fgetc(stdin);
    if (c == '\n' || c == EOF) break;
    if (c > 0 && c < 127) line[count++] = (char)c;
    vTaskDelay(10 / portTICK_PERIOD_MS);
  }
  line[count] = '\0';
  printf("Broker url: %s\n", line);
}

#endif /* EXAMPLE_COMMON_H */
