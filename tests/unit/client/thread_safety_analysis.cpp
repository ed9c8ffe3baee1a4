// Compiled, not run, by clang with -Wthread-safety -Werror: as it is, every use of what the
// mutex guards is under it and the analysis accepts it (thread_safety_analysis_accepts); with
// PORTMQTT_UNGUARDED one read happens after the unlock, and the analysis must refuse it
// (thread_safety_analysis_refuses_an_unguarded_read). Proves the check, not the wrapper. The
// strand role alike (StrandOwner, below).
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

// Strand-only state, as Client::Impl keeps it: a field GUARDED_BY a StrandRole, a function that
// REQUIRES it, and an entry point (what Asio would run on the strand) that asserts it first.
// With PORTMQTT_OFF_STRAND a function that is not on the strand reads the field, and the
// analysis must refuse it (thread_safety_analysis_refuses_a_touch_off_the_strand).
struct StrandOwner {
  struct Strand {
    bool running_in_this_thread() const { return true; }  // stands in for an Asio strand
  };
  Strand strand;
  [[no_unique_address]] portmqtt::detail::StrandRole on_strand;
  int reads GUARDED_BY(on_strand) = 0;

  void assert_on_strand() const ASSERT_CAPABILITY(on_strand) {
    if (!strand.running_in_this_thread()) __builtin_trap();
  }
  void on_read() REQUIRES(on_strand) { ++reads; }
  // What a handler posted to the strand does.
  void entry_point() {
    assert_on_strand();
    on_read();
  }
  int count() {
#ifdef PORTMQTT_OFF_STRAND
    return reads;  // no assert_on_strand(), no REQUIRES: refused
#else
    assert_on_strand();
    return reads;
#endif
  }
};

}  // namespace

int main() {
  Counter c;
  c.bump();
  StrandOwner s;
  s.entry_point();
  return c.wait_for_one() + c.read() + s.count() == 3 ? 0 : 1;
}
