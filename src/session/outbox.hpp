// The outbox: encoded PUBLISH and PUBREL packets waiting to be sent or acknowledged, in the
// order they were queued, mirrored into a Store so a durable store can survive a crash.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "codec/buffer.hpp"
#include "codec/types.hpp"
#include "session/id_table.hpp"
#include "session/output.hpp"

namespace portmqtt::session {

/// The default Store: keeps the records in memory and nothing else.
class MemoryStore final : public Store {
 public:
  std::error_code put(const Record& record) override;
  std::error_code update(const Record& record) override;
  std::error_code erase(std::uint64_t sequence) override;
  std::error_code clear() override;
  std::vector<Record> load() override;

 private:
  std::map<std::uint64_t, Record> records_;
};

/// One message in the outbox.
struct OutboxEntry {
  using TimePoint = std::chrono::steady_clock::time_point;

  std::uint64_t sequence = 0;                           ///< queue position; 0 in a free slot
  std::uint64_t store_key = 0;                          ///< Store::Record::sequence
  std::uint16_t packet_id = 0;                          ///< 0 for a stored QoS 0 message
  codec::PacketType type = codec::PacketType::publish;  ///< PUBLISH or PUBREL
  codec::QoS qos = codec::QoS::at_most_once;            ///< of the original PUBLISH
  std::uint16_t topic_alias = 0;                        ///< Topic Alias carried by the PUBLISH
  /// The encoded packet. Null for a PUBREL when nothing is stored: its four bytes are
  /// encoded from the packet id whenever it is sent.
  std::shared_ptr<const codec::Buffer> bytes;
  TimePoint created{};
  TimePoint last_sent{};
  bool sent = false;       ///< sent on the current connection
  bool ever_sent = false;  ///< the broker may have seen it (DUP on resend)

  /// Counts against the broker's Receive Maximum while sent.
  bool uses_quota() const { return qos != codec::QoS::at_most_once; }
};

/// The entries in queue order, each reachable by sequence and by packet id without a search.
///
/// A ring of slots indexed by sequence: entries are appended at the back and nearly always
/// complete at the front, so this costs no allocation and no tree work per message (a
/// std::map cost a node and a rebalance each). An entry completed out of order leaves a free
/// slot behind until everything before it is gone. Sequences are contiguous, so a range of
/// sequences is a walk over slots; records resumed from a store keep their store key apart.
class Outbox {
 public:
  /// `store` may be null: the entries then live in memory only, with no mirror.
  explicit Outbox(std::unique_ptr<Store> store);

  /// Appends a new entry (its sequence is assigned here) and tells the store.
  OutboxEntry& add(OutboxEntry&& entry);
  /// add() that takes nothing when the store refuses the record: returns nullptr and the
  /// store's error, and the outbox is as before.
  OutboxEntry* try_add(OutboxEntry&& entry, std::error_code& error);
  /// The first store failure not yet reported (then cleared), from replace/erase/clear.
  std::error_code take_store_error() { return std::exchange(store_error_, {}); }
  /// Hands the outbox to another store: the entries in memory are dropped without telling
  /// the old store (whose file keeps them). Callers check that nothing is lost by it.
  void reset_store(std::unique_ptr<Store> store);
  Store* store() { return store_.get(); }
  /// The entry in flight with this packet id, or nullptr.
  OutboxEntry* find(std::uint16_t packet_id);
  /// The entry with this sequence, or nullptr when it is gone.
  OutboxEntry* at(std::uint64_t sequence);
  const OutboxEntry* at(std::uint64_t sequence) const {
    return const_cast<Outbox*>(this)->at(sequence);
  }
  /// Replaces an entry's packet (PUBLISH -> PUBREL, DUP changed) and tells the store.
  void replace(OutboxEntry& entry, codec::PacketType type,
               std::shared_ptr<const codec::Buffer> bytes);
  /// Gives an entry that waited without a packet id the id it goes in flight with: writes it
  /// into the encoded PUBLISH and makes the entry findable by it.
  void bind_packet_id(OutboxEntry& entry, std::uint16_t packet_id);
  /// Removes the entry; references to other entries stay valid.
  void erase(OutboxEntry& entry);
  void clear();
  /// Gives back the ring, the id index and the spare buffers a burst grew, once the outbox is
  /// empty. Called from the session's timer (tick), not when the last entry goes: a window
  /// that drains and refills would otherwise rebuild its ring and reallocate every buffer
  /// each time (~250 instructions per message in the callgrind bench).
  void release_if_empty();

