// The clock of `portmqtt bench`: tasks due at given times, run one after the other on the
// thread that calls run_until() (the main thread). Connections are started at scheduled times
// and publishers paced by rate are woken at the time of their next message, instead of a loop
// that sleeps a fixed tick.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <vector>

namespace portmqtt::tools {

class Scheduler {
 public:
  using Clock = std::chrono::steady_clock;

  /// Runs `task` at `when` (at once if that has passed) on the thread in run_until(). Tasks
  /// due at the same time run in the order they were added. Any thread.
  void at(Clock::time_point when, std::function<void()> task);

  /// Runs due tasks until `until`. Returns early, at most a few milliseconds late, when the
  /// process was interrupted (SIGINT/SIGTERM) so that the caller can react.
  void run_until(Clock::time_point until);

 private:
  struct Item {
    Clock::time_point when;
    std::uint64_t order;
    std::function<void()> task;
    bool operator>(const Item& other) const {
      return when != other.when ? when > other.when : order > other.order;
    }
  };

  std::mutex mutex_;
  std::condition_variable added_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue_;
  std::uint64_t next_order_ = 0;
};

}  // namespace portmqtt::tools
