// A completion counter for the portmqtt peers: handlers count on the client's loop thread and
// the main thread waits for a count.
#pragma once

#include <atomic>
#include <cstdint>

namespace portmqtt::bench {

/// Counts completions (acknowledgements, messages) and lets one thread wait for a total. The
/// waiter sleeps on the atomic itself (a futex) and is woken only when the awaited count is
/// reached, so that a completion costs one atomic add rather than a lock and a wake-up.
class Progress {
 public:
  /// One completion; any thread.
  void complete() {
    const std::uint64_t now = done_.fetch_add(1) + 1;
    if (now == target_.load()) done_.notify_one();
  }

  /// Blocks until at least `total` completions happened. One waiting thread at a time.
  void wait_for(std::uint64_t total) {
    // seq_cst store and loads: either complete() sees the new target, or this sees its count.
    target_.store(total);
    for (std::uint64_t seen = done_.load(); seen < total; seen = done_.load())
      done_.wait(seen);
  }

  /// Completions so far.
  std::uint64_t done() const { return done_.load(); }

 private:
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> target_{UINT64_MAX};
};

}  // namespace portmqtt::bench
