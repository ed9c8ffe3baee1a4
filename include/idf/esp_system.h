/*
 * esp_system.h — ESP-IDF's system calls on Linux (portmqtt-idf): free memory, restart, reset
 * reason and shutdown handlers.
 */
#ifndef PORTMQTT_IDF_ESP_SYSTEM_H
#define PORTMQTT_IDF_ESP_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_idf_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Why the program (re)started. */
typedef enum {
  ESP_RST_UNKNOWN = 0, /*!< Not known. */
  ESP_RST_POWERON,     /*!< A fresh start of the process. */
  ESP_RST_EXT,         /*!< (Not reported on Linux.) */
  ESP_RST_SW,          /*!< esp_restart() re-executed the program. */
  ESP_RST_PANIC,       /*!< (Not reported on Linux.) */
  ESP_RST_INT_WDT,     /*!< (Not reported on Linux.) */
  ESP_RST_TASK_WDT,    /*!< (Not reported on Linux.) */
  ESP_RST_WDT,         /*!< (Not reported on Linux.) */
  ESP_RST_DEEPSLEEP,   /*!< (Not reported on Linux.) */
  ESP_RST_BROWNOUT,    /*!< (Not reported on Linux.) */
  ESP_RST_SDIO,        /*!< (Not reported on Linux.) */
} esp_reset_reason_t;

/** A function esp_restart() calls before restarting. */
typedef void (*shutdown_handler_t)(void);

/**
 * Registers a shutdown handler (at most 5, as in ESP-IDF).
 * @return ESP_OK; ESP_ERR_INVALID_STATE if already registered; ESP_ERR_NO_MEM when full
 */
esp_err_t esp_register_shutdown_handler(shutdown_handler_t handle);
/** Removes a shutdown handler. @return ESP_OK; ESP_ERR_INVALID_STATE if not registered */
esp_err_t esp_unregister_shutdown_handler(shutdown_handler_t handle);

/**
 * Restarts the program: calls the shutdown handlers (last registered first), flushes stdio
 * and re-executes the same executable with the same arguments; the new process reports
 * ESP_RST_SW from esp_reset_reason(). If re-executing fails, the process exits with status 1.
 */
void esp_restart(void) __attribute__((noreturn));

/** Why this process started: ESP_RST_SW after esp_restart(), else ESP_RST_POWERON. */
esp_reset_reason_t esp_reset_reason(void);

/**
 * Memory available to the program: the system's available memory (MemAvailable), capped at
 * UINT32_MAX bytes.
 */
uint32_t esp_get_free_heap_size(void);
/** esp_get_free_heap_size(); Linux has one kind of memory. */
uint32_t esp_get_free_internal_heap_size(void);
/** The least esp_get_free_heap_size() has returned so far (or the current value). */
uint32_t esp_get_minimum_free_heap_size(void);

/** Prints details on stderr and aborts the process. */
void esp_system_abort(const char* details) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_ESP_SYSTEM_H */
