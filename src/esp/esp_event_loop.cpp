// esp_event.h: event loops with a queue of posted events and handlers per (base, id),
// dispatched on the loop's own thread or by esp_event_loop_run(); and, for the MQTT clients'
// own loops, a dispatch without the queue (event_loop_internal.hpp).
//
// The list of registrations is copy-on-write: a dispatch takes the current list under the
// mutex and calls handlers without it, so handlers may register, unregister and post freely.
// A dispatch holds `dispatching` while it calls handlers, so that an unregistration made
// outside any handler returns only once the handler cannot run any more (as ESP-IDF's loop
// mutex does). The one thread that dispatches a client's events one at a time
// (DispatchCache) counts its calls in `single_calls` instead, which costs no lock per event;
// an unregistration then also waits for the call in progress there.
#include "esp/event_loop_internal.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "common/thread_safety.hpp"
#include "esp_event.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Registration {
  Registration(esp_event_base_t b, int32_t i, esp_event_handler_t h, void* a, bool inst)
      : base(b), id(i), handler(h), arg(a), instance(inst) {}
  esp_event_base_t base;
  int32_t id;
  esp_event_handler_t handler;
  std::atomic<void*> arg;  // registering the same handler again replaces it
  bool instance;
  // Cleared when unregistered, so that a dispatch that took its copy of the list before does
  // not call it afterwards.
  std::atomic<bool> alive{true};
};

using RegistrationPtr = std::shared_ptr<Registration>;
using Registrations = std::vector<RegistrationPtr>;

// Dispatches running on this thread, of any loop: an unregistration made inside a handler
// does not wait (the dispatch it would wait for may be its own or wait for it).
thread_local int dispatch_depth = 0;

struct EventLoop;
// The loop whose lock-free DispatchCache call this thread is inside (null: none). Per thread,
// so that another thread dispatching the same loop never takes that call for its own.
thread_local const EventLoop* single_call_loop = nullptr;

struct Posted {
  esp_event_base_t base;
  int32_t id;
  std::vector<unsigned char> data;
  bool has_data;
};

// The order esp_event calls handlers in: any base first, then any id, then the exact id.
int rank_of(const Registration& r) {
  if (r.base == ESP_EVENT_ANY_BASE) return 0;
  return r.id == ESP_EVENT_ANY_ID ? 1 : 2;
}

bool matches(const Registration& r, esp_event_base_t base, int32_t id) {
  return r.base == ESP_EVENT_ANY_BASE ||
         (r.base == base && (r.id == ESP_EVENT_ANY_ID || r.id == id));
}

Clock::time_point deadline_after(TickType_t ticks) {
  if (ticks == portMAX_DELAY) return Clock::time_point::max();
  return Clock::now() + std::chrono::milliseconds(ticks * portTICK_PERIOD_MS);
}

struct EventLoop {
  explicit EventLoop(std::size_t queue_capacity) : capacity(queue_capacity) {}

  portmqtt::detail::Mutex mutex;
  portmqtt::detail::ConditionVariable posted;  // the queue got an event, or the loop stops
  portmqtt::detail::ConditionVariable room;    // the queue has room again
  // A list rather than a deque: an empty deque already holds a 512-byte block, and every MQTT
  // client has a loop whose queue stays empty unless the application posts to it.
  std::list<Posted> queue GUARDED_BY(mutex);
  std::size_t capacity GUARDED_BY(mutex);
  std::shared_ptr<const Registrations> registrations GUARDED_BY(mutex) =
      std::make_shared<const Registrations>();
  bool stopping GUARDED_BY(mutex) = false;
  // Set before the loop is handed out, then only read.
  std::thread thread;
  std::thread::id dispatcher;
  std::recursive_mutex dispatching;  // held while handlers run
  // Odd while DispatchCache::dispatch() calls handlers: raised when a call starts and when it
  // ends, so that an unregistration can wait for the call it may overlap (and no other).
  // 32 bits: the width futex waits on, so notify_all() only checks for waiters instead of
  // also bumping a version shared by every atomic that hashes to the same wait slot, once
  // per event (the parity survives the wrap at 2^32).
  std::atomic<std::uint32_t> single_calls{0};
  // Counts the changes a DispatchRun must see (registrations, posted events, stopping);
  // written under `mutex`, read without it.
  std::atomic<std::uint64_t> changes{0};

