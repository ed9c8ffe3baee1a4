// The session's per-message containers on their own: the packet id table, the outbox ring and
// the event queue. Each is checked against a plain std::map / std::deque model under the
// orders the protocol produces (in order, out of order, wrapping ids, bursts).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "session/event_queue.hpp"
#include "session/id_table.hpp"
#include "session/outbox.hpp"

namespace portmqtt::session::test {
namespace {

TEST(IdTable, InsertFindEraseAndRefusals) {
  IdTable<int> table;
  EXPECT_EQ(table.find(1), nullptr);
  EXPECT_FALSE(table.erase(1));
  EXPECT_FALSE(table.insert(0, 5));  // id 0 is never stored
  EXPECT_TRUE(table.insert(7, 70));
  EXPECT_FALSE(table.insert(7, 71));  // present: unchanged
  ASSERT_NE(table.find(7), nullptr);
  EXPECT_EQ(*table.find(7), 70);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.erase(7));
  EXPECT_FALSE(table.erase(7));
  EXPECT_TRUE(table.empty());
}

// Ids that share a home slot (equal modulo the table size) must all stay reachable through
// growth and through erasures in any order.
TEST(IdTable, CollidingIdsSurviveGrowthAndErasure) {
  IdTable<std::uint32_t> table;
  std::vector<std::uint16_t> ids;
  for (std::uint32_t i = 1; i <= 40; ++i)
    ids.push_back(static_cast<std::uint16_t>(i * 1024 % 65536 + (i % 3)));
  for (std::uint16_t id : ids)
    ASSERT_TRUE(table.insert(id, id * 2u));
  for (std::size_t i = 0; i < ids.size(); i += 2)
    ASSERT_TRUE(table.erase(ids[i]));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::uint32_t* value = table.find(ids[i]);
    if (i % 2 == 0) {
      EXPECT_EQ(value, nullptr) << ids[i];
    } else {
      ASSERT_NE(value, nullptr) << ids[i];
      EXPECT_EQ(*value, ids[i] * 2u);
    }
  }
}

TEST(IdTable, MatchesAMapUnderRandomOperations) {
  IdTable<std::uint64_t> table;
  std::map<std::uint16_t, std::uint64_t> model;
  std::mt19937 random(12345);
  for (int step = 0; step < 200000; ++step) {
    // A narrow range makes collisions and reinsertions frequent.
    const auto id = static_cast<std::uint16_t>(random() % 3000);
    if (random() % 3 == 0) {
      ASSERT_EQ(table.erase(id), model.erase(id) == 1) << step;
    } else {
      const bool fresh = id != 0 && !model.contains(id);
      ASSERT_EQ(table.insert(id, step), fresh) << step;
      if (fresh) model[id] = static_cast<std::uint64_t>(step);
    }
    ASSERT_EQ(table.size(), model.size());
  }
  for (std::uint32_t id = 0; id < 3000; ++id) {
    const auto* value = table.find(static_cast<std::uint16_t>(id));
    auto expected = model.find(static_cast<std::uint16_t>(id));
    ASSERT_EQ(value != nullptr, expected != model.end()) << id;
    if (value) {
      EXPECT_EQ(*value, expected->second);
    }
  }
  std::size_t visited = 0;
  table.for_each([&](std::uint16_t id, std::uint64_t value) {
    ++visited;
    EXPECT_EQ(model.at(id), value);
  });
  EXPECT_EQ(visited, model.size());
}

TEST(IdSet, InsertEraseAndVisitEveryId) {
  IdSet set;
  EXPECT_FALSE(set.insert(0));
  for (std::uint16_t id : {5, 65535, 1, 300})
    EXPECT_TRUE(set.insert(id));
  EXPECT_FALSE(set.insert(300));
  EXPECT_TRUE(set.erase(5));
  EXPECT_FALSE(set.erase(5));
  EXPECT_TRUE(set.contains(65535));
  EXPECT_FALSE(set.contains(5));
  std::vector<std::uint16_t> seen;
  set.for_each([&](std::uint16_t id) { seen.push_back(id); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::uint16_t>{1, 300, 65535}));
  set.clear();
  EXPECT_EQ(set.size(), 0u);
}

OutboxEntry entry_with_id(std::uint16_t id, std::size_t size = 4) {
  OutboxEntry entry;
  entry.packet_id = id;
  entry.qos = codec::QoS::at_least_once;
  auto bytes = std::make_shared<codec::Buffer>();
  std::memset(bytes->append(size), 0x40, size);
  entry.bytes = std::move(bytes);
  return entry;
}

