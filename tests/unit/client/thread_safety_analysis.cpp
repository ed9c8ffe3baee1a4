// Compiled, not run, by clang with -Wthread-safety -Werror: as it is, every use of what the
// mutex guards is under it and the analysis accepts it (thread_safety_analysis_accepts); with
// PORTMQTT_UNGUARDED one read happens after the unlock, and the analysis must refuse it
// (thread_safety_analysis_refuses_an_unguarded_read). Proves the check, not the wrapper.
#include "common/thread_safety.hpp"

namespace {

struct Counter {
  portmqtt::detail::Mutex mutex;
  portmqtt::detail::ConditionVariable changed;
  int count GUARDED_BY(mutex) = 0;

  void bump_locked() REQUIRES(mutex) { ++count; }

  void bump() EXCLUDES(mutex) {
    portmqtt::detail::MutexLock lock(mutex);
    bump_locked();
    changed.notify_all();
  }

  int wait_for_one() EXCLUDES(mutex) {
    portmqtt::detail::MutexLock lock(mutex);
    changed.wait(lock, [&]() REQUIRES(mutex) { return count > 0; });
    return count;
  }

  int read() EXCLUDES(mutex) {
    portmqtt::detail::MutexLock lock(mutex);
#ifdef PORTMQTT_UNGUARDED
    lock.unlock();  // what unguarded.cpp adds: the read below is now outside the lock
#endif
    return count;
  }
};

}  // namespace

int main() {
  Counter c;
  c.bump();
  return c.wait_for_one() + c.read() == 2 ? 0 : 1;
}
