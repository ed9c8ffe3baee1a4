// What the MQTT clients need of esp_event loops beyond esp_event.h: each client owns a loop
// without a task (as ESP-MQTT does) and dispatches its events on its own thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "esp_event.h"

namespace portmqtt::esp {

/// Calls the handlers `loop` has for (base, id) on this thread, now, with `data` itself as
/// event_data, in esp_event's order (any base, any id, exact id; each in registration order).
/// This is what esp_event_post_to() followed by esp_event_loop_run() does on a loop without a
/// task, without copying the event into the queue: events already queued on such a loop are
/// dispatched first. ESP_ERR_INVALID_ARG for a null loop, ESP_ERR_INVALID_STATE while it is
/// deleted.
esp_err_t dispatch_now(esp_event_loop_handle_t loop, esp_event_base_t base, std::int32_t id,
                       void* data);

/// Changes how many posted events `loop` holds (at least 1).
void set_queue_capacity(esp_event_loop_handle_t loop, std::size_t capacity);

}  // namespace portmqtt::esp
