// The outbox: encoded PUBLISH and PUBREL packets waiting to be sent or acknowledged, in the
// order they were queued, mirrored into a Store so a durable store can survive a crash.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "codec/buffer.hpp"
#include "codec/types.hpp"
#include "session/output.hpp"

namespace portmqtt::session {

/// The default Store: keeps the records in memory and nothing else.
class MemoryStore final : public Store {
 public:
  void put(const Record& record) override;
  void update(const Record& record) override;
  void erase(std::uint64_t sequence) override;
  void clear() override;
  std::vector<Record> load() override;

 private:
  std::map<std::uint64_t, Record> records_;
};

/// One message in the outbox.
struct OutboxEntry {
  using TimePoint = std::chrono::steady_clock::time_point;

  std::uint64_t sequence = 0;
  std::uint16_t packet_id = 0;                          ///< 0 for a stored QoS 0 message
  codec::PacketType type = codec::PacketType::publish;  ///< PUBLISH or PUBREL
  codec::QoS qos = codec::QoS::at_most_once;            ///< of the original PUBLISH
  std::uint16_t topic_alias = 0;                        ///< Topic Alias carried by the PUBLISH
  std::shared_ptr<const codec::Buffer> bytes;
  TimePoint created{};
  TimePoint last_sent{};
  bool sent = false;       ///< sent on the current connection
  bool ever_sent = false;  ///< the broker may have seen it (DUP on resend)

  /// Counts against the broker's Receive Maximum while sent.
  bool uses_quota() const { return qos != codec::QoS::at_most_once; }
};

class Outbox {
 public:
  using Entries = std::map<std::uint64_t, OutboxEntry>;

  /// `store` may be null: the entries then live in memory only, with no mirror.
  explicit Outbox(std::unique_ptr<Store> store);

  /// Appends a new entry (its sequence is assigned here) and tells the store.
  OutboxEntry& add(OutboxEntry entry);
  /// The entry in flight with this packet id, or nullptr.
  OutboxEntry* find(std::uint16_t packet_id);
  /// Replaces an entry's packet (PUBLISH -> PUBREL, DUP changed) and tells the store.
  void replace(OutboxEntry& entry, codec::PacketType type,
               std::shared_ptr<const codec::Buffer> bytes);
  void erase(const OutboxEntry& entry);
  Entries::iterator erase(Entries::iterator at);
  void clear();

  /// Records left in the store by an earlier process; the store keeps them.
  std::vector<Store::Record> load_stored() {
    return store_ ? store_->load() : std::vector<Store::Record>{};
  }
  /// Removes a stored record that could not be adopted.
  void forget_stored(std::uint64_t sequence) {
    if (store_) store_->erase(sequence);
  }
  /// Adopts a record returned by load_stored() without writing it back.
  OutboxEntry& adopt(OutboxEntry entry);

  Entries& entries() { return entries_; }
  const Entries& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t messages() const { return entries_.size(); }

  /// Lowest sequence that may still be unsent on this connection: every entry before it was
  /// sent. A hint that keeps the send scan short.
  std::uint64_t unsent_hint() const { return unsent_hint_; }
  void set_unsent_hint(std::uint64_t sequence) { unsent_hint_ = sequence; }

 private:
  Store::Record record_of(const OutboxEntry& entry) const;
  OutboxEntry& insert(OutboxEntry entry);

  std::unique_ptr<Store> store_;  // null: memory only
  Entries entries_;
  std::unordered_map<std::uint16_t, std::uint64_t> by_id_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t unsent_hint_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace portmqtt::session
