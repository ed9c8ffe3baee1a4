// freertos/queue.h and semphr.h: one queue type for queues, semaphores and mutexes, as in
// FreeRTOS. A semaphore is a queue of empty items; a mutex is a binary semaphore that
// remembers its holder.
#include <cstring>
#include <deque>
#include <new>
#include <vector>

#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "task_internal.hpp"

struct QueueDefinition {
  std::mutex mutex;
  std::condition_variable not_empty;
  std::condition_variable not_full;
  std::deque<std::vector<unsigned char>> items;  // empty vectors for semaphores
  std::size_t capacity = 0;
  std::size_t item_size = 0;
  std::uint8_t type = queueQUEUE_TYPE_BASE;
  TaskHandle_t holder = nullptr;  // mutexes: who took it
  UBaseType_t recursion = 0;      // recursive mutexes: takes not yet given back
};

namespace {

using portmqtt::idf::current_task;
using portmqtt::idf::deadline_after;
using portmqtt::idf::wait_until;

bool is_mutex(const QueueDefinition& q) {
  return q.type == queueQUEUE_TYPE_MUTEX || q.type == queueQUEUE_TYPE_RECURSIVE_MUTEX;
}

QueueDefinition* make_queue(UBaseType_t length, UBaseType_t item_size, std::uint8_t type) {
  if (length == 0) return nullptr;
  auto* q = new (std::nothrow) QueueDefinition;
  if (q == nullptr) return nullptr;
  q->capacity = length;
  q->item_size = item_size;
  q->type = type;
  return q;
}

// Puts an item in (the lock held, room checked).
void put(QueueDefinition& q, const void* item, BaseType_t position) {
  std::vector<unsigned char> bytes;
  if (q.item_size > 0 && item != nullptr) {
    const auto* begin = static_cast<const unsigned char*>(item);
    bytes.assign(begin, begin + q.item_size);
  } else if (q.item_size > 0) {
    bytes.assign(q.item_size, 0);
  }
  if (position == queueOVERWRITE && !q.items.empty()) {
    q.items.back() = std::move(bytes);
  } else if (position == queueSEND_TO_FRONT) {
    q.items.push_front(std::move(bytes));
  } else {
    q.items.push_back(std::move(bytes));
  }
  q.not_empty.notify_one();
}

// Takes the front item out (the lock held, an item present).
void take(QueueDefinition& q, void* buffer, bool remove) {
  if (buffer != nullptr && q.item_size > 0) {
    std::memcpy(buffer, q.items.front().data(), q.item_size);
  }
  if (!remove) return;
  q.items.pop_front();
  q.not_full.notify_one();
  if (is_mutex(q)) q.holder = current_task();
}

BaseType_t receive(QueueHandle_t queue, void* buffer, TickType_t ticks, bool remove) {
  if (queue == nullptr) return pdFAIL;
  std::unique_lock lock(queue->mutex);
  if (!wait_until(queue->not_empty, lock, deadline_after(ticks),
                  [queue] { return !queue->items.empty(); })) {
    return errQUEUE_EMPTY;
  }
  take(*queue, buffer, remove);
  // Several receivers may wait; a peek leaves the item for one of them.
  if (!remove) queue->not_empty.notify_one();
  return pdPASS;
}

}  // namespace

