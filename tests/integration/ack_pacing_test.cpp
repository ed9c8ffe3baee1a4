// Publishers that wait for their acknowledgements, against mosquitto's Nagle: no window may
// wait for the 40 ms delayed-ACK timer.
//
// mosquitto leaves Nagle's algorithm on, so it sends its second small PUBACK only once its first
// is acknowledged at the TCP level. A client with nothing left to write acknowledges only after
// Linux's delayed-ACK timer (40 ms at least) unless it asks for a quick ACK, and every window of
// messages then waits that long. The client also leaves acks unread for a moment when many
// messages are in flight (client/read_pacing.hpp); that pause must stay far below 40 ms.
//
// How a stall shows: a window of 20 that waited for the timer took 40 ms or more, while one
// that did not takes well under a millisecond here. The tests count such windows and accept up
// to half of them (a loaded machine may deschedule the client or the broker now and then); with
// the stall, every window has it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kDelayedAck = 40ms;

// Counts acknowledgements on the loop thread, keeps the time of each, and lets the publishing
// thread wait for a total.
class AckCounter {
 public:
  void acknowledged() {
    std::lock_guard lock(mutex_);
    times_.push_back(SteadyClock::now());
    changed_.notify_all();
  }
  bool wait_for(std::uint64_t total, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return times_.size() >= total; });
  }
  // The time between each acknowledgement and the next.
  std::vector<SteadyClock::duration> gaps() {
    std::lock_guard lock(mutex_);
    std::vector<SteadyClock::duration> out;
    for (std::size_t i = 1; i < times_.size(); ++i)
      out.push_back(times_[i] - times_[i - 1]);
    return out;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<SteadyClock::time_point> times_;
};

struct Publisher {
  Publisher(const Mosquitto& broker, const std::string& id, std::uint16_t max_inflight) {
    Config config;
    config.broker.uri = broker.uri();
    config.credentials.client_id = id;
    config.session.protocol_version = ProtocolVersion::v3_1_1;
    config.session.max_inflight = max_inflight;
    // A loaded machine may hold a PUBACK past a second: no resend (and no duplicate ack).
    config.session.retransmit_interval = Milliseconds{0};
    client = std::make_unique<Client>(config);
    client->on_connected([this](const Connected&) { connected.acknowledged(); });
    client->on_published([this](const Published&) { acks.acknowledged(); });
  }
  bool start() { return !client->start() && connected.wait_for(1, 10s); }

  std::unique_ptr<Client> client;
  AckCounter connected;
  AckCounter acks;
};

double ms(SteadyClock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Under a sanitizer every step runs several times slower and a loaded machine stalls threads
// for tens of milliseconds: a stall then says nothing about the delayed ACK. The debug run
// measures it.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// How many of `durations` reached the delayed-ACK timer.
std::size_t stalled(const std::vector<SteadyClock::duration>& durations) {
  return static_cast<std::size_t>(
      std::count_if(durations.begin(), durations.end(),
                    [](SteadyClock::duration d) { return d >= kDelayedAck; }));
}

TEST(AckPacing, AWindowOf20QoS1MessagesNeverWaitsForTheDelayedAck) {
  if (kSanitized) GTEST_SKIP() << "stall times under a sanitizer are not the network's";
  Mosquitto broker;
  Publisher publisher{broker, "pace-w20", 20};
  ASSERT_TRUE(publisher.start());
  constexpr std::uint64_t kWindow = 20;
  constexpr std::uint64_t kMessages = 2000;
  std::vector<SteadyClock::duration> windows;
  for (std::uint64_t sent = 0; sent < kMessages; sent += kWindow) {
    const auto begin = SteadyClock::now();
    for (std::uint64_t i = 0; i < kWindow; ++i)
      ASSERT_TRUE(
          publisher.client->publish("pace/w20", "0123456789abcdef", {.qos = QoS::at_least_once}));
    // Nothing more to write until all 20 are acknowledged: the case the quick ACK is for.
    ASSERT_TRUE(publisher.acks.wait_for(sent + kWindow, 10s)) << "window at " << sent;
    windows.push_back(SteadyClock::now() - begin);
  }
  std::sort(windows.begin(), windows.end());
  EXPECT_LE(stalled(windows), windows.size() / 2)
      << "windows of 20 that took 40 ms or more; median " << ms(windows[windows.size() / 2])
      << " ms, slowest " << ms(windows.back()) << " ms";
  publisher.client->stop();
}

TEST(AckPacing, AWindowOf1000RefilledAtHalfNeverWaitsForTheDelayedAck) {
  if (kSanitized) GTEST_SKIP() << "stall times under a sanitizer are not the network's";
  // The benchmark's publisher: 1,000 in flight, then it waits until 500 are acknowledged.
  // With this many in flight the client pauses between reads of acks; the broker must never
  // be left waiting for an ACK that only the timer would send. Acks come every few
  // microseconds; a stall is a gap of 40 ms between two of them, and without the quick ACK
  // nearly every refill has one.
  Mosquitto broker;
  Publisher publisher{broker, "pace-w1000", 1000};
  ASSERT_TRUE(publisher.start());
  constexpr std::uint64_t kWindow = 1000;
  constexpr std::uint64_t kRefill = kWindow / 2;
  constexpr std::uint64_t kMessages = 10'000;
  std::size_t refills = 0;
  for (std::uint64_t sent = 0; sent < kMessages; ++refills) {
    const std::uint64_t burst = sent == 0 ? kWindow : kRefill;
    for (std::uint64_t i = 0; i < burst; ++i)
      ASSERT_TRUE(
          publisher.client->publish("pace/w1000", "0123456789abcdef", {.qos = QoS::at_least_once}));
    sent += burst;
    const std::uint64_t wanted = sent < kMessages ? sent - kWindow + kRefill : sent;
    ASSERT_TRUE(publisher.acks.wait_for(wanted, 30s)) << "waiting for " << wanted;
  }
  std::vector<SteadyClock::duration> gaps = publisher.acks.gaps();
  std::sort(gaps.begin(), gaps.end());
  EXPECT_LE(stalled(gaps), refills / 2) << "gaps between acks of 40 ms or more; the longest "
                                        << ms(gaps.back()) << " ms, over " << refills << " refills";
  publisher.client->stop();
}

}  // namespace
}  // namespace portmqtt::test