  // Replaces the registration list by `change` applied to a copy, kept in call order (by
  // rank, then registration order), so that a dispatch is one pass.
  template <class Change>
  void update_locked(Change change) REQUIRES(mutex) {
    auto next = std::make_shared<Registrations>(*registrations);
    change(*next);
    std::stable_sort(next->begin(), next->end(),
                     [](const RegistrationPtr& a, const RegistrationPtr& b) {
                       return rank_of(*a) < rank_of(*b);
                     });
    registrations = std::move(next);
    changes.fetch_add(1, std::memory_order_release);
  }

  // Runs `change` while no dispatch of this loop is calling a handler (as ESP-IDF takes the
  // loop's mutex), so that a handler it unregisters cannot be running once it returns. Inside
  // a dispatch (of any loop) it runs at once: the dispatch to wait for may be this one, or
  // one waiting for this thread.
  template <class Change>
  esp_err_t exclusive(Change change) {
    if (dispatch_depth > 0) return change();
    std::lock_guard wait(dispatching);
    // The event being dispatched lock-free is dispatched whole, as under ESP-IDF's loop mutex.
    wait_for_single_call();
    const esp_err_t rc = change();
    // The change cleared `alive` (sequentially consistent, as are the count and the reads of
    // both in single_call()): a call that started since either sees the handler gone, or is
    // seen here and waited for.
    wait_for_single_call();
    return rc;
  }

  // Returns once the DispatchCache call in progress, if any, has ended.
  void wait_for_single_call() {
    const std::uint32_t seen = single_calls.load();
    if (seen % 2 == 0) return;
    while (single_calls.load() == seen)
      single_calls.wait(seen);
  }

  // call_holding() without `dispatching`, for the one thread of a DispatchCache.
  // A handler may make the client deliver another event at once (a nested call): the count
  // covers the outermost call.
  void single_call(const Registrations& list, esp_event_base_t base, int32_t id, void* data) {
    const EventLoop* outer = single_call_loop;
    const bool outermost = outer != this;
    if (outermost) {
      single_calls.fetch_add(1);
      single_call_loop = this;
    }
    call_holding(list, base, id, data);
    if (outermost) {
      single_call_loop = outer;
      single_calls.fetch_add(1);
      single_calls.notify_all();
    }
  }

  // Calls the handlers of `list` (in call order) that match (base, id).
  void call(const Registrations& list, esp_event_base_t base, int32_t id, void* data) {
    // Inside a DispatchCache call of this loop (a handler made the client deliver more), the
    // outer call already counts: taking the mutex could wait for an unregistration that
    // waits for the outer call.
    if (nested_in_single_call()) return call_holding(list, base, id, data);
    std::lock_guard running(dispatching);
    call_holding(list, base, id, data);
  }
  // True on the DispatchCache's thread inside one of its calls of this loop.
  bool nested_in_single_call() const noexcept { return single_call_loop == this; }
  // call() for a caller that holds `dispatching` already.
  void call_holding(const Registrations& list, esp_event_base_t base, int32_t id, void* data) {
    ++dispatch_depth;
    for (const RegistrationPtr& r : list) {
      if (matches(*r, base, id) && r->alive.load())  // see exclusive()
        r->handler(r->arg.load(std::memory_order_relaxed), base, id, data);
    }
    --dispatch_depth;
  }

  // Waits for one event until `until`; dispatches it and returns true, or false on time-out
  // or stop.
  bool dispatch_one(Clock::time_point until) {
    portmqtt::detail::MutexLock lock(mutex);
    auto ready = [this]() REQUIRES(mutex) { return stopping || !queue.empty(); };
    if (until == Clock::time_point::max()) {
      posted.wait(lock, ready);
    } else if (!posted.wait_until(lock, until, ready)) {
      return false;
    }
    if (stopping) return false;
    Posted event = std::move(queue.front());
    queue.pop_front();
    room.notify_one();
    std::shared_ptr<const Registrations> list = registrations;
    lock.unlock();
    call(*list, event.base, event.id, event.has_data ? event.data.data() : nullptr);
    return true;
  }

  void run_thread() {
    while (dispatch_one(Clock::time_point::max())) {
    }
  }
};

portmqtt::detail::Mutex default_mutex;
EventLoop* default_loop GUARDED_BY(default_mutex) = nullptr;

EventLoop* as_loop(esp_event_loop_handle_t handle) {
  return static_cast<EventLoop*>(handle);
}

