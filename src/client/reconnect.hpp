// How long to wait before the next connection attempt.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include "portmqtt/config.hpp"

namespace portmqtt::detail {

/// Fixed interval by default; with exponential_backoff the n-th consecutive failure waits
/// interval * multiplier^n (capped at max_interval), spread by +-jitter so that many clients
/// cut off together do not come back together.
class ReconnectBackoff {
 public:
  explicit ReconnectBackoff(std::uint32_t seed = std::random_device{}()) : rng_(seed) {}

  /// The delay before the next attempt; counts one more failure.
  std::chrono::milliseconds next_delay(const ReconnectConfig& config);
  /// A connection succeeded: start again from `interval`.
  void reset() noexcept { failures_ = 0; }
  unsigned failures() const noexcept { return failures_; }

 private:
  unsigned failures_ = 0;
  std::minstd_rand rng_;
};

}  // namespace portmqtt::detail
