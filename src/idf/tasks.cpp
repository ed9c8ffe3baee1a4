// freertos/task.h on POSIX threads: each task is a detached thread; ticks are milliseconds of
// a steady clock since the library was loaded.
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <unordered_set>

#include "esp_log.h"
#include "task_internal.hpp"

namespace portmqtt::idf {
namespace {

constexpr const char* kTag = "freertos";
// ESP-IDF stack sizes are tuned for the chip; glibc's printf alone needs more.
constexpr std::size_t kMinimumStack = 256 * 1024;

const Clock::time_point tick_epoch = Clock::now();

std::mutex registry_mutex;
std::unordered_set<tskTaskControlBlock*> registry;  // tasks that exist; guarded

thread_local tskTaskControlBlock* current = nullptr;

void add_to_registry(tskTaskControlBlock* task) {
  std::lock_guard lock(registry_mutex);
  registry.insert(task);
}

void remove_from_registry(tskTaskControlBlock* task) {
  std::lock_guard lock(registry_mutex);
  registry.erase(task);
}

// Frees an adopted thread's task record when the thread ends.
struct AdoptedTask {
  std::unique_ptr<tskTaskControlBlock> task;
  ~AdoptedTask() {
    if (task) remove_from_registry(task.get());
  }
};
thread_local AdoptedTask adopted;

// Frees a created task's record when its thread ends, by return of the function (which
// aborts first) or by exit_current_task() unwinding the thread.
struct TaskEnd {
  tskTaskControlBlock* task;
  explicit TaskEnd(tskTaskControlBlock* t) : task(t) {}
  TaskEnd(const TaskEnd&) = delete;
  TaskEnd& operator=(const TaskEnd&) = delete;
  ~TaskEnd() {
    remove_from_registry(task);
    current = nullptr;
    delete task;
  }
};

extern "C" void* run_task(void* argument) {
  auto* task = static_cast<tskTaskControlBlock*>(argument);
  current = task;
  TaskEnd end{task};
  task->function(task->parameters);
  // As ESP-IDF: a task function must end with vTaskDelete(NULL).
  ESP_LOGE(kTag, "task \"%s\" returned from its function: end it with vTaskDelete(NULL)",
           task->name.c_str());
  std::abort();
}

}  // namespace

Clock::time_point deadline_after(TickType_t ticks) {
  if (ticks == portMAX_DELAY) return Clock::time_point::max();
  return Clock::now() + std::chrono::milliseconds(ticks);
}

tskTaskControlBlock* current_task() {
  if (current != nullptr) return current;
  adopted.task = std::make_unique<tskTaskControlBlock>();
  bool main_thread = syscall(SYS_gettid) == getpid();
  adopted.task->name = main_thread ? "main" : "pthread";
  adopted.task->priority = 1;
  current = adopted.task.get();
  add_to_registry(current);
  return current;
}

bool deletion_requested() {
  return current != nullptr && current->delete_requested.load();
}

void exit_current_task() {
  pthread_exit(nullptr);
}

}  // namespace portmqtt::idf

using namespace portmqtt::idf;  // NOLINT(google-build-using-namespace): C entry points only

namespace {
std::recursive_mutex critical_section;
}

extern "C" {

void portmqtt_freertos_assert_failed(const char* expression, const char* file, int line) {
  std::fprintf(stderr, "assert failed: %s %s:%d\n", expression, file, line);
  std::abort();
}

void vPortEnterCritical(portMUX_TYPE* mux) {
  (void)mux;
  critical_section.lock();
}

void vPortExitCritical(portMUX_TYPE* mux) {
  (void)mux;
  critical_section.unlock();
}

void vPortYield(void) {
  sched_yield();
}

BaseType_t xPortGetCoreID(void) {
  return 0;
}

BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pxTaskCode, const char* const pcName,
                                   const uint32_t usStackDepth, void* const pvParameters,
                                   UBaseType_t uxPriority, TaskHandle_t* const pxCreatedTask,
                                   const BaseType_t xCoreID) {
  (void)xCoreID;
  if (pxTaskCode == nullptr) return errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;
  auto* task = new (std::nothrow) tskTaskControlBlock;
  if (task == nullptr) return errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;
  task->name = pcName != nullptr ? pcName : "";
  task->function = pxTaskCode;
  task->parameters = pvParameters;
  task->priority = uxPriority;
  task->stack_size = usStackDepth;
  task->created = true;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attributes, std::max<std::size_t>(usStackDepth, kMinimumStack));
  add_to_registry(task);
  // The handle is handed out before the task runs: it may delete itself at once.
  if (pxCreatedTask != nullptr) *pxCreatedTask = task;
  pthread_t thread;
  int rc = pthread_create(&thread, &attributes, run_task, task);
  pthread_attr_destroy(&attributes);
  if (rc != 0) {
    remove_from_registry(task);
    delete task;
    if (pxCreatedTask != nullptr) *pxCreatedTask = nullptr;
    return errCOULD_NOT_ALLOCATE_REQUIRED_MEMORY;
  }
  return pdPASS;
}

BaseType_t xTaskCreate(TaskFunction_t pxTaskCode, const char* const pcName,
                       const configSTACK_DEPTH_TYPE usStackDepth, void* const pvParameters,
                       UBaseType_t uxPriority, TaskHandle_t* const pxCreatedTask) {
  return xTaskCreatePinnedToCore(pxTaskCode, pcName, usStackDepth, pvParameters, uxPriority,
                                 pxCreatedTask, tskNO_AFFINITY);
}

