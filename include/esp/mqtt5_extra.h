/*
 * mqtt5_extra.h — portmqtt extensions of the ESP-MQTT API for the MQTT 5 data and actions that
 * ESP-MQTT's events and calls cannot express, so that an ESP-API program can do everything an
 * MQTT 5 client must. Included by mqtt_client.h; the names are portmqtt's own.
 */
#ifndef PORTMQTT_MQTT5_EXTRA_H
#define PORTMQTT_MQTT5_EXTRA_H

#include <stdbool.h>
#include <stdint.h>

#include "mqtt_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * portmqtt extension: the MQTT 5 data of an event that esp_mqtt5_event_property_t has no
 * field for. Filled by esp_mqtt5_event_get_extra(); pointers stay valid until the handler
 * returns.
 */
typedef struct {
  bool message_expiry_present;      /*!< DATA: the PUBLISH carried a Message Expiry Interval. */
  uint32_t message_expiry_interval; /*!< DATA: its value in seconds (what the broker left of
                                         it when forwarding). */
  const uint32_t* subscription_ids; /*!< DATA: every Subscription Identifier of the message
                                         (ESP's subscribe_id holds only the first); NULL when
                                         none. */
  int subscription_id_count;        /*!< DATA: number of entries at subscription_ids. */
  const char* assigned_client_id;   /*!< CONNECTED: the Assigned Client Identifier (not
                                         NUL-terminated), NULL when the broker assigned none. */
  int assigned_client_id_len;       /*!< CONNECTED: bytes at assigned_client_id. */
  bool server_keep_alive_present;   /*!< CONNECTED: the broker set Server Keep Alive (the
                                         client then keeps alive at that interval). */
  uint16_t server_keep_alive;       /*!< CONNECTED: Server Keep Alive in seconds. */
  bool session_expiry_present;      /*!< CONNECTED: CONNACK carried a Session Expiry Interval. */
  uint32_t session_expiry_interval; /*!< CONNECTED: the broker's Session Expiry Interval. */
} esp_mqtt5_event_extra_t;

/**
 * portmqtt extension: reads the MQTT 5 data of the event being handled that the ESP event
 * does not carry (see esp_mqtt5_event_extra_t). Call it from the handler, with the event it
 * was given; fields that do not apply to the event (or to MQTT 3.x) are zero / NULL.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_ERR_INVALID_STATE outside the handler of
 *         that event (another thread, or after the handler returned)
 */
esp_err_t esp_mqtt5_event_get_extra(esp_mqtt_event_handle_t event, esp_mqtt5_event_extra_t* extra);

/**
 * portmqtt extension: the Session Expiry Interval of the next DISCONNECT the client sends
 * (esp_mqtt_client_disconnect(), _stop(), _destroy()), including 0, "end the session now",
 * which esp_mqtt5_client_set_disconnect_property() cannot express (its 0 means "leave the
 * property out"). Keeps the reason code and user properties set there. Note that MQTT 5
 * forbids a non-zero value when the CONNECT's Session Expiry Interval was 0.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_FAIL for an MQTT 3.x client
 */
esp_err_t esp_mqtt5_client_set_disconnect_session_expiry(esp_mqtt_client_handle_t client,
                                                         uint32_t seconds);

/**
 * portmqtt extension (MQTT 3.x and 5): closes the connection without DISCONNECT, as a broken
 * link would, so the broker publishes the client's last will (esp_mqtt_client_disconnect()
 * sends DISCONNECT, and the broker then discards the will). The client stays offline, with no
 * automatic reconnect, until esp_mqtt_client_reconnect() (or _stop() and _start());
 * MQTT_EVENT_DISCONNECTED follows when it was connected. Messages queued stay in the outbox.
 * Any task; does not wait for the close.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_FAIL when the client is not started
 */
esp_err_t esp_mqtt_client_disconnect_abruptly(esp_mqtt_client_handle_t client);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_MQTT5_EXTRA_H */
