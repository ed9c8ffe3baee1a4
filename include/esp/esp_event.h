/**
 * \file
 * esp_event.h — ESP-IDF's event loop library: a default loop and loops of the application's
 * own, handlers registered per (base, id) and events posted to a loop's queue, dispatched on
 * the loop's own thread (its "task") in the order they were posted.
 *
 * As ESP-IDF's header does, this one brings FreeRTOS in (freertos/FreeRTOS.h, task.h, queue.h,
 * semphr.h) when the optional platform layer portmqtt-idf is on the include path, so code that
 * calls vTaskDelay(x / portTICK_PERIOD_MS) after including only esp_event.h compiles. Without
 * that layer only the FreeRTOS scalar types and tick macros are defined.
 *
 * Time-outs are in ticks; one tick is one millisecond (portmqtt_freertos_types.h).
 * MQTT clients do not use these loops: each client dispatches its own events on its own
 * thread to the handlers given to esp_mqtt_client_register_event(), as ESP-IDF's clients use
 * a private loop.
 */
#ifndef PORTMQTT_ESP_EVENT_H
#define PORTMQTT_ESP_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_event_base.h"
#include "esp_log.h" /* ESP-IDF's esp_event.h brings logging in, and with it sdkconfig.h */
#include "portmqtt_freertos_types.h"

#if defined(__has_include)
#if __has_include("freertos/FreeRTOS.h")
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of an event loop created with esp_event_loop_create(). */
typedef struct {
  int32_t queue_size;        /*!< Events the queue holds before posting waits (> 0). */
  const char* task_name;     /*!< Name of the loop's thread; NULL: no thread, the application
                                  dispatches with esp_event_loop_run(). */
  UBaseType_t task_priority; /*!< Kept for ESP-IDF code; Linux threads share one priority. */
  uint32_t task_stack_size;  /*!< Kept for ESP-IDF code; the thread gets the system default. */
  BaseType_t task_core_id;   /*!< Kept for ESP-IDF code; the thread is not pinned. */
} esp_event_loop_args_t;

/**
 * Creates an event loop.
 *
 * @param event_loop_args queue size and task name (see esp_event_loop_args_t)
 * @param event_loop      receives the handle
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL pointers or queue_size <= 0; ESP_ERR_NO_MEM;
 *         ESP_FAIL if the thread cannot be started
 */
esp_err_t esp_event_loop_create(const esp_event_loop_args_t* event_loop_args,
                                esp_event_loop_handle_t* event_loop);

/**
 * Deletes an event loop: events still queued are dropped, the thread (if any) is joined after
 * the handler running now returns, and every registration is removed. Not from a handler of
 * the same loop.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_ERR_INVALID_STATE from the loop's thread
 */
esp_err_t esp_event_loop_delete(esp_event_loop_handle_t event_loop);

/**
 * Creates the default event loop (queue of 32 events, thread "sys_evt"), which the calls
 * without a loop argument use.
 *
 * @return ESP_OK; ESP_ERR_INVALID_STATE if it exists already (as in ESP-IDF); ESP_ERR_NO_MEM;
 *         ESP_FAIL
 */
esp_err_t esp_event_loop_create_default(void);

/**
 * Deletes the default event loop (see esp_event_loop_delete()).
 *
 * @return ESP_OK; ESP_ERR_INVALID_STATE if there is none, or from its own thread
 */
esp_err_t esp_event_loop_delete_default(void);

/**
 * Dispatches the events of a loop created without a task, on the calling thread, for about
 * ticks_to_run ticks (portMAX_DELAY: until the loop is deleted). Returns ESP_OK also when no
 * event arrived in that time.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_ERR_INVALID_STATE for a loop with a task
 */
esp_err_t esp_event_loop_run(esp_event_loop_handle_t event_loop, TickType_t ticks_to_run);

