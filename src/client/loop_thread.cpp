#include "client/loop_thread.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace portmqtt::detail {
namespace {

struct Attr {
  pthread_attr_t attr;
  Attr() { pthread_attr_init(&attr); }
  ~Attr() { pthread_attr_destroy(&attr); }
};

}  // namespace

LoopThread::~LoopThread() {
  if (!started_) return;
  if (is_current())
    pthread_detach(thread_);
  else
    pthread_join(thread_, nullptr);
}

void* LoopThread::trampoline(void* arg) {
  std::unique_ptr<std::function<void()>> body{static_cast<std::function<void()>*>(arg)};
  (*body)();
  return nullptr;
}

std::error_code LoopThread::start(std::function<void()> body, const TaskConfig& task) {
  auto owned = std::make_unique<std::function<void()>>(std::move(body));
  Attr a;
  if (task.stack_size != 0)
    pthread_attr_setstacksize(&a.attr, std::max(task.stack_size, kMinStack));
  if (task.priority > 0) {
    // Real-time scheduling needs CAP_SYS_NICE; when creation fails with EPERM we retry with
    // the inherited policy, which is what "ignored where not permitted" means here.
    sched_param param{};
    param.sched_priority = std::clamp(task.priority, sched_get_priority_min(SCHED_RR),
                                      sched_get_priority_max(SCHED_RR));
    pthread_attr_setinheritsched(&a.attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&a.attr, SCHED_RR);
    pthread_attr_setschedparam(&a.attr, &param);
  }
  int rc = pthread_create(&thread_, &a.attr, &trampoline, owned.get());
  if (rc == EPERM && task.priority > 0) {
    pthread_attr_setinheritsched(&a.attr, PTHREAD_INHERIT_SCHED);
    rc = pthread_create(&thread_, &a.attr, &trampoline, owned.get());
  }
  if (rc != 0) return {rc, std::system_category()};
  owned.release();  // the thread owns it now
  started_ = true;
  return {};
}

void LoopThread::join() {
  if (!started_) return;
  if (is_current())
    pthread_detach(thread_);
  else
    pthread_join(thread_, nullptr);
  started_ = false;
}

bool LoopThread::is_current() const noexcept {
  return started_ && pthread_equal(thread_, pthread_self()) != 0;
}

}  // namespace portmqtt::detail