void vTaskDelete(TaskHandle_t xTaskToDelete) {
  tskTaskControlBlock* self = current_task();
  if (xTaskToDelete == nullptr || xTaskToDelete == self) exit_current_task();
  std::lock_guard lock(registry_mutex);
  if (registry.count(xTaskToDelete) == 0) return;
  xTaskToDelete->delete_requested = true;
  std::lock_guard notify(xTaskToDelete->notify_mutex);
  xTaskToDelete->notify_cv.notify_all();
}

void vTaskDelay(const TickType_t xTicksToDelay) {
  if (xTicksToDelay == 0) {
    sched_yield();
    return;
  }
  tskTaskControlBlock* self = current_task();
  std::unique_lock lock(self->notify_mutex);
  // Nothing ends this wait early but a deletion.
  wait_until(self->notify_cv, lock, deadline_after(xTicksToDelay), [] { return false; });
}

BaseType_t xTaskDelayUntil(TickType_t* const pxPreviousWakeTime, const TickType_t xTimeIncrement) {
  configASSERT(pxPreviousWakeTime != nullptr);
  TickType_t wake = *pxPreviousWakeTime + xTimeIncrement;
  *pxPreviousWakeTime = wake;
  // Signed distance, so that the tick counter wrapping around is handled.
  auto remaining = static_cast<std::int32_t>(wake - xTaskGetTickCount());
  if (remaining <= 0) return pdFALSE;
  vTaskDelay(static_cast<TickType_t>(remaining));
  return pdTRUE;
}

TickType_t xTaskGetTickCount(void) {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - tick_epoch);
  return static_cast<TickType_t>(elapsed.count());
}

TickType_t xTaskGetTickCountFromISR(void) {
  return xTaskGetTickCount();
}

TaskHandle_t xTaskGetCurrentTaskHandle(void) {
  return current_task();
}

char* pcTaskGetName(TaskHandle_t xTaskToQuery) {
  tskTaskControlBlock* task = xTaskToQuery != nullptr ? xTaskToQuery : current_task();
  return task->name.data();
}

UBaseType_t uxTaskPriorityGet(const TaskHandle_t xTask) {
  return (xTask != nullptr ? xTask : current_task())->priority.load();
}

void vTaskPrioritySet(TaskHandle_t xTask, UBaseType_t uxNewPriority) {
  (xTask != nullptr ? xTask : current_task())->priority = uxNewPriority;
}

UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t xTask) {
  return (xTask != nullptr ? xTask : current_task())->stack_size;
}

UBaseType_t uxTaskGetNumberOfTasks(void) {
  std::lock_guard lock(registry_mutex);
  return static_cast<UBaseType_t>(registry.size());
}

BaseType_t xTaskGenericNotify(TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify,
                              uint32_t ulValue, eNotifyAction eAction,
                              uint32_t* pulPreviousNotificationValue) {
  if (xTaskToNotify == nullptr || uxIndexToNotify != 0) return pdFAIL;
  std::lock_guard lock(xTaskToNotify->notify_mutex);
  if (pulPreviousNotificationValue != nullptr) {
    *pulPreviousNotificationValue = xTaskToNotify->notify_value;
  }
  switch (eAction) {
    case eNoAction:
      break;
    case eSetBits:
      xTaskToNotify->notify_value |= ulValue;
      break;
    case eIncrement:
      ++xTaskToNotify->notify_value;
      break;
    case eSetValueWithOverwrite:
      xTaskToNotify->notify_value = ulValue;
      break;
    case eSetValueWithoutOverwrite:
      if (xTaskToNotify->notify_pending) return pdFAIL;
      xTaskToNotify->notify_value = ulValue;
      break;
  }
  xTaskToNotify->notify_pending = true;
  xTaskToNotify->notify_cv.notify_all();
  return pdPASS;
}

uint32_t ulTaskGenericNotifyTake(UBaseType_t uxIndexToWaitOn, BaseType_t xClearCountOnExit,
                                 TickType_t xTicksToWait) {
  if (uxIndexToWaitOn != 0) return 0;
  tskTaskControlBlock* self = current_task();
  std::unique_lock lock(self->notify_mutex);
  if (!wait_until(self->notify_cv, lock, deadline_after(xTicksToWait),
                  [self] { return self->notify_value != 0; })) {
    return 0;
  }
  uint32_t value = self->notify_value;
  self->notify_value = xClearCountOnExit != pdFALSE ? 0 : value - 1;
  self->notify_pending = false;
  return value;
}

BaseType_t xTaskGenericNotifyWait(UBaseType_t uxIndexToWaitOn, uint32_t ulBitsToClearOnEntry,
                                  uint32_t ulBitsToClearOnExit, uint32_t* pulNotificationValue,
                                  TickType_t xTicksToWait) {
  if (uxIndexToWaitOn != 0) return pdFALSE;
  tskTaskControlBlock* self = current_task();
  std::unique_lock lock(self->notify_mutex);
  if (!self->notify_pending) self->notify_value &= ~ulBitsToClearOnEntry;
  bool notified = wait_until(self->notify_cv, lock, deadline_after(xTicksToWait),
                             [self] { return self->notify_pending; });
  if (pulNotificationValue != nullptr) *pulNotificationValue = self->notify_value;
  if (!notified) return pdFALSE;
  self->notify_value &= ~ulBitsToClearOnExit;
  self->notify_pending = false;
  return pdTRUE;
}

}  // extern "C"
