/*
 * mqtt_outbox.h — ESP-MQTT's outbox interface, for applications that bring their own outbox
 * (ESP-IDF's CONFIG_MQTT_CUSTOM_OUTBOX, as in esp-mqtt's custom_outbox example).
 *
 * An application selects its custom outbox by defining these functions (all of them, in C or
 * with C linkage), exactly as it does for ESP-IDF, where CONFIG_MQTT_CUSTOM_OUTBOX removes the
 * built-in outbox so that the application's definitions link. Here the option needs no
 * setting: the library finds the definitions when the program is linked, and uses them when
 * outbox_init is defined.
 *
 * How it coexists with portmqtt's own outbox: the built-in outbox stays the one the client
 * sends and resends from (it implements the delivery guarantees, expiry and limits). The
 * custom outbox is kept in step with it, call for call as ESP-MQTT would make them: each
 * client calls outbox_init() when created and outbox_destroy() when destroyed; every QoS 1
 * and QoS 2 message accepted by esp_mqtt_client_publish()/enqueue() is passed to
 * outbox_enqueue() (data: the PUBLISH packet as MQTT 3.1.1 encodes it, or with an empty
 * property section for MQTT 5; remaining_data NULL); its acknowledgement (PUBACK or PUBCOMP)
 * or its expiry removes it with outbox_delete(). The functions are called with a lock of the
 * client held, from the thread calling the API or the client's own thread, never two at once
 * for one outbox. Nothing is read back from the custom outbox: what the application does with
 * the copies (accounting, its own persistence, memory from its own pool) does not change
 * what is sent.
 */
#ifndef PORTMQTT_MQTT_OUTBOX_H
#define PORTMQTT_MQTT_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct outbox_item;

typedef struct outbox_list_t* outbox_handle_t;          /*!< An outbox (the application's type). */
typedef struct outbox_item* outbox_item_handle_t;       /*!< One item (the application's type). */
typedef struct outbox_message* outbox_message_handle_t; /*!< A message to enqueue. */
typedef long long outbox_tick_t; /*!< Milliseconds since the program started. */

/** A message handed to outbox_enqueue(); the outbox copies what it keeps. */
typedef struct outbox_message {
  uint8_t* data;           /*!< The encoded packet. */
  int len;                 /*!< Bytes at data. */
  int msg_id;              /*!< Packet identifier (the msg_id the API returned). */
  int msg_qos;             /*!< QoS 1 or 2. */
  int msg_type;            /*!< MQTT packet type: 3 (PUBLISH). */
  uint8_t* remaining_data; /*!< More bytes of the packet (always NULL here). */
  int remaining_len;       /*!< Bytes at remaining_data (always 0 here). */
} outbox_message_t;

/** Where an item is in its delivery. */
typedef enum pending_state {
  QUEUED,       /*!< Not sent yet. */
  TRANSMITTED,  /*!< Sent, not acknowledged. */
  ACKNOWLEDGED, /*!< QoS 2: PUBREC received. */
  CONFIRMED     /*!< Done. */
} pending_state_t;

/** Creates an outbox. NULL makes esp_mqtt_client_init() fail, as in ESP-MQTT. */
outbox_handle_t outbox_init(void);
/** Copies a message into the outbox with its tick. @return the item; NULL when it failed */
outbox_item_handle_t outbox_enqueue(outbox_handle_t outbox, outbox_message_handle_t message,
                                    outbox_tick_t tick);
/** The first item in a pending state, its tick in *tick. */
outbox_item_handle_t outbox_dequeue(outbox_handle_t outbox, pending_state_t pending,
                                    outbox_tick_t* tick);
/** The item with msg_id, or NULL. */
outbox_item_handle_t outbox_get(outbox_handle_t outbox, int msg_id);
/** An item's bytes, length, id, type and QoS. */
uint8_t* outbox_item_get_data(outbox_item_handle_t item, size_t* len, uint16_t* msg_id,
                              int* msg_type, int* qos);
/** Removes the item of msg_id and msg_type. @return ESP_OK; ESP_FAIL if there is none */
esp_err_t outbox_delete(outbox_handle_t outbox, int msg_id, int msg_type);
/** Removes an item. */
esp_err_t outbox_delete_item(outbox_handle_t outbox, outbox_item_handle_t item);
/** Removes the items older than timeout. @return how many */
int outbox_delete_expired(outbox_handle_t outbox, outbox_tick_t current_tick,
                          outbox_tick_t timeout);
/** Removes one item older than timeout. @return its msg_id, or -1 */
int outbox_delete_single_expired(outbox_handle_t outbox, outbox_tick_t current_tick,
                                 outbox_tick_t timeout);
/** Sets the pending state of the item of msg_id. */
esp_err_t outbox_set_pending(outbox_handle_t outbox, int msg_id, pending_state_t pending);
/** The pending state of an item. */
pending_state_t outbox_item_get_pending(outbox_item_handle_t item);
/** Sets the tick of the item of msg_id. */
esp_err_t outbox_set_tick(outbox_handle_t outbox, int msg_id, outbox_tick_t tick);
/** Bytes held by the outbox. */
uint64_t outbox_get_size(outbox_handle_t outbox);
/** Removes every item. */
void outbox_delete_all_items(outbox_handle_t outbox);
/** Frees the outbox. */
void outbox_destroy(outbox_handle_t outbox);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_MQTT_OUTBOX_H */
