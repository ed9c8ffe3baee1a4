/*
 * freertos/semphr.h — FreeRTOS binary and counting semaphores, mutexes and recursive mutexes
 * (portmqtt-idf), as queues of zero-size items like in FreeRTOS.
 *
 * A mutex records its holder: only the holder may give it (others get pdFAIL). A recursive
 * mutex counts how often its holder took it. There is no priority inheritance (Linux
 * schedules the threads).
 */
#ifndef PORTMQTT_IDF_SEMPHR_H
#define PORTMQTT_IDF_SEMPHR_H

#include "freertos/queue.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef QueueHandle_t SemaphoreHandle_t;

/** Creates a mutex (initially free), or a recursive one. @return NULL when out of memory */
QueueHandle_t xQueueCreateMutex(const uint8_t ucQueueType);
/**
 * Creates a counting semaphore.
 *
 * @return NULL for uxMaxCount 0, uxInitialCount > uxMaxCount, or out of memory
 */
QueueHandle_t xQueueCreateCountingSemaphore(const UBaseType_t uxMaxCount,
                                            const UBaseType_t uxInitialCount);
/**
 * Takes a semaphore or mutex, waiting while it is not available.
 *
 * @return pdTRUE; pdFALSE on time-out (a mutex already held by the caller also waits: use a
 *         recursive mutex to take it again)
 */
BaseType_t xQueueSemaphoreTake(QueueHandle_t xQueue, TickType_t xTicksToWait);
/** Takes a recursive mutex (again, if the caller holds it). @return pdTRUE; pdFALSE */
BaseType_t xQueueTakeMutexRecursive(QueueHandle_t xMutex, TickType_t xTicksToWait);
/** Gives back one take of a recursive mutex. @return pdTRUE; pdFALSE if not the holder */
BaseType_t xQueueGiveMutexRecursive(QueueHandle_t xMutex);
/** Gives a semaphore without waiting. @return pdTRUE; errQUEUE_FULL at the maximum count */
BaseType_t xQueueGiveFromISR(QueueHandle_t xQueue, BaseType_t* const pxHigherPriorityTaskWoken);
/** The task holding a mutex, or NULL. */
TaskHandle_t xQueueGetMutexHolder(QueueHandle_t xSemaphore);

#define xSemaphoreCreateBinary() xQueueGenericCreate(1, 0, queueQUEUE_TYPE_BINARY_SEMAPHORE)
#define xSemaphoreCreateCounting(uxMaxCount, uxInitialCount) \
  xQueueCreateCountingSemaphore((uxMaxCount), (uxInitialCount))
#define xSemaphoreCreateMutex() xQueueCreateMutex(queueQUEUE_TYPE_MUTEX)
#define xSemaphoreCreateRecursiveMutex() xQueueCreateMutex(queueQUEUE_TYPE_RECURSIVE_MUTEX)
#define xSemaphoreTake(xSemaphore, xBlockTime) xQueueSemaphoreTake((xSemaphore), (xBlockTime))
#define xSemaphoreGive(xSemaphore) xQueueGenericSend((xSemaphore), NULL, 0, queueSEND_TO_BACK)
#define xSemaphoreTakeRecursive(xMutex, xBlockTime) xQueueTakeMutexRecursive((xMutex), (xBlockTime))
#define xSemaphoreGiveRecursive(xMutex) xQueueGiveMutexRecursive(xMutex)
#define xSemaphoreTakeFromISR(xSemaphore, pxHigherPriorityTaskWoken) \
  xQueueReceiveFromISR((xSemaphore), NULL, (pxHigherPriorityTaskWoken))
#define xSemaphoreGiveFromISR(xSemaphore, pxHigherPriorityTaskWoken) \
  xQueueGiveFromISR((xSemaphore), (pxHigherPriorityTaskWoken))
#define xSemaphoreGetMutexHolder(xSemaphore) xQueueGetMutexHolder(xSemaphore)
#define uxSemaphoreGetCount(xSemaphore) uxQueueMessagesWaiting(xSemaphore)
#define vSemaphoreDelete(xSemaphore) vQueueDelete(xSemaphore)

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_SEMPHR_H */
