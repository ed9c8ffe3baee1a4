// The session's building blocks on their own: packet ids, the send quota, the state table,
// the output queue and the topic alias maps.
#include "session/connection_state.hpp"
#include "session/output_queue.hpp"
#include "session/packet_ids.hpp"
#include "session/topic_alias.hpp"
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

TEST(PacketIds, SequentialWrapAndSkipInUse) {
  PacketIds ids;
  EXPECT_EQ(ids.allocate(), 1);
  EXPECT_EQ(ids.allocate(), 2);
  EXPECT_TRUE(ids.reserve(4));
  EXPECT_FALSE(ids.reserve(4));
  EXPECT_FALSE(ids.reserve(0));
  EXPECT_EQ(ids.allocate(), 3);
  EXPECT_EQ(ids.allocate(), 5);  // 4 is in use
  ids.release(1);
  EXPECT_TRUE(ids.reserve(65535));
  for (std::uint32_t expected = 6; expected <= 65534; ++expected) {
    ASSERT_EQ(ids.allocate(), expected);
  }
  EXPECT_EQ(ids.allocate(), 1);  // wraps; 65535 is in use, 1 was released
  EXPECT_EQ(ids.count(), 65535u);
  EXPECT_EQ(ids.allocate(), 0);  // every id in flight
  ids.release(300);
  EXPECT_EQ(ids.allocate(), 300);
}

TEST(SendQuota, CountsAgainstTheLimit) {
  SendQuota q;
  q.reset(2);
  EXPECT_TRUE(q.available());
  q.take();
  q.take();
  EXPECT_FALSE(q.available());
  q.give_back();
  EXPECT_TRUE(q.available());
  q.give_back();
  q.give_back();  // never below zero
  EXPECT_EQ(q.in_flight(), 0u);
}

TEST(ConnectionState, Table) {
  using In = ConnectionInput;
  EXPECT_EQ(next_state(State::disconnected, In::transport_opened), State::connecting);
  EXPECT_EQ(next_state(State::connecting, In::connack_accepted), State::connected);
  EXPECT_EQ(next_state(State::connecting, In::connack_refused), State::closing);
  EXPECT_EQ(next_state(State::connected, In::fatal_error), State::closing);
  EXPECT_EQ(next_state(State::connected, In::disconnect_request), State::closing);
  EXPECT_EQ(next_state(State::closing, In::transport_lost), State::disconnected);
  EXPECT_FALSE(next_state(State::connected, In::connack_accepted));
  EXPECT_FALSE(next_state(State::disconnected, In::fatal_error));
  EXPECT_FALSE(next_state(State::closing, In::transport_opened));
}

TEST(OutputQueue, ScratchIsReusedOnlyWhenTheBatchIsGone) {
  OutputQueue q;
  q.scratch().append(view_of({1, 2}));
  q.commit_scratch();
  q.scratch().append(view_of({3}));
  q.commit_scratch();  // merges with the previous range
  OutputBatch held = q.take();
  ASSERT_EQ(held.buffers().size(), 1u);
  EXPECT_EQ(concat(held), (Bytes{1, 2, 3}));
  q.scratch().append(view_of({9, 9, 9, 9}));
  q.rollback_scratch();
  q.scratch().append(view_of({4}));
  q.commit_scratch();
  auto shared = std::make_shared<codec::Buffer>();
  shared->append(view_of({5, 6}));
  q.add_shared(shared);
  OutputBatch second = q.take();
  EXPECT_EQ(concat(second), (Bytes{4, 5, 6}));
  EXPECT_EQ(concat(held), (Bytes{1, 2, 3}));  // untouched by later writes
  EXPECT_TRUE(q.empty());
  q.recycle(std::move(second));
}