std::vector<std::uint16_t> ids_in_order(Outbox& outbox) {
  std::vector<std::uint16_t> ids;
  outbox.for_each([&](OutboxEntry& entry) { ids.push_back(entry.packet_id); });
  return ids;
}

TEST(Outbox, KeepsQueueOrderThroughOutOfOrderCompletion) {
  Outbox outbox(nullptr);
  for (std::uint16_t id = 1; id <= 20; ++id)
    outbox.add(entry_with_id(id));
  EXPECT_EQ(outbox.messages(), 20u);
  EXPECT_EQ(outbox.bytes(), 80u);
  // Complete the middle first: the front stays, the slots in between become free.
  for (std::uint16_t id : {5, 6, 7, 12})
    outbox.erase(*outbox.find(id));
  EXPECT_EQ(outbox.find(5), nullptr);
  EXPECT_EQ(outbox.first_sequence(), 1u);
  // Growth while holes exist keeps every entry where its sequence says.
  for (std::uint16_t id = 21; id <= 40; ++id)
    outbox.add(entry_with_id(id));
  std::vector<std::uint16_t> expected;
  for (std::uint16_t id = 1; id <= 40; ++id) {
    if (id != 5 && id != 6 && id != 7 && id != 12) expected.push_back(id);
  }
  EXPECT_EQ(ids_in_order(outbox), expected);
  // Completing the front skips over the free slots behind it.
  for (std::uint16_t id : {1, 2, 3, 4})
    outbox.erase(*outbox.find(id));
  EXPECT_EQ(outbox.first_sequence(), 8u);
  ASSERT_NE(outbox.find(8), nullptr);
  EXPECT_EQ(outbox.at(outbox.find(8)->sequence), outbox.find(8));
  EXPECT_EQ(outbox.messages(), 32u);
  EXPECT_EQ(outbox.bytes(), 128u);
}

TEST(Outbox, EraseWhileIteratingVisitsEveryEntryOnce) {
  Outbox outbox(nullptr);
  for (std::uint16_t id = 1; id <= 100; ++id)
    outbox.add(entry_with_id(id));
  std::vector<std::uint16_t> seen;
  outbox.for_each([&](OutboxEntry& entry) {
    seen.push_back(entry.packet_id);
    if (entry.packet_id % 3 != 0) outbox.erase(entry);
  });
  ASSERT_EQ(seen.size(), 100u);
  for (std::uint16_t i = 0; i < 100; ++i)
    EXPECT_EQ(seen[i], i + 1);
  EXPECT_EQ(outbox.messages(), 33u);
  EXPECT_EQ(outbox.first_sequence(), 3u);
}

TEST(Outbox, MatchesAModelAcrossWrappingIdsAndBursts) {
  Outbox outbox(nullptr);
  std::map<std::uint64_t, std::uint16_t> model;  // sequence -> packet id
  std::mt19937 random(777);
  std::uint16_t next_id = 65000;  // wraps past 65535 during the run
  for (int round = 0; round < 300; ++round) {
    const int adds = static_cast<int>(random() % 50);
    for (int i = 0; i < adds && model.size() < 2000; ++i) {
      next_id = next_id == 65535 ? 1 : static_cast<std::uint16_t>(next_id + 1);
      const OutboxEntry& added = outbox.add(entry_with_id(next_id));
      model[added.sequence] = next_id;
    }
    const int removals = static_cast<int>(random() % 50);
    for (int i = 0; i < removals && !model.empty(); ++i) {
      // Mostly the oldest, sometimes any: acks arrive in order as a rule.
      auto victim = model.begin();
      if (random() % 4 == 0) std::advance(victim, random() % model.size());
      OutboxEntry* entry = outbox.find(victim->second);
      ASSERT_NE(entry, nullptr);
      ASSERT_EQ(entry->sequence, victim->first);
      outbox.erase(*entry);
      model.erase(victim);
    }
    ASSERT_EQ(outbox.messages(), model.size());
    std::vector<std::uint16_t> expected;
    for (const auto& [sequence, id] : model)
      expected.push_back(id);
    ASSERT_EQ(ids_in_order(outbox), expected) << "round " << round;
  }
}