  /// Records left in the store by an earlier process; the store keeps them.
  std::vector<Store::Record> load_stored() {
    return store_ ? store_->load() : std::vector<Store::Record>{};
  }
  /// Removes a stored record that could not be adopted.
  void forget_stored(std::uint64_t store_key) {
    if (store_) note(store_->erase(store_key));
  }
  /// Adopts a record returned by load_stored() (`store_key` set) without writing it back.
  OutboxEntry& adopt(OutboxEntry&& entry);
  /// Whether packets must be kept encoded for a store (otherwise a PUBREL needs no bytes).
  bool durable() const { return store_ != nullptr; }
  /// Store::sync(): every change so far made durable.
  void sync_store() {
    if (store_) note(store_->sync());
  }

  /// An empty buffer to encode a new entry's packet into: one of a completed entry when
  /// there is one. The publishing thread allocates what the loop thread would free on the
  /// acknowledgement, which costs glibc a cross-thread free per message; reusing the buffers
  /// makes the steady state allocation-free.
  std::shared_ptr<codec::Buffer> fresh_buffer();

  /// Sequences of the live entries lie in [first_sequence(), end_sequence()).
  std::uint64_t first_sequence() const { return first_; }
  std::uint64_t end_sequence() const { return next_sequence_; }
  /// Calls f(entry) for each live entry with a sequence of `from` or later, in queue order.
  /// f may erase the entry it was given; when f returns bool, false ends the walk.
  template <typename F>
  void for_each_from(std::uint64_t from, F&& f) {
    walk(*this, from, f);
  }
  template <typename F>
  void for_each_from(std::uint64_t from, F&& f) const {
    walk(*this, from, f);
  }
  template <typename F>
  void for_each(F&& f) {
    walk(*this, 0, f);
  }

  bool empty() const { return live_ == 0; }
  std::size_t bytes() const { return bytes_; }
  std::size_t messages() const { return live_; }

  /// Lowest sequence that may still be unsent on this connection: every entry before it was
  /// sent. A hint that keeps the send scan short.
  std::uint64_t unsent_hint() const { return unsent_hint_; }
  void set_unsent_hint(std::uint64_t sequence) { unsent_hint_ = sequence; }

 private:
  template <typename Self, typename F>
  static void walk(Self& self, std::uint64_t from, F& f) {
    for (std::uint64_t s = std::max(from, self.first_); s < self.next_sequence_; ++s) {
      auto* entry = self.at(s);
      if (entry == nullptr) continue;
      if constexpr (std::is_same_v<std::invoke_result_t<F&, decltype(*entry)>, bool>) {
        if (!f(*entry)) return;
      } else {
        f(*entry);
      }
    }
  }

  Store::Record record_of(const OutboxEntry& entry) const;
  OutboxEntry& append(OutboxEntry&& entry);
  OutboxEntry& slot(std::uint64_t sequence) {
    return slots_[(head_ + (sequence - first_)) & (slots_.size() - 1)];
  }
  void grow();
  /// Keeps the packet buffer of a completed entry for reuse once nothing else holds it (a
  /// write in flight may); `bytes` is left empty.
  void recycle(std::shared_ptr<const codec::Buffer>& bytes);
  void trim_spares(std::size_t keep);

  static constexpr std::size_t kKeptWhenEmpty = 64;
  static constexpr std::size_t kMaxSpareBytes = 256 * 1024;
  static constexpr std::size_t kMaxSpareCapacity = 16 * 1024;
  static constexpr std::size_t kSparesWhenEmpty = 4;

  void forget(OutboxEntry& entry);
  void note(std::error_code error) {
    if (error && !store_error_) store_error_ = error;
  }

  std::unique_ptr<Store> store_;    // null: memory only
  std::error_code store_error_;     // first unreported failure of store_
  std::vector<OutboxEntry> slots_;  // power-of-two ring; empty while the outbox is empty
  std::size_t head_ = 0;            // slot of sequence first_
  std::uint64_t first_ = 1;         // oldest sequence still held (live or a free slot)
  std::uint64_t next_sequence_ = 1;
  std::uint64_t next_store_key_ = 1;
  std::size_t live_ = 0;
  IdTable<std::uint64_t> by_id_;  // packet id -> sequence
  std::uint64_t unsent_hint_ = 0;
  std::size_t bytes_ = 0;
  std::vector<std::shared_ptr<codec::Buffer>> spares_;  // oldest first, from spares_head_
  std::size_t spares_head_ = 0;
  std::size_t spare_bytes_ = 0;  // capacity of the spares
};

}  // namespace portmqtt::session
