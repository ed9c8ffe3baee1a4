// What the MQTT clients need of esp_event loops beyond esp_event.h: each client owns a loop
// without a task (as ESP-MQTT does) and dispatches its events on its own thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

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

/// dispatch_now() for several events in a row on the same thread, as for the
/// acknowledgements of one read: the loop's registrations and queue are read under its mutex
/// once, and again only when they changed since (a handler registered, unregistered or
/// posted), and the lock that keeps an unregistration waiting for a running handler is held
/// for the whole run. Each call behaves as dispatch_now() would.
class DispatchRun {
 public:
  explicit DispatchRun(esp_event_loop_handle_t loop) noexcept : loop_(loop) {}
  esp_err_t dispatch(esp_event_base_t base, std::int32_t id, void* data);

 private:
  esp_event_loop_handle_t loop_;
  std::shared_ptr<const void> list_;                // the registrations of the last read
  std::uint64_t seen_ = 0;                          // the loop's change count at that read
  std::unique_lock<std::recursive_mutex> running_;  // the loop's `dispatching`, once taken
};

/// Changes how many posted events `loop` holds (at least 1).
void set_queue_capacity(esp_event_loop_handle_t loop, std::size_t capacity);

}  // namespace portmqtt::esp
