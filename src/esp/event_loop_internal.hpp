// What the MQTT clients need of esp_event loops beyond esp_event.h: each client owns a loop
// without a task (as ESP-MQTT does) and dispatches its events on its own thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "esp_event.h"

namespace portmqtt::esp {

/// Dispatch without the queue for a thread that dispatches many events to the same loop, as a
/// client's thread does. dispatch() calls the handlers the loop has for (base, id) on this
/// thread, now, with `data` itself as event_data, in esp_event's order (any base, any id,
/// exact id; each in registration order): what esp_event_post_to() followed by
/// esp_event_loop_run() does on a loop without a task, without copying the event into the
/// queue; events already queued on such a loop are dispatched first. ESP_ERR_INVALID_ARG for
/// a null loop, ESP_ERR_INVALID_STATE while it is deleted.
///
/// The loop's registrations and queue are read under its mutex once, and again only when
/// they changed since (a handler registered, unregistered or posted, or the loop is being
/// deleted). The handlers run without a lock: an unregistration made outside any handler
/// waits for the call in progress as it waits for any dispatch. dispatch() is for one thread
/// per loop (the client's), one call at a time or nested in its own handlers.
class DispatchCache {
 public:
  explicit DispatchCache(esp_event_loop_handle_t loop) noexcept : loop_(loop) {}
  esp_err_t dispatch(esp_event_base_t base, std::int32_t id, void* data);

 private:
  friend class DispatchRun;
  /// Reads the registrations again when they changed (dispatching what was posted before
  /// first); ESP_ERR_INVALID_STATE while the loop is deleted.
  esp_err_t refresh();
  /// The registrations of the last read (a `const Registrations*`).
  const void* list() const noexcept;

  esp_event_loop_handle_t loop_;
  std::shared_ptr<const void> list_;  // the registrations of the last read
  std::uint64_t seen_ = 0;            // the loop's change count at that read
};

/// Several events in a row, as the acknowledgements of one read: the registrations are read
/// as DispatchCache reads them, and the loop's lock that keeps an unregistration waiting for
/// a running handler is taken once and held for the whole run.
class DispatchRun {
 public:
  explicit DispatchRun(esp_event_loop_handle_t loop) noexcept : cache_(loop) {}
  esp_err_t dispatch(esp_event_base_t base, std::int32_t id, void* data);

 private:
  DispatchCache cache_;
  std::unique_lock<std::recursive_mutex> running_;  // the loop's `dispatching`, once taken
};

/// Changes how many posted events `loop` holds (at least 1).
void set_queue_capacity(esp_event_loop_handle_t loop, std::size_t capacity);

}  // namespace portmqtt::esp
