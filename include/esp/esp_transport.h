/**
 * \file
 * esp_transport.h — the transport types that esp_mqtt_client_config_t mentions and the error
 * codes that MQTT error events carry.
 *
 * ESP-IDF's transport layer (tcp_transport) is not reproduced: a transport handle is opaque,
 * and portmqtt builds its own TCP, TLS, WebSocket and secure WebSocket streams. The calls
 * below are the ones MQTT applications make on the handle esp_mqtt_client_get_transport()
 * returns (and on the list the config's transport field would take); each is answered without
 * a transport behind it, as documented on each.
 */
#ifndef PORTMQTT_ESP_TRANSPORT_H
#define PORTMQTT_ESP_TRANSPORT_H

#include <stdbool.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** First code of the TCP transport range (esp_mqtt_error_codes_t::esp_tls_last_esp_err). */
#define ESP_ERR_TCP_TRANSPORT_BASE (0xe000)
/** Connecting took longer than network.timeout_ms. */
#define ESP_ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT (ESP_ERR_TCP_TRANSPORT_BASE + 1)
/** The peer closed the connection (FIN received). */
#define ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN (ESP_ERR_TCP_TRANSPORT_BASE + 2)
/** The connection could not be made. */
#define ESP_ERR_TCP_TRANSPORT_CONNECTION_FAILED (ESP_ERR_TCP_TRANSPORT_BASE + 3)
/** An allocation failed. */
#define ESP_ERR_TCP_TRANSPORT_NO_MEM (ESP_ERR_TCP_TRANSPORT_BASE + 4)

/** Return values of ESP-IDF's transport reads and writes. */
typedef enum esp_tcp_transport_err_t {
  ERR_TCP_TRANSPORT_NO_MEM = -3,                   /*!< An allocation failed. */
  ERR_TCP_TRANSPORT_CONNECTION_FAILED = -2,        /*!< The connection failed. */
  ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN = -1, /*!< The peer closed the connection. */
  ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT = 0,        /*!< Nothing arrived in time. */
} esp_tcp_transport_err_t;

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

/**
 * ESP-IDF: creates an empty transport list for the config's transport field. portmqtt picks
 * its transport from the URI scheme, so there is no list to make.
 *
 * @return NULL always (a config with transport NULL is the normal case)
 */
esp_transport_list_handle_t esp_transport_list_init(void);

/**
 * ESP-IDF: frees a transport list.
 *
 * @return ESP_OK (NULL included)
 */
esp_err_t esp_transport_list_destroy(esp_transport_list_handle_t list);

/**
 * ESP-IDF: the errno of the transport's socket after a failure. MQTT error events carry it in
 * esp_mqtt_error_codes_t::esp_transport_sock_errno, which is where portmqtt reports it.
 *
 * @return 0 for any handle (NULL included)
 */
int esp_transport_get_errno(esp_transport_handle_t t);

/**
 * ESP-IDF: the default port of a transport. Ports come from the URI or the config here.
 *
 * @return -1 (unknown) for any handle
 */
int esp_transport_get_default_port(esp_transport_handle_t t);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_TRANSPORT_H */