esp_event_loop_handle_t current_default() {
  portmqtt::detail::MutexLock lock(default_mutex);
  return default_loop;
}

bool valid_key(esp_event_base_t base, int32_t id) {
  return !(base == ESP_EVENT_ANY_BASE && id != ESP_EVENT_ANY_ID);
}

}  // namespace

namespace portmqtt::esp {

esp_err_t DispatchCache::refresh() {
  EventLoop* loop = as_loop(loop_);
  if (loop == nullptr) return ESP_ERR_INVALID_ARG;
  // Read under the mutex again only when it may have changed.
  if (list_ && loop->changes.load(std::memory_order_acquire) == seen_) return ESP_OK;
  bool queued = false;
  {
    portmqtt::detail::MutexLock lock(loop->mutex);
    if (loop->stopping) return ESP_ERR_INVALID_STATE;
    queued = !loop->queue.empty() && !loop->thread.joinable();
    list_ = loop->registrations;
    seen_ = loop->changes.load(std::memory_order_relaxed);
  }
  if (queued) {  // what was posted before goes first, as in a queue
    while (loop->dispatch_one(Clock::now())) {
    }
    portmqtt::detail::MutexLock lock(loop->mutex);
    list_ = loop->registrations;
    seen_ = loop->changes.load(std::memory_order_relaxed);
  }
  return ESP_OK;
}

const void* DispatchCache::list() const noexcept {
  return list_.get();
}

esp_err_t DispatchCache::dispatch(esp_event_base_t base, std::int32_t id, void* data) {
  if (esp_err_t rc = refresh(); rc != ESP_OK) return rc;
  as_loop(loop_)->single_call(*static_cast<const Registrations*>(list()), base, id, data);
  return ESP_OK;
}

esp_err_t DispatchRun::dispatch(esp_event_base_t base, std::int32_t id, void* data) {
  if (esp_err_t rc = cache_.refresh(); rc != ESP_OK) return rc;
  // Held from the first event of the run to its end: an unregistration made outside any
  // handler waits for the run, as it waits for one DispatchCache::dispatch(). Inside such a
  // call the call counts for the run instead (see EventLoop::call()).
  EventLoop* loop = as_loop(cache_.loop_);
  if (!running_ && !loop->nested_in_single_call()) running_ = std::unique_lock(loop->dispatching);
  loop->call_holding(*static_cast<const Registrations*>(cache_.list()), base, id, data);
  return ESP_OK;
}

void set_queue_capacity(esp_event_loop_handle_t event_loop, std::size_t capacity) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr) return;
  {
    portmqtt::detail::MutexLock lock(loop->mutex);
    loop->capacity = std::max<std::size_t>(capacity, 1);
  }
  loop->room.notify_all();
}

}  // namespace portmqtt::esp

extern "C" {

esp_err_t esp_event_loop_create(const esp_event_loop_args_t* event_loop_args,
                                esp_event_loop_handle_t* event_loop) {
  if (event_loop_args == nullptr || event_loop == nullptr || event_loop_args->queue_size <= 0) {
    return ESP_ERR_INVALID_ARG;
  }
  auto* loop = new (std::nothrow) EventLoop(static_cast<std::size_t>(event_loop_args->queue_size));
  if (loop == nullptr) return ESP_ERR_NO_MEM;
  if (event_loop_args->task_name != nullptr) {
    try {
      loop->thread = std::thread([loop] { loop->run_thread(); });
      loop->dispatcher = loop->thread.get_id();
    } catch (const std::system_error&) {
      delete loop;
      return ESP_FAIL;
    }
  }
  *event_loop = loop;
  return ESP_OK;
}

esp_err_t esp_event_loop_delete(esp_event_loop_handle_t event_loop) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr) return ESP_ERR_INVALID_ARG;
  if (loop->thread.joinable() && loop->dispatcher == std::this_thread::get_id()) {
    return ESP_ERR_INVALID_STATE;
  }
  {
    portmqtt::detail::MutexLock lock(loop->mutex);
    loop->stopping = true;
    loop->changes.fetch_add(1, std::memory_order_release);
    for (const RegistrationPtr& r : *loop->registrations)
      r->alive = false;
  }
  loop->posted.notify_all();
  loop->room.notify_all();
  if (loop->thread.joinable()) loop->thread.join();
  delete loop;
  return ESP_OK;
}

