/// \file
/// A loop shared by many clients (the "scale model").
///
/// By default every Client owns one loop thread, like ESP-MQTT's MQTT task. For many
/// connections in one process, create one EventLoop with a few threads and pass it to each
/// Client: all their sockets, timers and handlers then run on these threads. A client's
/// handlers never run concurrently with each other, but handlers of different clients may run
/// at the same time on different threads.
#pragma once

#include <cstddef>
#include <memory>

#include "portmqtt/config.hpp"

namespace portmqtt {

namespace detail {
struct LoopCore;
}

/// A loop shared by many clients (see event_loop.hpp): pass it to Client(EventLoop&, Config).
class EventLoop {
 public:
  /// Starts `threads` (at least 1) loop threads at once, each with `thread` settings.
  /// Throws std::system_error when a thread cannot be created.
  explicit EventLoop(std::size_t threads = 1, TaskConfig thread = {});
  /// Stops and joins the threads. Every Client using this loop must be destroyed first.
  /// Must not be called from one of the loop's own threads.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  std::size_t thread_count() const noexcept;
  /// True when called from one of this loop's threads.
  bool running_in_loop_thread() const noexcept;

  /// Internal: the loop's machinery, used by Client.
  const std::shared_ptr<detail::LoopCore>& core() const noexcept { return core_; }

 private:
  std::shared_ptr<detail::LoopCore> core_;
};

}  // namespace portmqtt
