/*
 * freertos/queue.h — FreeRTOS queues on POSIX threads (portmqtt-idf): fixed-size items copied
 * in and out, blocking with time-outs when full or empty, any number of senders and
 * receivers. Semaphores and mutexes (freertos/semphr.h) are queues, as in FreeRTOS.
 * Every call is thread-safe; a blocked caller wakes as soon as its condition holds.
 */
#ifndef PORTMQTT_IDF_QUEUE_H
#define PORTMQTT_IDF_QUEUE_H

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A queue, semaphore or mutex (opaque). */
typedef struct QueueDefinition* QueueHandle_t;

#define queueSEND_TO_BACK 0
#define queueSEND_TO_FRONT 1
#define queueOVERWRITE 2

#define queueQUEUE_TYPE_BASE 0U
#define queueQUEUE_TYPE_MUTEX 1U
#define queueQUEUE_TYPE_COUNTING_SEMAPHORE 2U
#define queueQUEUE_TYPE_BINARY_SEMAPHORE 3U
#define queueQUEUE_TYPE_RECURSIVE_MUTEX 4U

/**
 * Creates a queue of uxQueueLength items of uxItemSize bytes (0: a semaphore). Used by the
 * xQueueCreate() and xSemaphoreCreate*() macros.
 *
 * @return the queue; NULL for uxQueueLength 0 or when memory runs out
 */
QueueHandle_t xQueueGenericCreate(const UBaseType_t uxQueueLength, const UBaseType_t uxItemSize,
                                  const uint8_t ucQueueType);
/** Creates a queue of uxQueueLength items of uxItemSize bytes each. */
#define xQueueCreate(uxQueueLength, uxItemSize) \
  xQueueGenericCreate((uxQueueLength), (uxItemSize), queueQUEUE_TYPE_BASE)

/** Deletes a queue; no task may be blocked on it. NULL is ignored. */
void vQueueDelete(QueueHandle_t xQueue);

/**
 * Copies an item into a queue at the back, the front, or over the only item
 * (queueOVERWRITE, for queues of length 1, never blocks). For a semaphore (item size 0) this
 * gives it; for a mutex only its holder may give it.
 *
 * @param pvItemToQueue  uxItemSize bytes to copy (ignored for semaphores)
 * @param xTicksToWait   how long to wait while the queue is full (portMAX_DELAY: forever)
 * @return pdPASS; errQUEUE_FULL when it stayed full; pdFAIL for a mutex not held by the
 *         caller
 */
BaseType_t xQueueGenericSend(QueueHandle_t xQueue, const void* const pvItemToQueue,
                             TickType_t xTicksToWait, const BaseType_t xCopyPosition);
#define xQueueSend(xQueue, pvItemToQueue, xTicksToWait) \
  xQueueGenericSend((xQueue), (pvItemToQueue), (xTicksToWait), queueSEND_TO_BACK)
#define xQueueSendToBack(xQueue, pvItemToQueue, xTicksToWait) \
  xQueueGenericSend((xQueue), (pvItemToQueue), (xTicksToWait), queueSEND_TO_BACK)
#define xQueueSendToFront(xQueue, pvItemToQueue, xTicksToWait) \
  xQueueGenericSend((xQueue), (pvItemToQueue), (xTicksToWait), queueSEND_TO_FRONT)
#define xQueueOverwrite(xQueue, pvItemToQueue) \
  xQueueGenericSend((xQueue), (pvItemToQueue), 0, queueOVERWRITE)

/** xQueueGenericSend() without waiting; *pxHigherPriorityTaskWoken (if not NULL) = pdFALSE. */
BaseType_t xQueueGenericSendFromISR(QueueHandle_t xQueue, const void* const pvItemToQueue,
                                    BaseType_t* const pxHigherPriorityTaskWoken,
                                    const BaseType_t xCopyPosition);
#define xQueueSendFromISR(xQueue, pvItemToQueue, pxHigherPriorityTaskWoken)        \
  xQueueGenericSendFromISR((xQueue), (pvItemToQueue), (pxHigherPriorityTaskWoken), \
                           queueSEND_TO_BACK)
#define xQueueSendToBackFromISR(xQueue, pvItemToQueue, pxHigherPriorityTaskWoken)  \
  xQueueGenericSendFromISR((xQueue), (pvItemToQueue), (pxHigherPriorityTaskWoken), \
                           queueSEND_TO_BACK)
#define xQueueSendToFrontFromISR(xQueue, pvItemToQueue, pxHigherPriorityTaskWoken) \
  xQueueGenericSendFromISR((xQueue), (pvItemToQueue), (pxHigherPriorityTaskWoken), \
                           queueSEND_TO_FRONT)
#define xQueueOverwriteFromISR(xQueue, pvItemToQueue, pxHigherPriorityTaskWoken) \
  xQueueGenericSendFromISR((xQueue), (pvItemToQueue), (pxHigherPriorityTaskWoken), queueOVERWRITE)

/**
 * Moves the front item out of a queue into pvBuffer, waiting while it is empty.
 *
 * @return pdPASS; errQUEUE_EMPTY when it stayed empty
 */
BaseType_t xQueueReceive(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait);
/** xQueueReceive() that leaves the item in the queue. */
BaseType_t xQueuePeek(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait);
/** xQueueReceive() without waiting. */
BaseType_t xQueueReceiveFromISR(QueueHandle_t xQueue, void* const pvBuffer,
                                BaseType_t* const pxHigherPriorityTaskWoken);

/** Items in a queue (a semaphore's count). */
UBaseType_t uxQueueMessagesWaiting(const QueueHandle_t xQueue);
/** uxQueueMessagesWaiting(), callable anywhere. */
UBaseType_t uxQueueMessagesWaitingFromISR(const QueueHandle_t xQueue);
/** Free places in a queue. */
UBaseType_t uxQueueSpacesAvailable(const QueueHandle_t xQueue);

/** Empties a queue and wakes tasks waiting to send. @return pdPASS */
BaseType_t xQueueGenericReset(QueueHandle_t xQueue, BaseType_t xNewQueue);
#define xQueueReset(xQueue) xQueueGenericReset((xQueue), pdFALSE)

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_QUEUE_H */