esp_err_t esp_event_loop_create_default(void) {
  portmqtt::detail::MutexLock lock(default_mutex);
  if (default_loop != nullptr) return ESP_ERR_INVALID_STATE;
  esp_event_loop_args_t args = {32, "sys_evt", 20, 2304, 0};
  esp_event_loop_handle_t handle = nullptr;
  esp_err_t rc = esp_event_loop_create(&args, &handle);
  if (rc == ESP_OK) default_loop = as_loop(handle);
  return rc;
}

esp_err_t esp_event_loop_delete_default(void) {
  EventLoop* loop = nullptr;
  {
    portmqtt::detail::MutexLock lock(default_mutex);
    if (default_loop == nullptr) return ESP_ERR_INVALID_STATE;
    if (default_loop->dispatcher == std::this_thread::get_id()) return ESP_ERR_INVALID_STATE;
    loop = default_loop;
    default_loop = nullptr;
  }
  return esp_event_loop_delete(loop);
}

esp_err_t esp_event_loop_run(esp_event_loop_handle_t event_loop, TickType_t ticks_to_run) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr) return ESP_ERR_INVALID_ARG;
  if (loop->thread.joinable()) return ESP_ERR_INVALID_STATE;
  Clock::time_point until = deadline_after(ticks_to_run);
  while (loop->dispatch_one(until)) {
    if (Clock::now() >= until) break;
  }
  return ESP_OK;
}

esp_err_t esp_event_handler_register_with(esp_event_loop_handle_t event_loop,
                                          esp_event_base_t event_base, int32_t event_id,
                                          esp_event_handler_t event_handler,
                                          void* event_handler_arg) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr || event_handler == nullptr || !valid_key(event_base, event_id)) {
    return ESP_ERR_INVALID_ARG;
  }
  portmqtt::detail::MutexLock lock(loop->mutex);
  for (const RegistrationPtr& r : *loop->registrations) {
    if (!r->instance && r->base == event_base && r->id == event_id && r->handler == event_handler) {
      r->arg = event_handler_arg;
      return ESP_OK;
    }
  }
  try {
    auto r = std::make_shared<Registration>(event_base, event_id, event_handler, event_handler_arg,
                                            false);
    loop->update_locked([&](Registrations& list) { list.push_back(std::move(r)); });
  } catch (const std::bad_alloc&) {
    return ESP_ERR_NO_MEM;
  }
  return ESP_OK;
}

esp_err_t esp_event_handler_register(esp_event_base_t event_base, int32_t event_id,
                                     esp_event_handler_t event_handler, void* event_handler_arg) {
  esp_event_loop_handle_t loop = current_default();
  if (loop == nullptr) return ESP_ERR_INVALID_STATE;
  return esp_event_handler_register_with(loop, event_base, event_id, event_handler,
                                         event_handler_arg);
}

esp_err_t esp_event_handler_instance_register_with(esp_event_loop_handle_t event_loop,
                                                   esp_event_base_t event_base, int32_t event_id,
                                                   esp_event_handler_t event_handler,
                                                   void* event_handler_arg,
                                                   esp_event_handler_instance_t* instance) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr || event_handler == nullptr || !valid_key(event_base, event_id)) {
    return ESP_ERR_INVALID_ARG;
  }
  portmqtt::detail::MutexLock lock(loop->mutex);
  try {
    auto r = std::make_shared<Registration>(event_base, event_id, event_handler, event_handler_arg,
                                            true);
    loop->update_locked([&](Registrations& list) { list.push_back(r); });
    if (instance != nullptr) *instance = r.get();
  } catch (const std::bad_alloc&) {
    return ESP_ERR_NO_MEM;
  }
  return ESP_OK;
}

esp_err_t esp_event_handler_instance_register(esp_event_base_t event_base, int32_t event_id,
                                              esp_event_handler_t event_handler,
                                              void* event_handler_arg,
                                              esp_event_handler_instance_t* instance) {
  esp_event_loop_handle_t loop = current_default();
  if (loop == nullptr) return ESP_ERR_INVALID_STATE;
  return esp_event_handler_instance_register_with(loop, event_base, event_id, event_handler,
                                                  event_handler_arg, instance);
}

