/*
 * freertos/task.h — FreeRTOS tasks on POSIX threads (portmqtt-idf): creation, deletion,
 * delays, the tick count and direct-to-task notifications.
 *
 * A task is a detached thread running the task function. As in FreeRTOS, a task function
 * must not return: it ends with vTaskDelete(NULL) (returning aborts the process with the
 * task's name, as ESP-IDF does). vTaskDelete() of another task takes effect when that task
 * next blocks in this library (vTaskDelay, a queue, semaphore, event group or notification
 * wait); a task that never blocks cannot be deleted from outside.
 */
#ifndef PORTMQTT_IDF_TASK_H
#define PORTMQTT_IDF_TASK_H

#include "freertos/FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A task (opaque). NULL in the calls below means the calling task. */
typedef struct tskTaskControlBlock* TaskHandle_t;
/** Task function: runs in the new task with the pvParameters given at creation. */
typedef void (*TaskFunction_t)(void*);

/** What xTaskGenericNotify() does to the notification value. */
typedef enum {
  eNoAction = 0,            /*!< Only notify. */
  eSetBits,                 /*!< value |= ulValue. */
  eIncrement,               /*!< value += 1. */
  eSetValueWithOverwrite,   /*!< value = ulValue. */
  eSetValueWithoutOverwrite /*!< value = ulValue unless a notification is pending. */
} eNotifyAction;

/**
 * Creates a task running pxTaskCode(pvParameters) on a new thread.
 *
 * @param pcName        name, for pcTaskGetName() (copied; NULL gives "")
 * @param usStackDepth  stack size in bytes as in ESP-IDF; the thread gets at least 256 KiB,
 *                      since glibc and the MQTT library need more than ESP-IDF sizes
 * @param uxPriority    recorded (uxTaskPriorityGet()), not applied
 * @param pxCreatedTask receives the handle; may be NULL
 * @return pdPASS; errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY if the thread cannot be created
 */
BaseType_t xTaskCreate(TaskFunction_t pxTaskCode, const char* const pcName,
                       const configSTACK_DEPTH_TYPE usStackDepth, void* const pvParameters,
                       UBaseType_t uxPriority, TaskHandle_t* const pxCreatedTask);

/** xTaskCreate(); xCoreID is accepted (0, 1 or tskNO_AFFINITY) and not applied. */
BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pxTaskCode, const char* const pcName,
                                   const uint32_t usStackDepth, void* const pvParameters,
                                   UBaseType_t uxPriority, TaskHandle_t* const pxCreatedTask,
                                   const BaseType_t xCoreID);

/**
 * Deletes a task. vTaskDelete(NULL) ends the calling task at once (its thread exits). For
 * another task see the file comment. Deleting the task that runs app_main() is allowed, as in
 * ESP-IDF.
 */
void vTaskDelete(TaskHandle_t xTaskToDelete);

/** Blocks the calling task for xTicksToDelay ticks (milliseconds). 0 yields. */
void vTaskDelay(const TickType_t xTicksToDelay);

/**
 * Blocks until *pxPreviousWakeTime + xTimeIncrement, then sets *pxPreviousWakeTime to that
 * time: a fixed-rate loop.
 *
 * @return pdTRUE if it blocked; pdFALSE if the time had already passed
 */
BaseType_t xTaskDelayUntil(TickType_t* const pxPreviousWakeTime, const TickType_t xTimeIncrement);
/** xTaskDelayUntil() without the result (FreeRTOS's older name). */
#define vTaskDelayUntil(pxPreviousWakeTime, xTimeIncrement) \
  ((void)xTaskDelayUntil((pxPreviousWakeTime), (xTimeIncrement)))

/** Ticks (milliseconds) since the process started; wraps after about 49 days. */
TickType_t xTaskGetTickCount(void);
/** xTaskGetTickCount(), callable anywhere. */
TickType_t xTaskGetTickCountFromISR(void);

/** The calling task: the one created for it, or one made on first use for other threads. */
TaskHandle_t xTaskGetCurrentTaskHandle(void);

