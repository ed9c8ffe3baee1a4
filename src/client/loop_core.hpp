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
#include <boost/asio/strand.hpp>

#include "client/loop_thread.hpp"
#include "portmqtt/config.hpp"
#include "portmqtt/event_loop.hpp"

namespace portmqtt::detail {

/// Where a client's handlers run, one at a time.
using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

struct LoopCore {
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  mutable boost::asio::io_context io;  // mutable: get_executor() is non-const
  std::optional<WorkGuard> work;
  std::vector<std::unique_ptr<LoopThread>> threads;
  // An EventLoop with one thread runs one handler at a time anyway: all its clients share this
  // strand, and "on the client's strand" means "on the loop thread". A strand of each client's
  // own would cost every client its strand state (about 100 bytes) for no ordering the one
  // thread does not give already. Empty with more threads, where each client has its own.
  // After `io`, so that it goes first.
  std::optional<Strand> one_thread_strand;

  /// The strand for a new client of this loop: the shared one, or one of its own.
  Strand strand_for_client() {
    return one_thread_strand ? *one_thread_strand : boost::asio::make_strand(io);
  }

  bool running_in_this_thread() const noexcept {
    return io.get_executor().running_in_this_thread();
  }
};

/// Starts `count` threads running `core->io`. Each thread holds `core`, so the io_context
/// outlives any handler that releases the last other reference to it.
std::error_code start_loop_threads(const std::shared_ptr<LoopCore>& core, std::size_t count,
                                   const TaskConfig& task);

}  // namespace portmqtt::detail
