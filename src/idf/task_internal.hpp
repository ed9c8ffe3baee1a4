// What the FreeRTOS primitives share: the task record, the current task, time-outs in ticks,
// and the one blocking wait that every primitive uses (it ends a task deleted from outside).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

struct tskTaskControlBlock {
  std::string name;
  TaskFunction_t function = nullptr;
  void* parameters = nullptr;
  std::atomic<UBaseType_t> priority{0};
  std::uint32_t stack_size = 0;
  bool created = false;  // by xTaskCreate (else: a thread adopted on first use)
  std::atomic<bool> delete_requested{false};
  std::mutex notify_mutex;
  std::condition_variable notify_cv;
  std::uint32_t notify_value = 0;  // guarded by notify_mutex
  bool notify_pending = false;     // guarded by notify_mutex
};

namespace portmqtt::idf {

using Clock = std::chrono::steady_clock;

/// The point in time `ticks` from now; time_point::max() for portMAX_DELAY.
Clock::time_point deadline_after(TickType_t ticks);

/// The calling thread's task (adopting the thread on first use).
tskTaskControlBlock* current_task();

/// Ends the calling task's thread now (the task record is freed as the thread unwinds).
[[noreturn]] void exit_current_task();

/// Whether another task asked to delete the calling one.
bool deletion_requested();

/// Waits on cv until pred() holds (true) or the deadline passes (false). If the calling task
/// is deleted meanwhile, the lock is released and the task ends here. The wait wakes at least
/// every 100 ms to notice a deletion.
template <class Predicate>
bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                Clock::time_point deadline, Predicate pred) {
  constexpr auto kSlice = std::chrono::milliseconds(100);
  while (!pred()) {
    if (deletion_requested()) {
      lock.unlock();
      exit_current_task();
    }
    auto now = Clock::now();
    if (now >= deadline) return false;
    cv.wait_until(lock, deadline - now > kSlice ? now + kSlice : deadline);
  }
  return true;
}

}  // namespace portmqtt::idf
