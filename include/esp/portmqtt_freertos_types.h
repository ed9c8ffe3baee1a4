/*
 * portmqtt_freertos_types.h — the FreeRTOS scalar types that ESP-IDF's esp_event.h signatures
 * use (TickType_t, BaseType_t, UBaseType_t) and the tick rate, so that esp_event.h compiles
 * without the optional FreeRTOS layer (portmqtt-idf), whose freertos/FreeRTOS.h includes this
 * same file.
 *
 * The types have the widths they have on ESP32 chips, so structs that contain them keep the
 * chip's layout. The tick is fixed at one millisecond (configTICK_RATE_HZ 1000): the
 * libraries convert ticks to time, and a tick rate chosen per application could not reach
 * them. CONFIG_FREERTOS_HZ is therefore not read.
 */
#ifndef PORTMQTT_FREERTOS_TYPES_H
#define PORTMQTT_FREERTOS_TYPES_H

#include <stdint.h>

/** Time in ticks (one tick is one millisecond here). */
typedef uint32_t TickType_t;
/** FreeRTOS's signed base type (results pdTRUE/pdFALSE, pdPASS/pdFAIL). */
typedef int BaseType_t;
/** FreeRTOS's unsigned base type (priorities, counts). */
typedef unsigned int UBaseType_t;

/** Ticks per second. */
#define configTICK_RATE_HZ 1000
/** Milliseconds per tick. */
#define portTICK_PERIOD_MS (1000U / configTICK_RATE_HZ)
/** Waits forever where a tick count is a time-out (a TickType_t value; no cast, so C++
 * code built with -Wold-style-cast accepts it). */
#define portMAX_DELAY 0xffffffffU

#endif /* PORTMQTT_FREERTOS_TYPES_H */