/**
 * Registers a handler with the default loop for one event (base, id), every event of a base
 * (base, ESP_EVENT_ANY_ID) or every event (ESP_EVENT_ANY_BASE, ESP_EVENT_ANY_ID).
 * Registering the same handler for the same (base, id) again replaces its argument.
 * Handlers run on the loop's thread: for one event, those of any base first, then those of
 * any id of the base, then those of the exact id, each group in registration order.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for a NULL handler or (ANY_BASE, id other than
 *         ANY_ID); ESP_ERR_INVALID_STATE without a default loop; ESP_ERR_NO_MEM
 */
esp_err_t esp_event_handler_register(esp_event_base_t event_base, int32_t event_id,
                                     esp_event_handler_t event_handler, void* event_handler_arg);

/** esp_event_handler_register() on a given loop. */
esp_err_t esp_event_handler_register_with(esp_event_loop_handle_t event_loop,
                                          esp_event_base_t event_base, int32_t event_id,
                                          esp_event_handler_t event_handler,
                                          void* event_handler_arg);

/**
 * Registers a handler on a loop as a separate instance: the same handler may be registered
 * several times for the same event, and each instance is removed on its own with
 * esp_event_handler_instance_unregister_with().
 *
 * @param instance receives the instance's identity; may be NULL if it is never unregistered
 * @return as esp_event_handler_register()
 */
esp_err_t esp_event_handler_instance_register_with(esp_event_loop_handle_t event_loop,
                                                   esp_event_base_t event_base, int32_t event_id,
                                                   esp_event_handler_t event_handler,
                                                   void* event_handler_arg,
                                                   esp_event_handler_instance_t* instance);

/** esp_event_handler_instance_register_with() on the default loop. */
esp_err_t esp_event_handler_instance_register(esp_event_base_t event_base, int32_t event_id,
                                              esp_event_handler_t event_handler,
                                              void* event_handler_arg,
                                              esp_event_handler_instance_t* instance);

/**
 * Removes the registration of a handler for exactly (base, id) from the default loop (one
 * made with esp_event_handler_register()). A handler that is running finishes; it is not
 * called again afterwards. Unknown registrations are ignored.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG as for registering; ESP_ERR_INVALID_STATE without a
 *         default loop
 */
esp_err_t esp_event_handler_unregister(esp_event_base_t event_base, int32_t event_id,
                                       esp_event_handler_t event_handler);

/** esp_event_handler_unregister() on a given loop. */
esp_err_t esp_event_handler_unregister_with(esp_event_loop_handle_t event_loop,
                                            esp_event_base_t event_base, int32_t event_id,
                                            esp_event_handler_t event_handler);

/**
 * Removes one instance registration from a loop.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL, or when no such instance is registered for
 *         (base, id)
 */
esp_err_t esp_event_handler_instance_unregister_with(esp_event_loop_handle_t event_loop,
                                                     esp_event_base_t event_base, int32_t event_id,
                                                     esp_event_handler_instance_t instance);

/** esp_event_handler_instance_unregister_with() on the default loop. */
esp_err_t esp_event_handler_instance_unregister(esp_event_base_t event_base, int32_t event_id,
                                                esp_event_handler_instance_t instance);

/**
 * Posts an event to the default loop. The loop copies event_data_size bytes of event_data;
 * the handlers get a pointer to that copy (NULL when event_data is NULL or the size is 0).
 * Thread-safe; may be called from a handler (mind a full queue then).
 *
 * @param ticks_to_wait how long to wait while the queue is full (0: fail at once)
 * @return ESP_OK; ESP_ERR_TIMEOUT if the queue stayed full; ESP_ERR_INVALID_ARG for
 *         ESP_EVENT_ANY_BASE or ESP_EVENT_ANY_ID; ESP_ERR_INVALID_STATE without a default loop
 */
esp_err_t esp_event_post(esp_event_base_t event_base, int32_t event_id, const void* event_data,
                         size_t event_data_size, TickType_t ticks_to_wait);

/** esp_event_post() to a given loop. */
esp_err_t esp_event_post_to(esp_event_loop_handle_t event_loop, esp_event_base_t event_base,
                            int32_t event_id, const void* event_data, size_t event_data_size,
                            TickType_t ticks_to_wait);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_EVENT_H */