TEST(Outbox, TellsADurableStoreEveryChangeUnderItsOwnKeys) {
  auto store = std::make_unique<MemoryStore>();
  MemoryStore* records = store.get();
  Outbox outbox(std::move(store));
  EXPECT_TRUE(outbox.durable());
  OutboxEntry& first = outbox.add(entry_with_id(1));
  outbox.add(entry_with_id(2));
  ASSERT_EQ(records->load().size(), 2u);
  outbox.replace(first, codec::PacketType::pubrel, std::make_shared<codec::Buffer>());
  EXPECT_EQ(records->load()[0].type, codec::PacketType::pubrel);
  outbox.erase(*outbox.find(1));
  auto left = records->load();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].packet_id, 2);

  // A second outbox resumes the records and numbers its own after the highest key.
  Outbox resumed(std::make_unique<MemoryStore>());
  OutboxEntry stored = entry_with_id(9);
  stored.store_key = 41;
  resumed.adopt(std::move(stored));
  OutboxEntry& fresh = resumed.add(entry_with_id(10));
  EXPECT_EQ(fresh.store_key, 42u);
  EXPECT_EQ(ids_in_order(resumed), (std::vector<std::uint16_t>{9, 10}));
}

// A completed entry's buffer is handed out again, but never while another owner (a write in
// flight) still holds it, and never from a durable store's records.
TEST(Outbox, ReusesPacketBuffersOnlyOnceNothingElseHoldsThem) {
  Outbox outbox(nullptr);
  OutboxEntry first = entry_with_id(1, 100);
  const codec::Buffer* first_buffer = first.bytes.get();
  std::shared_ptr<const codec::Buffer> in_flight = first.bytes;  // as a batch being written
  outbox.add(std::move(first));
  outbox.add(entry_with_id(2, 100));
  outbox.erase(*outbox.find(1));
  std::shared_ptr<codec::Buffer> fresh = outbox.fresh_buffer();
  EXPECT_NE(fresh.get(), first_buffer);  // still referenced: a new one
  in_flight.reset();                     // the write finished
  std::shared_ptr<codec::Buffer> reused = outbox.fresh_buffer();
  EXPECT_EQ(reused.get(), first_buffer);
  EXPECT_TRUE(reused->empty());
  EXPECT_GE(reused->capacity(), 100u);

  Outbox durable(std::make_unique<MemoryStore>());
  OutboxEntry stored = entry_with_id(3, 100);
  std::weak_ptr<const codec::Buffer> watch = stored.bytes;
  durable.add(std::move(stored));
  durable.add(entry_with_id(4, 100));
  durable.erase(*durable.find(3));
  EXPECT_TRUE(watch.expired());  // released with its record, not kept for reuse
}

TEST(EventQueue, FirstInFirstOutAcrossRefills) {
  EventQueue queue;
  EXPECT_TRUE(queue.empty());
  for (int round = 0; round < 3; ++round) {
    for (std::uint16_t id = 1; id <= 100; ++id)
      queue.emplace_back(MessageExpired{id, codec::PacketType::publish});
    for (std::uint16_t id = 1; id <= 100; ++id) {
      ASSERT_TRUE(queue.has_event());
      ASSERT_FALSE(queue.ack_first());
      Event event = queue.pop_event();
      ASSERT_TRUE(std::holds_alternative<MessageExpired>(event));
      EXPECT_EQ(std::get<MessageExpired>(event).packet_id, id);
    }
    EXPECT_TRUE(queue.empty());
  }
}

TEST(EventQueue, AcknowledgementsKeepTheirPlaceAmongEvents) {
  EventQueue queue;
  queue.acknowledge({.handle = 1, .packet_id = 1});
  queue.acknowledge({.handle = 2, .packet_id = 2});
  queue.emplace_back(MessageExpired{3, codec::PacketType::publish});
  queue.acknowledge({.handle = 4, .packet_id = 4});
  std::vector<Acknowledgement> acks;
  ASSERT_TRUE(queue.ack_first());
  queue.take_acks(acks);  // the two before the event, not the one after it
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].handle, 1u);
  EXPECT_EQ(acks[1].handle, 2u);
  ASSERT_FALSE(queue.ack_first());
  queue.take_acks(acks);  // nothing more before the event
  EXPECT_EQ(acks.size(), 2u);
  EXPECT_EQ(std::get<MessageExpired>(queue.pop_event()).packet_id, 3);
  ASSERT_TRUE(queue.ack_first());
  EXPECT_EQ(queue.pop_ack().handle, 4u);  // one at a time works too
  EXPECT_TRUE(queue.empty());
  // Drained: the next round starts from the front again.
  queue.emplace_back(MessageExpired{5, codec::PacketType::publish});
  queue.acknowledge({.handle = 6, .packet_id = 6});
  EXPECT_FALSE(queue.ack_first());
  EXPECT_EQ(std::get<MessageExpired>(queue.pop_event()).packet_id, 5);
  queue.take_acks(acks);
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[2].handle, 6u);
  EXPECT_TRUE(queue.empty());
}

}  // namespace
}  // namespace portmqtt::session::test
