// The time a QoS 0 publish is stamped with: steady_clock's own clock (CLOCK_MONOTONIC) as of
// the kernel's last tick, read in about 5 ns instead of 25. A publishing thread in a loop spent
// a tenth of its time reading the clock; a QoS 0 message needs its time only for keep-alive
// (when the next PINGREQ is due) and, when held offline, for expiry, both counted in seconds,
// so a stamp one tick (1-4 ms) early changes nothing. QoS 1/2 publishes keep the fine clock:
// their send time also measures the round trip to the acknowledgement (Stats::last_round_trip).
#pragma once

#include <time.h>

#include <chrono>

namespace portmqtt::detail {

inline std::chrono::steady_clock::time_point coarse_now() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
  return std::chrono::steady_clock::time_point{
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::seconds{t.tv_sec} + std::chrono::nanoseconds{t.tv_nsec})};
}

}  // namespace portmqtt::detail