esp_err_t esp_event_handler_unregister_with(esp_event_loop_handle_t event_loop,
                                            esp_event_base_t event_base, int32_t event_id,
                                            esp_event_handler_t event_handler) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr || event_handler == nullptr || !valid_key(event_base, event_id)) {
    return ESP_ERR_INVALID_ARG;
  }
  return loop->exclusive([&]() -> esp_err_t {
    try {
      portmqtt::detail::MutexLock lock(loop->mutex);
      loop->update_locked([&](Registrations& list) {
        std::erase_if(list, [&](const RegistrationPtr& r) {
          bool match = !r->instance && r->base == event_base && r->id == event_id &&
                       r->handler == event_handler;
          if (match) r->alive = false;
          return match;
        });
      });
    } catch (const std::bad_alloc&) {
      return ESP_ERR_NO_MEM;
    }
    return ESP_OK;
  });
}

esp_err_t esp_event_handler_unregister(esp_event_base_t event_base, int32_t event_id,
                                       esp_event_handler_t event_handler) {
  esp_event_loop_handle_t loop = current_default();
  if (loop == nullptr) return ESP_ERR_INVALID_STATE;
  return esp_event_handler_unregister_with(loop, event_base, event_id, event_handler);
}

esp_err_t esp_event_handler_instance_unregister_with(esp_event_loop_handle_t event_loop,
                                                     esp_event_base_t event_base, int32_t event_id,
                                                     esp_event_handler_instance_t instance) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr || instance == nullptr || !valid_key(event_base, event_id)) {
    return ESP_ERR_INVALID_ARG;
  }
  return loop->exclusive([&]() -> esp_err_t {
    try {
      portmqtt::detail::MutexLock lock(loop->mutex);
      const Registrations& list = *loop->registrations;
      auto it = std::find_if(list.begin(), list.end(), [&](const RegistrationPtr& r) {
        return r.get() == instance && r->base == event_base && r->id == event_id;
      });
      if (it == list.end()) return ESP_ERR_INVALID_ARG;
      (*it)->alive = false;
      const std::ptrdiff_t index = it - list.begin();
      loop->update_locked([&](Registrations& copy) { copy.erase(copy.begin() + index); });
    } catch (const std::bad_alloc&) {
      return ESP_ERR_NO_MEM;
    }
    return ESP_OK;
  });
}

esp_err_t esp_event_handler_instance_unregister(esp_event_base_t event_base, int32_t event_id,
                                                esp_event_handler_instance_t instance) {
  esp_event_loop_handle_t loop = current_default();
  if (loop == nullptr) return ESP_ERR_INVALID_STATE;
  return esp_event_handler_instance_unregister_with(loop, event_base, event_id, instance);
}

esp_err_t esp_event_post_to(esp_event_loop_handle_t event_loop, esp_event_base_t event_base,
                            int32_t event_id, const void* event_data, size_t event_data_size,
                            TickType_t ticks_to_wait) {
  EventLoop* loop = as_loop(event_loop);
  if (loop == nullptr || event_base == ESP_EVENT_ANY_BASE || event_id == ESP_EVENT_ANY_ID) {
    return ESP_ERR_INVALID_ARG;
  }
  Posted event{event_base, event_id, {}, event_data != nullptr && event_data_size > 0};
  try {
    if (event.has_data) {
      const auto* bytes = static_cast<const unsigned char*>(event_data);
      event.data.assign(bytes, bytes + event_data_size);
    }
  } catch (const std::bad_alloc&) {
    return ESP_ERR_NO_MEM;
  }
  portmqtt::detail::MutexLock lock(loop->mutex);
  auto has_room = [loop]() REQUIRES(loop->mutex) {
    return loop->stopping || loop->queue.size() < loop->capacity;
  };
  Clock::time_point until = deadline_after(ticks_to_wait);
  if (until == Clock::time_point::max()) {
    loop->room.wait(lock, has_room);
  } else if (!loop->room.wait_until(lock, until, has_room)) {
    return ESP_ERR_TIMEOUT;
  }
  if (loop->stopping) return ESP_ERR_INVALID_STATE;
  loop->queue.push_back(std::move(event));
  loop->changes.fetch_add(1, std::memory_order_release);
  loop->posted.notify_one();
  return ESP_OK;
}

esp_err_t esp_event_post(esp_event_base_t event_base, int32_t event_id, const void* event_data,
                         size_t event_data_size, TickType_t ticks_to_wait) {
  esp_event_loop_handle_t loop = current_default();
  if (loop == nullptr) return ESP_ERR_INVALID_STATE;
  return esp_event_post_to(loop, event_base, event_id, event_data, event_data_size, ticks_to_wait);
}

}  // extern "C"
