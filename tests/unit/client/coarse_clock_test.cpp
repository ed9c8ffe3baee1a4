// The coarse stamp of QoS 0 publishes reads the same clock as steady_clock, at most a few
// kernel ticks behind it and never ahead.
#include "client/coarse_clock.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace portmqtt::detail {
namespace {

TEST(CoarseClock, ReadsSteadyClockAtMostATickBehind) {
  using namespace std::chrono_literals;
  for (int i = 0; i < 1000; ++i) {
    const auto before = std::chrono::steady_clock::now();
    const auto coarse = coarse_now();
    const auto after = std::chrono::steady_clock::now();
    // Not ahead of a fine reading taken after it (the same clock, one tick at most behind).
    ASSERT_LE(coarse, after);
    // A tick is 1-10 ms (HZ 100 to 1000); 50 ms leaves room for a descheduled thread, and a
    // different clock (CLOCK_REALTIME, boot time) would be off by far more.
    ASSERT_GE(coarse, before - 50ms);
  }
}

}  // namespace
}  // namespace portmqtt::detail
