// The machinery behind a loop: one io_context, a work guard that keeps it running while
// clients use it, and the threads that run it. Shared by an EventLoop and its clients, or
// owned by one client (own-thread model).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "client/loop_thread.hpp"
#include "portmqtt/config.hpp"
#include "portmqtt/event_loop.hpp"

namespace portmqtt::detail {

struct LoopCore {
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  mutable boost::asio::io_context io;  // mutable: get_executor() is non-const
  std::optional<WorkGuard> work;
  std::vector<std::unique_ptr<LoopThread>> threads;

  bool running_in_this_thread() const noexcept {
    return io.get_executor().running_in_this_thread();
  }
};

/// Starts `count` threads running `core->io`. Each thread holds `core`, so the io_context
/// outlives any handler that releases the last other reference to it.
std::error_code start_loop_threads(const std::shared_ptr<LoopCore>& core, std::size_t count,
                                   const TaskConfig& task);

}  // namespace portmqtt::detail
