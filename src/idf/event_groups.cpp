// freertos/event_groups.h: flag bits with waits for any or all of a set.
//
// As in FreeRTOS, setting bits decides at once which waiting tasks are satisfied, records the
// bits each of them sees and only then applies their clear-on-exit: several tasks waiting for
// the same bit with clearing all wake, and a rendezvous (xEventGroupSync) releases every
// participant.
#include <algorithm>
#include <new>
#include <vector>

#include "freertos/event_groups.h"
#include "task_internal.hpp"

struct EventGroupWaiter {
  EventBits_t wanted;
  bool all;
  bool clear;
  bool done = false;
  EventBits_t result = 0;  // the bits when the wait was satisfied
};

struct EventGroupDef_t {
  std::mutex mutex;
  std::condition_variable changed;
  EventBits_t bits = 0;
  std::vector<EventGroupWaiter*> waiters;  // guarded by mutex
};

namespace {

using portmqtt::idf::deadline_after;
using portmqtt::idf::wait_until;

// FreeRTOS reserves the top byte for its own use.
constexpr EventBits_t kUsableBits = 0x00FFFFFFU;

bool satisfied(EventBits_t bits, EventBits_t wanted, bool all) {
  return all ? (bits & wanted) == wanted : (bits & wanted) != 0;
}

// Releases the waiters the current bits satisfy, then applies their clearing (lock held).
void release_waiters(EventGroupDef_t& group) {
  EventBits_t to_clear = 0;
  for (EventGroupWaiter* w : group.waiters) {
    if (!w->done && satisfied(group.bits, w->wanted, w->all)) {
      w->done = true;
      w->result = group.bits;
      if (w->clear) to_clear |= w->wanted;
    }
  }
  std::erase_if(group.waiters, [](const EventGroupWaiter* w) { return w->done; });
  group.bits &= ~to_clear;
  group.changed.notify_all();
}

// Removes a waiter from its group however its wait ends (also when its task is deleted).
struct WaiterGuard {
  EventGroupDef_t& group;
  EventGroupWaiter& waiter;
  WaiterGuard(EventGroupDef_t& g, EventGroupWaiter& w) : group(g), waiter(w) {}
  WaiterGuard(const WaiterGuard&) = delete;
  WaiterGuard& operator=(const WaiterGuard&) = delete;
  ~WaiterGuard() {
    std::lock_guard lock(group.mutex);
    std::erase(group.waiters, &waiter);
  }
};

// Waits until the waiter is released (lock held, waiter not yet satisfied).
EventBits_t wait_released(EventGroupDef_t& group, std::unique_lock<std::mutex>& lock,
                          EventGroupWaiter& waiter, TickType_t ticks) {
  group.waiters.push_back(&waiter);
  bool ok = wait_until(group.changed, lock, deadline_after(ticks), [&] { return waiter.done; });
  return ok ? waiter.result : group.bits;
}

}  // namespace

extern "C" {

EventGroupHandle_t xEventGroupCreate(void) {
  return new (std::nothrow) EventGroupDef_t;
}

void vEventGroupDelete(EventGroupHandle_t xEventGroup) {
  delete xEventGroup;
}

EventBits_t xEventGroupSetBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet) {
  if (xEventGroup == nullptr) return 0;
  std::lock_guard lock(xEventGroup->mutex);
  xEventGroup->bits |= uxBitsToSet & kUsableBits;
  release_waiters(*xEventGroup);
  return xEventGroup->bits;
}

EventBits_t xEventGroupClearBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToClear) {
  if (xEventGroup == nullptr) return 0;
  std::lock_guard lock(xEventGroup->mutex);
  EventBits_t before = xEventGroup->bits;
  xEventGroup->bits &= ~uxBitsToClear;
  return before;
}

EventBits_t xEventGroupGetBitsFromISR(EventGroupHandle_t xEventGroup) {
  return xEventGroupClearBits(xEventGroup, 0);
}

BaseType_t xEventGroupSetBitsFromISR(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet,
                                     BaseType_t* pxHigherPriorityTaskWoken) {
  if (pxHigherPriorityTaskWoken != nullptr) *pxHigherPriorityTaskWoken = pdFALSE;
  xEventGroupSetBits(xEventGroup, uxBitsToSet);
  return pdPASS;
}

BaseType_t xEventGroupClearBitsFromISR(EventGroupHandle_t xEventGroup,
                                       const EventBits_t uxBitsToClear) {
  xEventGroupClearBits(xEventGroup, uxBitsToClear);
  return pdPASS;
}

EventBits_t xEventGroupWaitBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToWaitFor,
                                const BaseType_t xClearOnExit, const BaseType_t xWaitForAllBits,
                                TickType_t xTicksToWait) {
  if (xEventGroup == nullptr) return 0;
  EventGroupWaiter waiter{uxBitsToWaitFor, xWaitForAllBits != pdFALSE, xClearOnExit != pdFALSE};
  WaiterGuard guard{*xEventGroup, waiter};
  std::unique_lock lock(xEventGroup->mutex);
  EventBits_t bits = xEventGroup->bits;
  if (satisfied(bits, waiter.wanted, waiter.all)) {
    if (waiter.clear) xEventGroup->bits &= ~uxBitsToWaitFor;
    return bits;
  }
  return wait_released(*xEventGroup, lock, waiter, xTicksToWait);
}

EventBits_t xEventGroupSync(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet,
                            const EventBits_t uxBitsToWaitFor, TickType_t xTicksToWait) {
  if (xEventGroup == nullptr) return 0;
  EventGroupWaiter waiter{uxBitsToWaitFor, true, true};
  WaiterGuard guard{*xEventGroup, waiter};
  std::unique_lock lock(xEventGroup->mutex);
  xEventGroup->bits |= uxBitsToSet & kUsableBits;
  // The caller counts as a waiter from the start, so that its own bits release the others
  // and itself together.
  xEventGroup->waiters.push_back(&waiter);
  release_waiters(*xEventGroup);
  if (waiter.done) return waiter.result;
  std::erase(xEventGroup->waiters, &waiter);
  return wait_released(*xEventGroup, lock, waiter, xTicksToWait);
}

}  // extern "C"
