#include "portmqtt/event_loop.hpp"

#include <stdexcept>
#include <system_error>

#include "client/loop_core.hpp"

namespace portmqtt {
namespace detail {

std::error_code start_loop_threads(const std::shared_ptr<LoopCore>& core, std::size_t count,
                                   const TaskConfig& task) {
  for (std::size_t i = 0; i < count; ++i) {
    auto thread = std::make_unique<LoopThread>();
    if (auto ec = thread->start([core] { core->io.run(); }, task)) return ec;
    core->threads.push_back(std::move(thread));
  }
  return {};
}

}  // namespace detail

EventLoop::EventLoop(std::size_t threads, TaskConfig thread) {
  core_ = std::make_shared<detail::LoopCore>();
  core_->work.emplace(core_->io.get_executor());
  if (threads <= 1) core_->one_thread_strand.emplace(boost::asio::make_strand(core_->io));
  if (auto ec = detail::start_loop_threads(core_, threads == 0 ? 1 : threads, thread)) {
    core_->work.reset();
    core_->io.stop();
    core_->threads.clear();
    throw std::system_error(ec, "portmqtt::EventLoop");
  }
}

EventLoop::~EventLoop() {
  // Clients are gone, so only their last cancelled handlers are left; run() returns once
  // they have run.
  core_->work.reset();
  for (auto& thread : core_->threads)
    thread->join();
  core_->threads.clear();
}

std::size_t EventLoop::thread_count() const noexcept {
  return core_->threads.size();
}

bool EventLoop::running_in_loop_thread() const noexcept {
  return core_->running_in_this_thread();
}

}  // namespace portmqtt