/** Name of a task (NULL: the caller). Valid while the task exists. */
char* pcTaskGetName(TaskHandle_t xTaskToQuery);
/** FreeRTOS's older name of pcTaskGetName(). */
#define pcTaskGetTaskName(xTaskToQuery) pcTaskGetName(xTaskToQuery)

/** Priority recorded for a task (NULL: the caller). */
UBaseType_t uxTaskPriorityGet(const TaskHandle_t xTask);
/** Records a new priority (not applied). */
void vTaskPrioritySet(TaskHandle_t xTask, UBaseType_t uxNewPriority);

/**
 * ESP-IDF reports the least free stack ever seen. Linux does not track stack use per
 * thread, so this reports the stack size given at creation (0 for threads not created by
 * xTaskCreate()).
 */
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t xTask);

/** Number of tasks that exist (created and not deleted, plus adopted threads). */
UBaseType_t uxTaskGetNumberOfTasks(void);

/** Yields the processor. */
#define taskYIELD() vPortYield()
#define taskENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define taskEXIT_CRITICAL(mux) vPortExitCritical(mux)
#define taskENTER_CRITICAL_ISR(mux) vPortEnterCritical(mux)
#define taskEXIT_CRITICAL_ISR(mux) vPortExitCritical(mux)

/**
 * Notifies a task (index 0 only): updates its notification value by eAction and wakes it if
 * it waits in ulTaskNotifyTake()/xTaskNotifyWait().
 *
 * @param uxIndexToNotify        must be 0
 * @param pulPreviousNotificationValue receives the value before the update; may be NULL
 * @return pdPASS; pdFAIL for eSetValueWithoutOverwrite when a notification was pending, or a
 *         NULL task or index other than 0
 */
BaseType_t xTaskGenericNotify(TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify,
                              uint32_t ulValue, eNotifyAction eAction,
                              uint32_t* pulPreviousNotificationValue);

/**
 * Waits for a notification of the calling task (index 0).
 *
 * @param xClearCountOnExit pdTRUE: the value becomes 0; pdFALSE: it is decremented
 * @return the value before it was cleared or decremented; 0 on time-out
 */
uint32_t ulTaskGenericNotifyTake(UBaseType_t uxIndexToWaitOn, BaseType_t xClearCountOnExit,
                                 TickType_t xTicksToWait);

/**
 * Waits for a notification of the calling task (index 0), clearing bits of its value on
 * entry and on exit.
 *
 * @param pulNotificationValue receives the value before the exit clearing; may be NULL
 * @return pdTRUE if notified; pdFALSE on time-out
 */
BaseType_t xTaskGenericNotifyWait(UBaseType_t uxIndexToWaitOn, uint32_t ulBitsToClearOnEntry,
                                  uint32_t ulBitsToClearOnExit, uint32_t* pulNotificationValue,
                                  TickType_t xTicksToWait);

#define xTaskNotifyGive(xTaskToNotify) xTaskGenericNotify((xTaskToNotify), 0, 0, eIncrement, NULL)
#define xTaskNotify(xTaskToNotify, ulValue, eAction) \
  xTaskGenericNotify((xTaskToNotify), 0, (ulValue), (eAction), NULL)
#define xTaskNotifyAndQuery(xTaskToNotify, ulValue, eAction, pulPreviousNotifyValue) \
  xTaskGenericNotify((xTaskToNotify), 0, (ulValue), (eAction), (pulPreviousNotifyValue))
#define ulTaskNotifyTake(xClearCountOnExit, xTicksToWait) \
  ulTaskGenericNotifyTake(0, (xClearCountOnExit), (xTicksToWait))
#define xTaskNotifyWait(ulBitsToClearOnEntry, ulBitsToClearOnExit, pulNotificationValue,           \
                        xTicksToWait)                                                              \
  xTaskGenericNotifyWait(0, (ulBitsToClearOnEntry), (ulBitsToClearOnExit), (pulNotificationValue), \
                         (xTicksToWait))
#define vTaskNotifyGiveFromISR(xTaskToNotify, pxHigherPriorityTaskWoken) \
  ((void)(pxHigherPriorityTaskWoken), (void)xTaskNotifyGive(xTaskToNotify))

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_TASK_H */
