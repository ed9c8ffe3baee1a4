// Packet ids bound when a message goes in flight (Config::packet_id_on_accept = false): the
// outbox holds more than 65,535 messages, ids are reused as acks free them, handles identify
// messages; and the ESP mode, where ids run out.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PacketType;
using codec::ProtocolVersion;
using codec::QoS;

Config late_ids(ProtocolVersion version) {
  Config c = config_for(version);
  c.packet_id_on_accept = false;
  c.outbox_expiry = Duration{0};
  c.max_inflight = 2;
  return c;
}

TEST(LateIds, AMessageQueuedOfflineHasAHandleButNoIdUntilItFlies) {
  Harness h(late_ids(ProtocolVersion::v3_1_1));
  auto first = h.publish("t", "a", QoS::at_least_once);
  auto second = h.publish("t", "b", QoS::at_least_once);
  auto third = h.publish("t", "c", QoS::at_least_once);
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first.packet_id, 0);
  EXPECT_EQ(first.handle, 1u);
  EXPECT_EQ(second.handle, 2u);
  EXPECT_EQ(third.handle, 3u);
  h.connect_with(connack_v311());
  // Two fit the window (max_inflight 2) and take ids 1 and 2; the third waits without one.
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a',     // id 1
                               0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x02, 'b'}));  // id 2
  h.feed({0x40, 0x02, 0x00, 0x01});                                              // PUBACK id 1
  auto events = h.events();
  auto done = take<PublishCompleted>(events);
  EXPECT_EQ(done.packet_id, 1);
  EXPECT_EQ(done.handle, 1u);
  // The third goes out with the first free id after 2.
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x03, 'c'}));  // id 3
}

TEST(LateIds, MoreThan65535MessagesWaitAndAllGoOut) {
  Config c = late_ids(ProtocolVersion::v3_1_1);
  c.max_inflight = 20;
  Harness h(c);
  constexpr int kCount = 70'000;
  for (int i = 0; i < kCount; ++i)
    ASSERT_TRUE(h.publish("t", "x", QoS::at_least_once)) << i;
  EXPECT_EQ(h.session.outbox_messages(), static_cast<std::size_t>(kCount));
  h.connect_with(connack_v311());
  int acked = 0;
  std::uint64_t last_handle = 0;
  while (acked < kCount) {
    Bytes out = h.output();
    ASSERT_FALSE(out.empty()) << "stalled after " << acked;
    // Each PUBLISH is 8 bytes: 32 06 00 01 't' id_hi id_lo 'x'. Acknowledge every one.
    ASSERT_EQ(out.size() % 8, 0u);
    Bytes acks;
    for (std::size_t at = 0; at < out.size(); at += 8) {
      ASSERT_EQ(out[at], 0x32);
      acks.insert(acks.end(), {0x40, 0x02, out[at + 5], out[at + 6]});
    }
    h.feed(acks);
    for (auto& event : h.events()) {
      auto* done = std::get_if<PublishCompleted>(&event);
      ASSERT_NE(done, nullptr);
      EXPECT_GT(done->handle, last_handle);  // in order, each once
      last_handle = done->handle;
      ++acked;
    }
  }
  EXPECT_EQ(last_handle, static_cast<std::uint64_t>(kCount));
  EXPECT_EQ(h.session.outbox_messages(), 0u);
}

TEST(LateIds, IdsOnAcceptRunOutAt65535) {
  Config c = config_for(ProtocolVersion::v3_1_1);  // packet_id_on_accept (ESP)
  c.outbox_expiry = Duration{0};
  Harness h(c);
  for (int i = 0; i < 65'535; ++i)
    ASSERT_TRUE(h.publish("t", "x", QoS::at_least_once)) << i;
  auto refused = h.publish("t", "x", QoS::at_least_once);
  EXPECT_EQ(refused.error, errc::no_free_packet_id);
  EXPECT_EQ(h.session.outbox_messages(), 65'535u);
}

TEST(LateIds, SettledThroughFollowsTheAcks) {
  Harness h(late_ids(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  EXPECT_TRUE(h.session.settled_through(h.session.last_handle()));
  ASSERT_TRUE(h.publish("t", "a", QoS::at_least_once));
  ASSERT_TRUE(h.publish("t", "b", QoS::at_least_once));
  const std::uint64_t through = h.session.last_handle();
  EXPECT_EQ(through, 2u);
  h.output();
  EXPECT_FALSE(h.session.settled_through(through));
  h.feed({0x40, 0x02, 0x00, 0x02});  // PUBACK id 2: the second ends first
  EXPECT_FALSE(h.session.settled_through(through));
  EXPECT_TRUE(h.session.settled_through(0));
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1
  EXPECT_TRUE(h.session.settled_through(through));
}

TEST(LateIds, AStoredQos0MessageCompletesWhenSent) {
  Harness h(late_ids(ProtocolVersion::v3_1_1));
  auto stored = h.publish("t", "q", QoS::at_most_once, false, {.store_qos0_when_offline = true});
  ASSERT_TRUE(stored);
  EXPECT_NE(stored.handle, 0u);
  h.connect_with(connack_v311());
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x04, 0x00, 0x01, 't', 'q'}));
  auto events = h.pending_after_connect;
  auto done = take<PublishCompleted>(events);
  EXPECT_EQ(done.qos, QoS::at_most_once);
  EXPECT_EQ(done.handle, stored.handle);
}

TEST(LateIds, ExpiryReportsTheHandleAndWhy) {
  Config c = late_ids(ProtocolVersion::v3_1_1);
  c.outbox_expiry = Duration{1'000};
  Harness h(c);
  auto queued = h.publish("t", "a", QoS::at_least_once);
  ASSERT_TRUE(queued);
  h.advance(Duration{1'000});
  auto events = h.events();
  auto gone = take<MessageExpired>(events);
  EXPECT_EQ(gone.handle, queued.handle);
  EXPECT_EQ(gone.packet_id, 0);  // it never flew
  EXPECT_EQ(gone.why, DropReason::expired);
}

}  // namespace
}  // namespace portmqtt::session::test
