/*
 * freertos/FreeRTOS.h — the FreeRTOS kernel API of ESP-IDF, on POSIX threads (portmqtt-idf).
 *
 * Part of portmqtt's optional ESP-IDF platform layer: with it, ESP-IDF applications that use
 * FreeRTOS tasks, delays, queues, semaphores, mutexes and event groups build and run on Linux
 * unchanged. Tasks are threads, the primitives have FreeRTOS's blocking semantics with real
 * time-outs, and one tick is one millisecond (configTICK_RATE_HZ 1000; CONFIG_FREERTOS_HZ is
 * not read). Priorities and core affinity are recorded but not applied: every task is an
 * ordinary thread scheduled by Linux, so code must not rely on a higher priority task
 * pre-empting a lower one. "FromISR" calls exist for code shared with interrupt handlers;
 * they never block.
 *
 * As in ESP-IDF, this header reads the application's sdkconfig.h when it is on the include
 * path.
 */
#ifndef PORTMQTT_IDF_FREERTOS_H
#define PORTMQTT_IDF_FREERTOS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__has_include)
#if __has_include("sdkconfig.h")
#include "sdkconfig.h"
#endif
#endif

#include "esp_bit_defs.h"
#include "portmqtt_freertos_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define pdFALSE 0
#define pdTRUE 1
#define pdFAIL pdFALSE
#define pdPASS pdTRUE
#define errQUEUE_EMPTY 0
#define errQUEUE_FULL 0
#define errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY (-1)

/** Converts milliseconds to ticks (the same number here). */
#define pdMS_TO_TICKS(xTimeInMs) \
  ((TickType_t)(((uint64_t)(xTimeInMs) * (uint64_t)configTICK_RATE_HZ) / 1000U))
/** Converts ticks to milliseconds (the same number here). */
#define pdTICKS_TO_MS(xTicks) ((uint32_t)(((uint64_t)(xTicks)*1000U) / configTICK_RATE_HZ))
/** FreeRTOS's older name of portTICK_PERIOD_MS. */
#define portTICK_RATE_MS portTICK_PERIOD_MS

/** Highest priority + 1, as in ESP-IDF. */
#define configMAX_PRIORITIES 25
/** ESP-IDF's smallest sensible task stack in bytes (threads get at least 256 KiB here). */
#define configMINIMAL_STACK_SIZE 768
/** Stack depth type of xTaskCreate() (bytes in ESP-IDF). */
#define configSTACK_DEPTH_TYPE uint32_t
/** Cores reported to the application; tasks are never pinned. */
#define portNUM_PROCESSORS 1
/** Core id meaning "any core". */
#define tskNO_AFFINITY 0x7FFFFFFF
/** Priority of the idle task. */
#define tskIDLE_PRIORITY 0U

/** Aborts with the expression's text when it is false (FreeRTOS's configASSERT). */
#define configASSERT(x)                                                \
  do {                                                                 \
    if (!(x)) portmqtt_freertos_assert_failed(#x, __FILE__, __LINE__); \
  } while (0)

/** Reports a failed configASSERT() on stderr and aborts. Used by the macro only. */
void portmqtt_freertos_assert_failed(const char* expression, const char* file, int line)
    __attribute__((noreturn));

/**
 * ESP-IDF's spinlock for critical sections. Here every critical section takes one
 * process-wide recursive mutex, so sections guarded by different spinlocks also exclude each
 * other (never less safe than on the chip, sometimes slower).
 */
typedef struct {
  uint32_t owner; /*!< Kept for ESP-IDF's layout; unused. */
  uint32_t count; /*!< Kept for ESP-IDF's layout; unused. */
} portMUX_TYPE;
/** Static initialiser of a portMUX_TYPE. */
#define portMUX_INITIALIZER_UNLOCKED \
  { 0, 0 }
/** Initialises a portMUX_TYPE at run time. */
#define portMUX_INITIALIZE(mux) \
  do {                          \
    (mux)->owner = 0;           \
    (mux)->count = 0;           \
  } while (0)
#define spinlock_initialize(mux) portMUX_INITIALIZE(mux)

/** Enters a critical section (recursive; pair with vPortExitCritical()). Any thread. */
void vPortEnterCritical(portMUX_TYPE* mux);
/** Leaves a critical section entered by the same thread. */
void vPortExitCritical(portMUX_TYPE* mux);
/** Yields the processor (sched_yield). */
void vPortYield(void);
/** Core the caller runs on: always 0 here. */
BaseType_t xPortGetCoreID(void);

#define portENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL(mux) vPortExitCritical(mux)
#define portENTER_CRITICAL_ISR(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL_ISR(mux) vPortExitCritical(mux)
#define portENTER_CRITICAL_SAFE(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL_SAFE(mux) vPortExitCritical(mux)
#define portYIELD() vPortYield()
/** Nothing to do on Linux: a woken task runs when Linux schedules it. */
#define portYIELD_FROM_ISR(...) ((void)0)
#define portEND_SWITCHING_ISR(x) ((void)(x))

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_FREERTOS_H */
