// A mutex whose rules the compiler checks: Clang's thread-safety analysis (-Wthread-safety)
// proves at compile time that every field marked GUARDED_BY(m) is touched only with `m` held
// and that every function marked REQUIRES(m) is called only with it held. Other compilers see
// plain std::mutex and std::condition_variable: the macros expand to nothing there.
//
//   Mutex mutex;
//   int count GUARDED_BY(mutex) = 0;
//   void bump_locked() REQUIRES(mutex) { ++count; }
//   void bump() EXCLUDES(mutex) { MutexLock lock(mutex); bump_locked(); }
//
// A lambda is analysed on its own, without the locks of the code around it: one that runs
// under the lock (a wait predicate, a visitor) says so with `[&]() REQUIRES(mutex) { ... }`.
// Header-only, for the layers that have threads (the runtime, the ESP facade); the I/O-free
// core has no locks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define PORTMQTT_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PORTMQTT_THREAD_ANNOTATION(x)
#endif

/// A type that is a lock (Mutex).
#define CAPABILITY(name) PORTMQTT_THREAD_ANNOTATION(capability(name))
/// A type that holds a lock for its lifetime (MutexLock).
#define SCOPED_CAPABILITY PORTMQTT_THREAD_ANNOTATION(scoped_lockable)
/// A field that may be read or written only with the lock held.
#define GUARDED_BY(x) PORTMQTT_THREAD_ANNOTATION(guarded_by(x))
/// A pointer whose pointee may be used only with the lock held (the pointer itself is free).
#define PT_GUARDED_BY(x) PORTMQTT_THREAD_ANNOTATION(pt_guarded_by(x))
/// A function its callers must call with the lock(s) held.
#define REQUIRES(...) PORTMQTT_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
/// A function that takes the lock(s) itself: callers must not hold them.
#define EXCLUDES(...) PORTMQTT_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) PORTMQTT_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) PORTMQTT_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) PORTMQTT_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
/// A function after which the analysis takes the lock as held (it checks that at run time).
#define ASSERT_CAPABILITY(x) PORTMQTT_THREAD_ANNOTATION(assert_capability(x))
/// A function the analysis skips. Last resort: say why next to it.
#define NO_THREAD_SAFETY_ANALYSIS PORTMQTT_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace portmqtt::detail {

class MutexLock;

/// std::mutex, known to the analysis. Locked with MutexLock.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

 private:
  friend class MutexLock;
  std::mutex native_;
};

/// Holds a Mutex from construction to destruction, like std::unique_lock: unlock() and lock()
/// in between, and waits on a ConditionVariable (which releases and retakes it).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : lock_(mutex.native_) {}
  /// Only tries when `try_only`: then owns_lock() says whether it holds the mutex. The
  /// analysis takes the mutex as held either way, so a caller that finds owns_lock() false
  /// must leave at once, touching nothing the mutex guards.
  MutexLock(Mutex& mutex, bool try_only) ACQUIRE(mutex) : lock_(mutex.native_, std::defer_lock) {
    if (try_only)
      (void)lock_.try_lock();
    else
      lock_.lock();
  }
  ~MutexLock() RELEASE() = default;
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void lock() ACQUIRE() { lock_.lock(); }
  void unlock() RELEASE() { lock_.unlock(); }
  bool owns_lock() const noexcept { return lock_.owns_lock(); }

 private:
  friend class ConditionVariable;
  std::unique_lock<std::mutex> lock_;
};

/// std::condition_variable over a MutexLock. Waiting releases the mutex and holds it again
/// before it returns, so to the analysis the lock is held throughout; a predicate runs with
/// it held and, as a lambda, says so with REQUIRES.
class ConditionVariable {
 public:
  void notify_all() noexcept { native_.notify_all(); }
  void notify_one() noexcept { native_.notify_one(); }

  template <class Predicate>
  void wait(MutexLock& lock, Predicate ready) {
    native_.wait(lock.lock_, std::move(ready));
  }
  template <class Clock, class Duration>
  std::cv_status wait_until(MutexLock& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    return native_.wait_until(lock.lock_, deadline);
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(MutexLock& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                  Predicate ready) {
    return native_.wait_until(lock.lock_, deadline, std::move(ready));
  }

 private:
  std::condition_variable native_;
};

/// The role of running on one Asio strand, as a capability (Chromium's SEQUENCE_CHECKER does
/// the same for a sequence). Nothing is locked: a field GUARDED_BY a StrandRole may be touched
/// only by code that runs on the strand, a function that REQUIRES it only from there, and code
/// enters the role by calling a function marked ASSERT_CAPABILITY(role) that checks, at run time
/// in debug builds, that it does run on the strand. Each handler handed to Asio starts with that
/// call; a function that touches strand-only state without it, or without REQUIRES, does not
/// compile under -Wthread-safety.
///
///   StrandRole on_strand;
///   int reads GUARDED_BY(on_strand) = 0;
///   void assert_on_strand() const ASSERT_CAPABILITY(on_strand) { assert(...); }
///   void on_read() REQUIRES(on_strand) { ++reads; }
///   asio::post(strand, [this] { assert_on_strand(); on_read(); });
class CAPABILITY("strand") StrandRole {};

}  // namespace portmqtt::detail
