// The QoS 0 hot path allocates nothing once warmed up, a QoS 1 record's bytes reach the
// output batch by reference rather than by copy, and an idle session holds no buffers for
// features it does not use.
#include <atomic>
#include <cstdlib>
#include <new>

#include "session/held_acks.hpp"
#include "support/session_harness.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define PORTMQTT_COUNT_ALLOCATIONS 0  // AddressSanitizer owns operator new
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PORTMQTT_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef PORTMQTT_COUNT_ALLOCATIONS
#define PORTMQTT_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};
}  // namespace

#if PORTMQTT_COUNT_ALLOCATIONS
// Counts every allocation of this test program while `counting` is set.
void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc{};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // malloc-backed on purpose
#endif
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;

// Allocations made by ten calls of `round` after three that warm the caches up.
template <class Round>
std::size_t allocations_once_warm(Round round) {
  for (int warm = 0; warm < 3; ++warm)
    round();
  allocations = 0;
  counting = true;
  for (int i = 0; i < 10; ++i)
    round();
  counting = false;
  return allocations.load();
}

TEST(HotPath, Qos0PublishDoesNotAllocate) {
  if (!PORTMQTT_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under ASan";
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x01});  // topic alias maximum 1
  codec::Publish p;
  p.topic = "sensors/temperature";
  p.payload = "21.5";
  p.props.add(PropertyId::topic_alias, 1);
  p.props.add_user_property("unit", "C");
  auto round = [&] {
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(h.session.publish(p, h.now()));
    OutputBatch batch = h.session.take_output();
    ASSERT_EQ(batch.buffers().size(), 1u);  // one contiguous buffer for 100 messages
    h.session.recycle(std::move(batch));
  };
  EXPECT_EQ(allocations_once_warm(round), 0u);
}

// A publisher that queues more than a chunk (64 KiB) between two writes fills several chunks;
// once the written batches are back, the same chunks take the next round: no allocation.
TEST(HotPath, Qos0StreamPastAChunkReusesItsChunks) {
  if (!PORTMQTT_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under ASan";
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  codec::Publish p;
  p.topic = "bulk";
  const std::string payload(1000, 'x');
  p.payload = payload;
  auto round = [&] {
    for (int i = 0; i < 150; ++i)  // ~151 KB: three chunks
      ASSERT_TRUE(h.session.publish(p, h.now()));
    OutputBatch batch = h.session.take_output();
    ASSERT_EQ(batch.buffers().size(), 3u);  // sealed past 64 KiB, twice
    ASSERT_EQ(batch.size(), 150u * 1009u);  // 1 + 2 + 2 + 4 + 1,000 bytes each
    h.session.recycle(std::move(batch));
  };
  EXPECT_EQ(allocations_once_warm(round), 0u);
}

TEST(HotPath, Qos1RecordIsSharedNotCopied) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "payload", QoS::at_least_once));
  OutputBatch first = h.session.take_output();
  ASSERT_EQ(first.buffers().size(), 1u);
  h.session.connection_lost(h.now());
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.clean_start = false;
  h.session.set_config(c);
  h.connect_with(connack_v311(true));
  OutputBatch resent = h.session.take_output();
  ASSERT_EQ(resent.buffers().size(), 1u);
  // DUP changes the first byte, so the resend is a new record; the original batch keeps the
  // bytes it pointed at, unchanged, even though the outbox replaced them.
  EXPECT_EQ(first.buffers()[0][0], 0x32);
  EXPECT_EQ(resent.buffers()[0][0], 0x3A);
  EXPECT_NE(first.buffers()[0].data(), resent.buffers()[0].data());
}

TEST(HotPath, EverySendOfARecordPointsAtTheSameBytes) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.retransmit_interval = 1s;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "a", QoS::at_least_once));
  h.output();
  h.advance(1s);  // first retransmission: DUP is set once, in a new record
  OutputBatch second = h.session.take_output();
  h.advance(1s);  // second retransmission: the same record again
  OutputBatch third = h.session.take_output();
  ASSERT_EQ(second.buffers().size(), 1u);
  ASSERT_EQ(third.buffers().size(), 1u);
  EXPECT_EQ(concat(third), (Bytes{0x3A, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a'}));
  EXPECT_EQ(second.buffers()[0].data(), third.buffers()[0].data());
}

// An idle connection carries what it uses: the queue of acknowledgements held for the
// application (Config::manual_ack) exists only once a message is held.
TEST(IdleSession, HeldAcknowledgementsAllocateNothingUntilTheFirstHold) {
  if (!PORTMQTT_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under ASan";
  allocations = 0;
  counting = true;
  {
    HeldAcks held;
    EXPECT_FALSE(held.holds(1));
    EXPECT_FALSE(held.release(1, codec::ReasonCode::success, {}));
    EXPECT_FALSE(held.take_released().has_value());
    EXPECT_EQ(held.size(), 0u);
  }
  counting = false;
  EXPECT_EQ(allocations.load(), 0u);

  HeldAcks held;
  const std::uint64_t id = held.hold(7, QoS::at_least_once);
  EXPECT_TRUE(held.holds(7));
  ASSERT_TRUE(held.release(id, codec::ReasonCode::success, {}));
  auto released = held.take_released();
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(released->packet_id, 7);
  held.clear();
  EXPECT_EQ(held.size(), 0u);
  EXPECT_NE(held.hold(8, QoS::exactly_once), id) << "ack ids are never reused";
  EXPECT_EQ(held.size(), 1u);
}

}  // namespace
}  // namespace portmqtt::session::test
