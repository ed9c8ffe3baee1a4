// Reconnect delays: fixed by default, exponential with bounded jitter when asked.
#include "client/reconnect.hpp"

#include <gtest/gtest.h>

namespace portmqtt::detail {
namespace {

using std::chrono::milliseconds;

TEST(ReconnectBackoff, FixedIntervalWithoutBackoff) {
  ReconnectBackoff backoff{1};
  ReconnectConfig config{.interval = milliseconds(10'000), .exponential_backoff = false};  // ESP
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(backoff.next_delay(config), milliseconds(10'000));
}

TEST(ReconnectBackoff, DefaultStartsFastAndStaysWithinHalfASecond) {
  ReconnectBackoff backoff{1};
  ReconnectConfig config;
  const auto first = backoff.next_delay(config);
  EXPECT_GE(first, milliseconds(80));  // 100 ms +-20 %
  EXPECT_LE(first, milliseconds(120));
  for (int i = 0; i < 20; ++i) {
    const auto next = backoff.next_delay(config);
    EXPECT_LE(next, milliseconds(500));
    EXPECT_GE(next, milliseconds(80));
  }
  backoff.reset();
  EXPECT_LE(backoff.next_delay(config), milliseconds(120));
}

TEST(ReconnectBackoff, ExponentialWithoutJitterDoublesUpToTheCap) {
  ReconnectBackoff backoff{1};
  ReconnectConfig config{.interval = milliseconds(100),
                         .exponential_backoff = true,
                         .multiplier = 2.0,
                         .max_interval = milliseconds(1000),
                         .jitter = 0.0};
  const milliseconds expected[] = {milliseconds(100), milliseconds(200),  milliseconds(400),
                                   milliseconds(800), milliseconds(1000), milliseconds(1000)};
  for (milliseconds e : expected)
    EXPECT_EQ(backoff.next_delay(config), e);
  backoff.reset();
  EXPECT_EQ(backoff.next_delay(config), milliseconds(100));
}

TEST(ReconnectBackoff, JitterStaysWithinItsBand) {
  ReconnectBackoff backoff{42};
  ReconnectConfig config{.interval = milliseconds(1000),
                         .exponential_backoff = true,
                         .multiplier = 1.0,
                         .max_interval = milliseconds(10'000),
                         .jitter = 0.25};
  bool varied = false;
  milliseconds first = backoff.next_delay(config);
  for (int i = 0; i < 200; ++i) {
    milliseconds d = backoff.next_delay(config);
    EXPECT_GE(d, milliseconds(750));
    EXPECT_LE(d, milliseconds(1250));
    varied = varied || d != first;
  }
  EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace portmqtt::detail