extern "C" {

QueueHandle_t xQueueGenericCreate(const UBaseType_t uxQueueLength, const UBaseType_t uxItemSize,
                                  const uint8_t ucQueueType) {
  return make_queue(uxQueueLength, uxItemSize, ucQueueType);
}

QueueHandle_t xQueueCreateMutex(const uint8_t ucQueueType) {
  QueueDefinition* q = make_queue(1, 0, ucQueueType);
  if (q != nullptr) q->items.emplace_back();  // a new mutex is free
  return q;
}

QueueHandle_t xQueueCreateCountingSemaphore(const UBaseType_t uxMaxCount,
                                            const UBaseType_t uxInitialCount) {
  if (uxInitialCount > uxMaxCount) return nullptr;
  QueueDefinition* q = make_queue(uxMaxCount, 0, queueQUEUE_TYPE_COUNTING_SEMAPHORE);
  if (q != nullptr) q->items.resize(uxInitialCount);
  return q;
}

void vQueueDelete(QueueHandle_t xQueue) {
  delete xQueue;
}

BaseType_t xQueueGenericSend(QueueHandle_t xQueue, const void* const pvItemToQueue,
                             TickType_t xTicksToWait, const BaseType_t xCopyPosition) {
  if (xQueue == nullptr) return pdFAIL;
  std::unique_lock lock(xQueue->mutex);
  if (is_mutex(*xQueue)) {
    if (xQueue->holder != current_task() || !xQueue->items.empty()) return pdFAIL;
    xQueue->holder = nullptr;
    xQueue->recursion = 0;
    put(*xQueue, nullptr, queueSEND_TO_BACK);
    return pdPASS;
  }
  if (xCopyPosition == queueOVERWRITE) {
    put(*xQueue, pvItemToQueue, queueOVERWRITE);
    return pdPASS;
  }
  if (!wait_until(xQueue->not_full, lock, deadline_after(xTicksToWait),
                  [xQueue] { return xQueue->items.size() < xQueue->capacity; })) {
    return errQUEUE_FULL;
  }
  put(*xQueue, pvItemToQueue, xCopyPosition);
  return pdPASS;
}

BaseType_t xQueueGenericSendFromISR(QueueHandle_t xQueue, const void* const pvItemToQueue,
                                    BaseType_t* const pxHigherPriorityTaskWoken,
                                    const BaseType_t xCopyPosition) {
  if (pxHigherPriorityTaskWoken != nullptr) *pxHigherPriorityTaskWoken = pdFALSE;
  return xQueueGenericSend(xQueue, pvItemToQueue, 0, xCopyPosition);
}

BaseType_t xQueueGiveFromISR(QueueHandle_t xQueue, BaseType_t* const pxHigherPriorityTaskWoken) {
  return xQueueGenericSendFromISR(xQueue, nullptr, pxHigherPriorityTaskWoken, queueSEND_TO_BACK);
}

BaseType_t xQueueReceive(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait) {
  return receive(xQueue, pvBuffer, xTicksToWait, true);
}

BaseType_t xQueuePeek(QueueHandle_t xQueue, void* const pvBuffer, TickType_t xTicksToWait) {
  return receive(xQueue, pvBuffer, xTicksToWait, false);
}

BaseType_t xQueueReceiveFromISR(QueueHandle_t xQueue, void* const pvBuffer,
                                BaseType_t* const pxHigherPriorityTaskWoken) {
  if (pxHigherPriorityTaskWoken != nullptr) *pxHigherPriorityTaskWoken = pdFALSE;
  return receive(xQueue, pvBuffer, 0, true);
}

BaseType_t xQueueSemaphoreTake(QueueHandle_t xQueue, TickType_t xTicksToWait) {
  return receive(xQueue, nullptr, xTicksToWait, true);
}

BaseType_t xQueueTakeMutexRecursive(QueueHandle_t xMutex, TickType_t xTicksToWait) {
  if (xMutex == nullptr) return pdFAIL;
  {
    std::lock_guard lock(xMutex->mutex);
    if (xMutex->holder == current_task()) {
      ++xMutex->recursion;
      return pdPASS;
    }
  }
  if (receive(xMutex, nullptr, xTicksToWait, true) != pdPASS) return pdFAIL;
  std::lock_guard lock(xMutex->mutex);
  xMutex->recursion = 1;
  return pdPASS;
}

BaseType_t xQueueGiveMutexRecursive(QueueHandle_t xMutex) {
  if (xMutex == nullptr) return pdFAIL;
  {
    std::lock_guard lock(xMutex->mutex);
    if (xMutex->holder != current_task()) return pdFAIL;
    if (--xMutex->recursion > 0) return pdPASS;
  }
  return xQueueGenericSend(xMutex, nullptr, 0, queueSEND_TO_BACK);
}

TaskHandle_t xQueueGetMutexHolder(QueueHandle_t xSemaphore) {
  if (xSemaphore == nullptr) return nullptr;
  std::lock_guard lock(xSemaphore->mutex);
  return xSemaphore->holder;
}

UBaseType_t uxQueueMessagesWaiting(const QueueHandle_t xQueue) {
  if (xQueue == nullptr) return 0;
  std::lock_guard lock(xQueue->mutex);
  return static_cast<UBaseType_t>(xQueue->items.size());
}

UBaseType_t uxQueueMessagesWaitingFromISR(const QueueHandle_t xQueue) {
  return uxQueueMessagesWaiting(xQueue);
}

UBaseType_t uxQueueSpacesAvailable(const QueueHandle_t xQueue) {
  if (xQueue == nullptr) return 0;
  std::lock_guard lock(xQueue->mutex);
  return static_cast<UBaseType_t>(xQueue->capacity - xQueue->items.size());
}

BaseType_t xQueueGenericReset(QueueHandle_t xQueue, BaseType_t xNewQueue) {
  (void)xNewQueue;
  if (xQueue == nullptr) return pdFAIL;
  std::lock_guard lock(xQueue->mutex);
  xQueue->items.clear();
  xQueue->not_full.notify_all();
  return pdPASS;
}

}  // extern "C"
