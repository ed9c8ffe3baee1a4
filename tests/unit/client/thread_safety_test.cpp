// The annotated Mutex, MutexLock and ConditionVariable (src/common/thread_safety.hpp) behave
// as std::mutex, std::unique_lock and std::condition_variable do. What the compiler proves
// with them is tested by the thread_safety_analysis_* tests (thread_safety/, clang only).
#include "common/thread_safety.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace portmqtt::detail {
namespace {

using namespace std::chrono_literals;

struct Guarded {
  Mutex mutex;
  ConditionVariable changed;
  int value GUARDED_BY(mutex) = 0;
};

// Another thread sets g.value under the lock a little later and wakes the waiters.
std::thread set_later(Guarded& g, int value) {
  return std::thread([&g, value] {
    std::this_thread::sleep_for(10ms);
    {
      MutexLock lock(g.mutex);
      g.value = value;
    }
    g.changed.notify_all();
  });
}

TEST(ThreadSafety, ATryOnlyLockHeldElsewhereOwnsNothing) {
  Guarded g;
  MutexLock held(g.mutex);
  bool owned = true;
  std::thread other([&] {
    MutexLock attempt(g.mutex, /*try_only=*/true);
    owned = attempt.owns_lock();
  });
  other.join();
  EXPECT_FALSE(owned);
}

TEST(ThreadSafety, ATryOnlyLockOfAFreeMutexHoldsIt) {
  Guarded g;
  {
    MutexLock attempt(g.mutex, /*try_only=*/true);
    ASSERT_TRUE(attempt.owns_lock());
    g.value = 1;
  }
  // Released with the lock: another thread takes it at once.
  bool owned = false;
  std::thread other([&] {
    MutexLock attempt(g.mutex, /*try_only=*/true);
    owned = attempt.owns_lock();
  });
  other.join();
  EXPECT_TRUE(owned);
}

TEST(ThreadSafety, UnlockReleasesAndLockTakesAgain) {
  Guarded g;
  MutexLock lock(g.mutex);
  lock.unlock();
  EXPECT_FALSE(lock.owns_lock());
  bool owned = false;
  std::thread other([&] {
    MutexLock attempt(g.mutex, /*try_only=*/true);
    owned = attempt.owns_lock();
  });
  other.join();
  EXPECT_TRUE(owned);
  lock.lock();
  EXPECT_TRUE(lock.owns_lock());
  g.value = 2;
  EXPECT_EQ(g.value, 2);
}

TEST(ThreadSafety, AWaitReturnsOnceAnotherThreadMakesThePredicateTrue) {
  Guarded g;
  std::thread setter = set_later(g, 7);
  {
    MutexLock lock(g.mutex);
    g.changed.wait(lock, [&]() REQUIRES(g.mutex) { return g.value == 7; });
    EXPECT_EQ(g.value, 7);  // the lock is held again
  }
  setter.join();
}

TEST(ThreadSafety, AWaitUntilAPastDeadlineTimesOut) {
  Guarded g;
  MutexLock lock(g.mutex);
  const auto past = std::chrono::steady_clock::now() - 1s;
  EXPECT_FALSE(g.changed.wait_until(lock, past, [&]() REQUIRES(g.mutex) { return g.value != 0; }));
  EXPECT_EQ(g.changed.wait_until(lock, past), std::cv_status::timeout);
  EXPECT_TRUE(lock.owns_lock());
}

TEST(ThreadSafety, AWaitUntilSeesANotificationBeforeItsDeadline) {
  Guarded g;
  std::thread setter = set_later(g, 1);
  MutexLock lock(g.mutex);
  const auto deadline = std::chrono::steady_clock::now() + 30s;  // far: never reached
  EXPECT_TRUE(
      g.changed.wait_until(lock, deadline, [&]() REQUIRES(g.mutex) { return g.value == 1; }));
  lock.unlock();
  setter.join();
}

}  // namespace
}  // namespace portmqtt::detail
