#include "session/outbox.hpp"

#include <utility>

namespace portmqtt::session {

void MemoryStore::put(const Record& record) {
  records_[record.sequence] = record;
}
void MemoryStore::update(const Record& record) {
  records_[record.sequence] = record;
}
void MemoryStore::erase(std::uint64_t sequence) {
  records_.erase(sequence);
}
void MemoryStore::clear() {
  records_.clear();
}

std::vector<Store::Record> MemoryStore::load() {
  std::vector<Record> all;
  all.reserve(records_.size());
  for (const auto& [sequence, record] : records_)
    all.push_back(record);
  return all;
}

// Without a store the outbox itself is the only copy: mirroring every message into a
// MemoryStore would cost a second map insert and erase per message and buy nothing, since
// memory does not outlive the process.
Outbox::Outbox(std::unique_ptr<Store> store) : store_(std::move(store)) {}

Store::Record Outbox::record_of(const OutboxEntry& entry) const {
  return Store::Record{entry.sequence, entry.packet_id, entry.type, entry.bytes};
}

OutboxEntry& Outbox::insert(OutboxEntry entry) {
  bytes_ += entry.bytes ? entry.bytes->size() : 0;
  if (entry.packet_id != 0) by_id_[entry.packet_id] = entry.sequence;
  const std::uint64_t sequence = entry.sequence;
  return entries_.emplace(sequence, std::move(entry)).first->second;
}

OutboxEntry& Outbox::add(OutboxEntry entry) {
  entry.sequence = next_sequence_++;
  OutboxEntry& added = insert(std::move(entry));
  if (store_) store_->put(record_of(added));
  return added;
}

OutboxEntry& Outbox::adopt(OutboxEntry entry) {
  if (entry.sequence >= next_sequence_) next_sequence_ = entry.sequence + 1;
  return insert(std::move(entry));
}

OutboxEntry* Outbox::find(std::uint16_t packet_id) {
  auto id = by_id_.find(packet_id);
  if (id == by_id_.end()) return nullptr;
  auto at = entries_.find(id->second);
  return at == entries_.end() ? nullptr : &at->second;
}

void Outbox::replace(OutboxEntry& entry, codec::PacketType type,
                     std::shared_ptr<const codec::Buffer> bytes) {
  bytes_ -= entry.bytes ? entry.bytes->size() : 0;
  bytes_ += bytes ? bytes->size() : 0;
  entry.type = type;
  entry.bytes = std::move(bytes);
  if (store_) store_->update(record_of(entry));
}

void Outbox::erase(const OutboxEntry& entry) {
  auto at = entries_.find(entry.sequence);
  if (at != entries_.end()) erase(at);
}

Outbox::Entries::iterator Outbox::erase(Entries::iterator at) {
  const OutboxEntry& entry = at->second;
  bytes_ -= entry.bytes ? entry.bytes->size() : 0;
  if (entry.packet_id != 0) by_id_.erase(entry.packet_id);
  if (store_) store_->erase(entry.sequence);
  return entries_.erase(at);
}

void Outbox::clear() {
  entries_.clear();
  by_id_.clear();
  bytes_ = 0;
  unsent_hint_ = 0;
  if (store_) store_->clear();
}

}  // namespace portmqtt::session
