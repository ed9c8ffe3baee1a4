#include "client/read_pacing.hpp"

#include <algorithm>
#include <cstdint>

namespace portmqtt::detail {

std::chrono::nanoseconds read_pause(const ReadOutcome& read) noexcept {
  using std::chrono::nanoseconds;
  if (read.acks == 0 || read.other_events || !read.ack_round_trip) return nanoseconds{0};
  const nanoseconds backlog = kPausePerInFlight * static_cast<std::int64_t>(read.in_flight);
  const nanoseconds pause = std::min<nanoseconds>(
      {*read.ack_round_trip / kRoundTripShare, backlog, nanoseconds{kMaxReadPause}});
  return pause < kMinReadPause ? nanoseconds{0} : pause;
}

}  // namespace portmqtt::detail
