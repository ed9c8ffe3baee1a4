#include "session/outbox.hpp"

#include <utility>

namespace portmqtt::session {

std::error_code MemoryStore::put(const Record& record) {
  records_[record.sequence] = record;
  return {};
}
std::error_code MemoryStore::update(const Record& record) {
  records_[record.sequence] = record;
  return {};
}
std::error_code MemoryStore::erase(std::uint64_t sequence) {
  records_.erase(sequence);
  return {};
}
std::error_code MemoryStore::clear() {
  records_.clear();
  return {};
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

namespace {

// A PUBREL kept without bytes is still four bytes of packet to send (§3.6), and counts as such.
constexpr std::size_t kPubrelSize = 4;

std::size_t packet_size(codec::PacketType type, const std::shared_ptr<const codec::Buffer>& bytes) {
  if (bytes) return bytes->size();
  return type == codec::PacketType::pubrel ? kPubrelSize : 0;
}

}  // namespace

Store::Record Outbox::record_of(const OutboxEntry& entry) const {
  return Store::Record{entry.store_key, entry.packet_id, entry.type, entry.bytes};
}

OutboxEntry* Outbox::at(std::uint64_t sequence) {
  if (sequence < first_ || sequence >= next_sequence_) return nullptr;
  OutboxEntry& entry = slot(sequence);
  return entry.sequence == sequence ? &entry : nullptr;
}

void Outbox::grow() {
  std::vector<OutboxEntry> bigger(slots_.empty() ? 8 : slots_.size() * 2);
  const std::uint64_t held = next_sequence_ - first_;
  for (std::uint64_t i = 0; i < held; ++i)
    bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
  slots_ = std::move(bigger);
  head_ = 0;
}

OutboxEntry& Outbox::append(OutboxEntry&& entry) {
  if (next_sequence_ - first_ >= slots_.size()) grow();
  entry.sequence = next_sequence_++;
  bytes_ += packet_size(entry.type, entry.bytes);
  if (entry.packet_id != 0 && !by_id_.insert(entry.packet_id, entry.sequence)) {
    *by_id_.find(entry.packet_id) = entry.sequence;
  }
  ++live_;
  OutboxEntry& placed = slot(entry.sequence);
  placed = std::move(entry);
  return placed;
}

OutboxEntry& Outbox::add(OutboxEntry&& entry) {
  entry.store_key = next_store_key_++;
  OutboxEntry& added = append(std::move(entry));
  if (store_) note(store_->put(record_of(added)));
  return added;
}

OutboxEntry* Outbox::try_add(OutboxEntry&& entry, std::error_code& error) {
  entry.store_key = next_store_key_++;
  OutboxEntry& added = append(std::move(entry));
  if (store_) error = store_->put(record_of(added));
  if (!error) return &added;
  forget(added);  // the store holds nothing of it: nothing to erase there
  return nullptr;
}

void Outbox::reset_store(std::unique_ptr<Store> store) {
  store_.reset();  // clear() must not reach the old store
  clear();
  store_ = std::move(store);
  store_error_ = {};
}

OutboxEntry& Outbox::adopt(OutboxEntry&& entry) {
  next_store_key_ = std::max(next_store_key_, entry.store_key + 1);
  return append(std::move(entry));
}

OutboxEntry* Outbox::find(std::uint16_t packet_id) {
  const std::uint64_t* sequence = by_id_.find(packet_id);
  return sequence ? at(*sequence) : nullptr;
}

void Outbox::replace(OutboxEntry& entry, codec::PacketType type,
                     std::shared_ptr<const codec::Buffer> bytes) {
  bytes_ -= packet_size(entry.type, entry.bytes);
  bytes_ += packet_size(type, bytes);
  entry.type = type;
  std::shared_ptr<const codec::Buffer> old = std::exchange(entry.bytes, std::move(bytes));
  if (store_) note(store_->update(record_of(entry)));
  recycle(old);
}

namespace {

// Where the packet id sits in an encoded QoS>0 PUBLISH: after the fixed header byte, the
// Remaining Length varint and the length-prefixed topic (§3.3.2).
std::size_t packet_id_offset(const codec::Buffer& bytes) {
  const std::uint8_t* data = bytes.data();
  std::size_t at = 1;
  while (at < bytes.size() && (data[at] & 0x80) != 0)
    ++at;
  ++at;  // the last varint byte
  const std::size_t topic_length = (std::size_t{data[at]} << 8) | data[at + 1];
  return at + 2 + topic_length;
}

}  // namespace

void Outbox::bind_packet_id(OutboxEntry& entry, std::uint16_t packet_id) {
  entry.packet_id = packet_id;
  if (!by_id_.insert(packet_id, entry.sequence)) *by_id_.find(packet_id) = entry.sequence;
  // Written in place when the entry holds the only reference to a buffer it made (no store,
  // not yet written anywhere); otherwise a copy, as a write in flight may read the old one.
  std::shared_ptr<codec::Buffer> bytes;
  if (!store_ && entry.bytes.use_count() == 1) {
    bytes = std::const_pointer_cast<codec::Buffer>(entry.bytes);
  } else {
    bytes = std::make_shared<codec::Buffer>(*entry.bytes);
  }
  const std::size_t at = packet_id_offset(*bytes);
  bytes->data()[at] = static_cast<std::uint8_t>(packet_id >> 8);
  bytes->data()[at + 1] = static_cast<std::uint8_t>(packet_id & 0xFF);
  if (bytes != entry.bytes) {
    replace(entry, entry.type, std::move(bytes));
  }
}

void Outbox::erase(OutboxEntry& entry) {
  if (store_) note(store_->erase(entry.store_key));
  forget(entry);
}

void Outbox::forget(OutboxEntry& entry) {
  bytes_ -= packet_size(entry.type, entry.bytes);
  // The id may have gone to a newer entry since (a PUBREL replaced by a resend).
  if (entry.packet_id != 0) {
    by_id_.erase_if(entry.packet_id,
                    [&](std::uint64_t sequence) { return sequence == entry.sequence; });
  }
  recycle(entry.bytes);  // leaves entry.bytes empty
  entry.sequence = 0;    // a free slot; append() overwrites the rest
  --live_;
  // Completions arrive oldest first as a rule, so the front moves on and the ring stays as
  // small as the window.
  while (first_ < next_sequence_ && slots_[head_].sequence == 0) {
    head_ = (head_ + 1) & (slots_.size() - 1);
    ++first_;
  }
}

void Outbox::release_if_empty() {
  if (live_ != 0) return;
  trim_spares(kSparesWhenEmpty);
  by_id_.release_if_empty();
  if (slots_.size() > kKeptWhenEmpty) {
    std::vector<OutboxEntry>().swap(slots_);  // a burst is over: give its memory back
    head_ = 0;
    first_ = next_sequence_;
  }
}

std::shared_ptr<codec::Buffer> Outbox::fresh_buffer() {
  // Oldest first: the write that still held a buffer when its message completed has most
  // likely finished since. A count read as 1 cannot grow again (no other owner exists to
  // copy from), so the buffer is then ours alone.
  if (spares_head_ == spares_.size() || spares_[spares_head_].use_count() != 1)
    return std::make_shared<codec::Buffer>();
  std::shared_ptr<codec::Buffer> buffer = std::move(spares_[spares_head_++]);
  spare_bytes_ -= buffer->capacity();
  if (spares_head_ == spares_.size()) {
    spares_.clear();
    spares_head_ = 0;
  } else if (spares_head_ * 2 > spares_.size()) {
    spares_.erase(spares_.begin(), spares_.begin() + static_cast<std::ptrdiff_t>(spares_head_));
    spares_head_ = 0;
  }
  buffer->clear();
  return buffer;
}

void Outbox::recycle(std::shared_ptr<const codec::Buffer>& bytes) {
  // Packets of a durable store may have been made by the store, so those are left alone.
  if (store_ || !bytes) return bytes.reset();
  const std::size_t capacity = bytes->capacity();
  if (capacity > kMaxSpareCapacity || spare_bytes_ + capacity > kMaxSpareBytes)
    return bytes.reset();
  spare_bytes_ += capacity;
  // Without a store every packet buffer was made mutable, by fresh_buffer() or the session,
  // so casting the const away again is sound; it is written only once no one else holds it.
  spares_.push_back(std::const_pointer_cast<codec::Buffer>(std::move(bytes)));
}

void Outbox::trim_spares(std::size_t keep) {
  while (spares_.size() - spares_head_ > keep) {
    spare_bytes_ -= spares_.back()->capacity();
    spares_.pop_back();
  }
  if (spares_head_ == spares_.size()) {
    std::vector<std::shared_ptr<codec::Buffer>>().swap(spares_);
    spares_head_ = 0;
  }
}

void Outbox::clear() {
  trim_spares(0);
  std::vector<OutboxEntry>().swap(slots_);
  head_ = 0;
  first_ = next_sequence_;
  live_ = 0;
  by_id_.clear();
  bytes_ = 0;
  unsent_hint_ = 0;
  if (store_) note(store_->clear());
}

}  // namespace portmqtt::session
