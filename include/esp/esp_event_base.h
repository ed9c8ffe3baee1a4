/*
 * esp_event_base.h — the vocabulary of ESP-IDF's event library: event bases, handler
 * signature and the "any" wildcards. Included by esp_event.h.
 */
#ifndef PORTMQTT_ESP_EVENT_BASE_H
#define PORTMQTT_ESP_EVENT_BASE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Names a family of events; compared by pointer, so each base is one global string. */
typedef const char* esp_event_base_t;

/** Handle of an event loop (see esp_event_loop_create()). */
typedef void* esp_event_loop_handle_t;

/**
 * Event handler signature.
 *
 * @param event_handler_arg the pointer given at registration
 * @param event_base        family of the event (MQTT_EVENTS for MQTT clients)
 * @param event_id          event number within the family (an esp_mqtt_event_id_t for MQTT)
 * @param event_data        event payload (an esp_mqtt_event_handle_t for MQTT; for posted
 *                          events the loop's copy of the posted data); valid only until the
 *                          handler returns
 */
typedef void (*esp_event_handler_t)(void* event_handler_arg, esp_event_base_t event_base,
                                    int32_t event_id, void* event_data);

/** Identifies one registration made with esp_event_handler_instance_register[_with](). */
typedef void* esp_event_handler_instance_t;

/** Registers a handler for every base. */
#define ESP_EVENT_ANY_BASE NULL
/** Registers a handler for every event id of a base. */
#define ESP_EVENT_ANY_ID -1

/** Declares an event base defined elsewhere (use in headers). */
#define ESP_EVENT_DECLARE_BASE(id) extern esp_event_base_t const id
/** Defines an event base; its value is its own name. Use in exactly one source file. */
#define ESP_EVENT_DEFINE_BASE(id) esp_event_base_t const id = #id

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_EVENT_BASE_H */
