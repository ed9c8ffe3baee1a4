// A thread with a chosen stack size and, where permitted, a real-time priority: std::thread
// offers neither, so this wraps pthreads.
#pragma once

#include <pthread.h>

#include <functional>
#include <system_error>

#include "portmqtt/config.hpp"

namespace portmqtt::detail {

class LoopThread {
 public:
  LoopThread() = default;
  ~LoopThread();  ///< joins (or detaches when called on the thread itself)
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  /// Starts `body` on a new thread. The stack is at least kMinStack bytes; a priority the
  /// process may not set is ignored.
  std::error_code start(std::function<void()> body, const TaskConfig& task);
  void join();
  bool joinable() const noexcept { return started_; }
  bool is_current() const noexcept;

  static constexpr std::size_t kMinStack = 64 * 1024;

 private:
  static void* trampoline(void* arg);

  pthread_t thread_{};
  bool started_ = false;
};

}  // namespace portmqtt::detail