// A publisher that runs ahead of the socket fills chunks of 64 KiB; each sealed chunk keeps
// its bytes while later packets go into the next one.
TEST(OutputQueue, ScratchIsSealedAtAChunkAndKeepsItsBytes) {
  OutputQueue q;
  const Bytes packet(1000, 0xAB);
  for (int i = 0; i < 70; ++i) {  // 70,000 bytes: past one chunk of 65,536
    q.scratch().append(view_of(packet));
    q.commit_scratch();
  }
  EXPECT_EQ(q.size(), 70'000u);
  OutputBatch batch = q.take();
  // The 66th packet took the first chunk past 65,536 bytes (66,000): sealed there, whole.
  ASSERT_EQ(batch.buffers().size(), 2u);
  EXPECT_EQ(batch.buffers()[0].size(), 66'000u);
  EXPECT_EQ(batch.buffers()[1].size(), 4'000u);
  EXPECT_EQ(q.size(), 0u);
  q.scratch().append(view_of({7}));  // a new chunk: the batch's bytes stay as they were
  q.commit_scratch();
  EXPECT_EQ(concat(batch), Bytes(70'000, 0xAB));
}

// take(max_bytes) takes whole pieces until it holds at least max_bytes; the rest stays queued,
// in order, and a piece larger than max_bytes still goes out alone.
TEST(OutputQueue, TakeStopsOncePastTheLimitAndKeepsTheRestInOrder) {
  OutputQueue q;
  auto record = [](std::initializer_list<std::uint8_t> bytes) {
    auto b = std::make_shared<codec::Buffer>();
    b->append(view_of(Bytes(bytes)));
    return b;
  };
  q.add_shared(record({1, 2, 3}));
  q.scratch().append(view_of({4}));
  q.commit_scratch();
  q.add_shared(record({5, 6}));
  q.scratch().append(view_of({7, 8}));
  q.commit_scratch();
  EXPECT_EQ(q.size(), 8u);
  OutputBatch first = q.take(1);  // the first piece, 3 bytes, is already past 1
  EXPECT_EQ(concat(first), (Bytes{1, 2, 3}));
  EXPECT_EQ(q.size(), 5u);
  OutputBatch second = q.take(3);  // {4} then {5, 6}: 3 bytes
  EXPECT_EQ(concat(second), (Bytes{4, 5, 6}));
  q.scratch().append(view_of({9}));  // after the last take the scratch is a fresh one
  q.commit_scratch();
  OutputBatch third = q.take();
  EXPECT_EQ(concat(third), (Bytes{7, 8, 9}));
  EXPECT_EQ(concat(second), (Bytes{4, 5, 6}));  // untouched by the later packets
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
}

TEST(TopicAliases, OutboundMapping) {
  OutboundAliases out;
  out.reset(2);
  EXPECT_EQ(out.topic_to_send(1, "a"), "a");
  EXPECT_EQ(out.topic_to_send(1, "a"), "");
  EXPECT_EQ(out.topic_to_send(1, "b"), "b");  // remapped
  EXPECT_TRUE(out.maps(1, "b"));
  out.forget(1);
  EXPECT_FALSE(out.maps(1, "b"));
  EXPECT_EQ(out.topic_to_send(1, "b"), "b");
  EXPECT_EQ(out.topic_to_send(3, "c"), "c");  // above the maximum: never mapped
  EXPECT_FALSE(out.maps(3, "c"));
  // The application's view is separate from the wire's.
  EXPECT_FALSE(out.lookup(1));
  out.remember(1, "x");
  EXPECT_EQ(out.lookup(1), "x");
  EXPECT_TRUE(out.maps(1, "b"));
  out.remember(3, "y");  // above the maximum
  EXPECT_FALSE(out.lookup(3));
  out.reset(2);
  EXPECT_FALSE(out.lookup(1));
  EXPECT_FALSE(out.maps(1, "b"));
}

TEST(TopicAliases, AutomaticAliasesReplaceTheLeastRecentlyUsed) {
  OutboundAliases out;
  out.reset(5, 2);  // the broker allows 5, we use 2
  ASSERT_TRUE(out.automatic());
  auto use = [&](std::string_view topic) {
    auto choice = out.choose(topic);
    if (choice.known) {
      out.touch(choice.alias);
    } else if (choice.alias != 0) {
      out.define(choice.alias, topic, true);
    }
    return std::pair{choice.alias, choice.known};
  };
  EXPECT_EQ(use("aaaa"), std::pair(std::uint16_t{1}, false));
  EXPECT_EQ(use("bbbb"), std::pair(std::uint16_t{2}, false));
  EXPECT_EQ(use("aaaa"), std::pair(std::uint16_t{1}, true));   // b is now the oldest
  EXPECT_EQ(use("cccc"), std::pair(std::uint16_t{2}, false));  // replaces b
  EXPECT_EQ(use("bbbb"), std::pair(std::uint16_t{1}, false));  // replaces a
  EXPECT_EQ(use("cccc"), std::pair(std::uint16_t{2}, true));
  EXPECT_EQ(use("abc"), std::pair(std::uint16_t{0}, false));  // too short to gain
  // Defining an alias by hand takes it from the automatic table.
  out.define(2, "manual");
  EXPECT_EQ(out.choose("cccc").known, false);
  EXPECT_EQ(out.choose("bbbb").alias, 1);
  out.reset(5);
  EXPECT_FALSE(out.automatic());
  EXPECT_EQ(out.choose("bbbb").alias, 0);
}

TEST(TopicAliases, InboundMapping) {
  InboundAliases in;
  in.reset(2);
  std::string_view topic = "a";
  EXPECT_EQ(in.apply(1, topic), InboundAliases::Status::ok);
  std::string_view empty;
  EXPECT_EQ(in.apply(1, empty), InboundAliases::Status::ok);
  EXPECT_EQ(empty, "a");
  std::string_view none;
  EXPECT_EQ(in.apply(2, none), InboundAliases::Status::unknown);
  EXPECT_EQ(in.apply(0, topic), InboundAliases::Status::out_of_range);
  EXPECT_EQ(in.apply(3, topic), InboundAliases::Status::out_of_range);
}

}  // namespace
}  // namespace portmqtt::session::test
