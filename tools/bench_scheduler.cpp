#include "bench_scheduler.hpp"

#include <algorithm>

#include "tool_client.hpp"

namespace portmqtt::tools {

void Scheduler::at(Clock::time_point when, std::function<void()> task) {
  bool earliest = false;
  {
    const std::lock_guard lock(mutex_);
    earliest = queue_.empty() || when < queue_.top().when;
    queue_.push(Item{when, next_order_++, std::move(task)});
  }
  if (earliest) added_.notify_one();
}

void Scheduler::run_until(Clock::time_point until) {
  // Signals do not wake a condition variable: look at the flag this often.
  constexpr auto kSignalCheck = std::chrono::milliseconds(20);
  std::unique_lock lock(mutex_);
  while (!interrupted()) {
    const auto now = Clock::now();
    if (!queue_.empty() && queue_.top().when <= now) {
      auto task = std::move(const_cast<Item&>(queue_.top()).task);
      queue_.pop();
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    if (now >= until) return;
    auto wake = std::min(until, now + kSignalCheck);
    if (!queue_.empty()) wake = std::min(wake, queue_.top().when);
    added_.wait_until(lock, wake);
  }
}

}  // namespace portmqtt::tools
