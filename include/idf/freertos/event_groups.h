/*
 * freertos/event_groups.h — FreeRTOS event groups (portmqtt-idf): 24 flag bits that tasks set,
 * clear and wait for (any or all of a set), with real time-outs. Thread-safe.
 */
#ifndef PORTMQTT_IDF_EVENT_GROUPS_H
#define PORTMQTT_IDF_EVENT_GROUPS_H

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An event group (opaque). */
typedef struct EventGroupDef_t* EventGroupHandle_t;
/** Event bits; the top 8 bits are reserved as in FreeRTOS and ignored. */
typedef TickType_t EventBits_t;

/** Creates an event group with every bit clear. @return NULL when out of memory */
EventGroupHandle_t xEventGroupCreate(void);
/** Deletes an event group; no task may wait on it. NULL is ignored. */
void vEventGroupDelete(EventGroupHandle_t xEventGroup);

/**
 * Sets bits and wakes the tasks whose wait is now satisfied.
 * @return the bits right after setting
 */
EventBits_t xEventGroupSetBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet);
/** Clears bits. @return the bits before clearing */
EventBits_t xEventGroupClearBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToClear);
/** The current bits. */
#define xEventGroupGetBits(xEventGroup) xEventGroupClearBits((xEventGroup), 0)
/** The current bits, callable anywhere. */
EventBits_t xEventGroupGetBitsFromISR(EventGroupHandle_t xEventGroup);
/** xEventGroupSetBits() for interrupt-shared code. @return pdPASS */
BaseType_t xEventGroupSetBitsFromISR(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet,
                                     BaseType_t* pxHigherPriorityTaskWoken);
/** xEventGroupClearBits() for interrupt-shared code. @return pdPASS */
BaseType_t xEventGroupClearBitsFromISR(EventGroupHandle_t xEventGroup,
                                       const EventBits_t uxBitsToClear);

/**
 * Waits until any (xWaitForAllBits pdFALSE) or all (pdTRUE) of uxBitsToWaitFor are set.
 *
 * @param xClearOnExit pdTRUE: on success those bits are cleared before returning
 * @return the bits when the wait ended (before clearing); on time-out the bits then, which
 *         the caller tests to tell success from time-out
 */
EventBits_t xEventGroupWaitBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToWaitFor,
                                const BaseType_t xClearOnExit, const BaseType_t xWaitForAllBits,
                                TickType_t xTicksToWait);

/**
 * Sets uxBitsToSet, then waits until all of uxBitsToWaitFor are set (a rendezvous); on
 * success those bits are cleared.
 *
 * @return the bits when the wait ended (before clearing)
 */
EventBits_t xEventGroupSync(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet,
                            const EventBits_t uxBitsToWaitFor, TickType_t xTicksToWait);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_EVENT_GROUPS_H */
