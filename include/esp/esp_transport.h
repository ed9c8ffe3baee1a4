/**
 * \file
 * esp_transport.h — the two transport types that esp_mqtt_client_config_t mentions.
 *
 * ESP-IDF's transport layer (tcp_transport) is not reproduced: a transport handle is opaque,
 * and portmqtt builds its own TCP, TLS, WebSocket and secure WebSocket streams.
 */
#ifndef PORTMQTT_ESP_TRANSPORT_H
#define PORTMQTT_ESP_TRANSPORT_H

#include <stdbool.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** TCP keep-alive settings applied to the broker connection's socket. */
typedef struct esp_transport_keepalive {
  bool keep_alive_enable;  /*!< Turn TCP keep-alive probes on (SO_KEEPALIVE). */
  int keep_alive_idle;     /*!< Seconds of silence before the first probe (TCP_KEEPIDLE). */
  int keep_alive_interval; /*!< Seconds between probes (TCP_KEEPINTVL). */
  int keep_alive_count;    /*!< Unanswered probes before the connection is dropped. */
} esp_transport_keep_alive_t;

/** Opaque list of transports (ESP-IDF internal; never created by portmqtt). */
typedef struct esp_transport_list_t* esp_transport_list_handle_t;

/**
 * Opaque transport. esp_mqtt_client_get_transport() hands one out so that code written for
 * ESP-IDF compiles; there are no functions here that act on it.
 */
typedef struct esp_transport_item_t* esp_transport_handle_t;

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_TRANSPORT_H */
