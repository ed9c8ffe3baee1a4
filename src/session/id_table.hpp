// A map from 16-bit packet identifiers to small values, for the per-message hot path.
//
// Open addressing with Robin Hood linear probing over a power-of-two table, keyed by the id
// itself: ids are handed out walking forward, so the ids in flight sit in their home slots and
// a lookup, insert or erase is one probe in practice, with no allocation per id
// (std::unordered_map costs a node allocation per insert and a division per lookup). Erasing
// shifts back only entries displaced from home, so there are no tombstones. An empty table
// owns no memory, and the table itself is 16 bytes (a session holds four): an idle session
// costs almost nothing here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace portmqtt::session {

template <typename Value>
class IdTable {
 public:
  /// The value stored for `id`, or nullptr. Id 0 is never stored.
  Value* find(std::uint16_t id) {
    const std::size_t at = slot_of(id);
    return at == kAbsent ? nullptr : &slots_[at].value;
  }
  const Value* find(std::uint16_t id) const {
    const std::size_t at = slot_of(id);
    return at == kAbsent ? nullptr : &slots_[at].value;
  }
  bool contains(std::uint16_t id) const { return slot_of(id) != kAbsent; }

  /// Adds `id` with `value`; false (and no change) when `id` is 0 or already present.
  bool insert(std::uint16_t id, Value value) {
    if (id == 0 || contains(id)) return false;
    if ((size_ + 1) * 2 > capacity_) grow();
    place(Slot{id, std::move(value)});
    ++size_;
    return true;
  }

  /// insert() of an id the caller has just found absent (and not 0): one probe fewer.
  void insert_absent(std::uint16_t id, Value value) {
    if ((size_ + 1) * 2 > capacity_) grow();
    place(Slot{id, std::move(value)});
    ++size_;
  }

  /// Removes `id`; false when it was absent.
  bool erase(std::uint16_t id) {
    return erase_if(id, [](const Value&) { return true; });
  }
  /// Removes `id` when `keep_not(value)` says so, with one probe; false when it was absent or
  /// stays.
  template <typename Pred>
  bool erase_if(std::uint16_t id, Pred&& keep_not) {
    std::size_t hole = slot_of(id);
    if (hole == kAbsent || !keep_not(std::as_const(slots_[hole].value))) return false;
    // Backward-shift deletion: the run behind the hole moves up one slot, up to the first
    // entry that sits in its home slot (the usual case: the very next one).
    for (std::size_t next = (hole + 1) & mask(); slots_[next].id != 0 && distance_of(next) > 0;
         next = (next + 1) & mask()) {
      slots_[hole] = std::move(slots_[next]);
      hole = next;
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  /// Gives the memory of a large table back once it is empty (a burst is over). Not done by
  /// erase(): a window that drains and refills would rebuild the table every time.
  void release_if_empty() {
    if (size_ == 0 && capacity_ > kKeptWhenEmpty) clear();
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() {
    slots_.reset();
    capacity_ = 0;
    size_ = 0;
  }

  /// Calls f(id, value) for every entry, in no particular order.
  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < capacity_; ++i) {
      if (slots_[i].id != 0) f(slots_[i].id, slots_[i].value);
    }
  }

 private:
  struct Slot {
    std::uint16_t id = 0;  // 0: empty
    Value value{};
  };
  static constexpr std::uint32_t kInitialSlots = 16;
  static constexpr std::uint32_t kKeptWhenEmpty = 64;
  static constexpr std::size_t kAbsent = ~std::size_t{0};

  std::size_t mask() const { return capacity_ - 1; }
  std::size_t slot_of(std::uint16_t id) const {
    if (size_ == 0 || id == 0) return kAbsent;
    for (std::size_t i = id & mask(), distance = 0;; i = (i + 1) & mask(), ++distance) {
      if (slots_[i].id == id) return i;
      // Robin Hood order: past a slot nearer its home than we are, `id` cannot be.
      if (slots_[i].id == 0 || distance_of(i) < distance) return kAbsent;
    }
  }
  /// How far the entry in slot `i` sits from its home slot.
  std::size_t distance_of(std::size_t i) const { return (i - (slots_[i].id & mask())) & mask(); }

  // Robin Hood insertion: an entry farther from home takes the slot of one nearer to it.
  void place(Slot incoming) {
    std::size_t distance = 0;
    for (std::size_t i = incoming.id & mask();; i = (i + 1) & mask(), ++distance) {
      if (slots_[i].id == 0) {
        slots_[i] = std::move(incoming);
        return;
      }
      if (const std::size_t resident = distance_of(i); resident < distance) {
        std::swap(slots_[i], incoming);
        distance = resident;
      }
    }
  }

  void grow() {
    std::unique_ptr<Slot[]> old = std::move(slots_);
    const std::uint32_t old_capacity = capacity_;
    capacity_ = old_capacity == 0 ? kInitialSlots : old_capacity * 2;
    slots_ = std::make_unique<Slot[]>(capacity_);
    for (std::uint32_t i = 0; i < old_capacity; ++i) {
      if (old[i].id != 0) place(std::move(old[i]));
    }
  }

  // A pointer and two 32-bit counts rather than a std::vector and a size_t: 16 bytes instead
  // of 32 (at most 2 x 65,535 slots).
  std::unique_ptr<Slot[]> slots_;
  std::uint32_t capacity_ = 0;  // a power of two, or 0
  std::uint32_t size_ = 0;
};

/// A set of packet ids, on the same table.
class IdSet {
 public:
  bool contains(std::uint16_t id) const { return table_.contains(id); }
  bool insert(std::uint16_t id) { return table_.insert(id, true); }  ///< false: 0 or present
  /// insert() of an id just found absent, not 0 (see IdTable::insert_absent).
  void insert_absent(std::uint16_t id) { table_.insert_absent(id, true); }
  bool erase(std::uint16_t id) { return table_.erase(id); }  ///< false when absent
  std::size_t size() const { return table_.size(); }
  void clear() { table_.clear(); }
  void release_if_empty() { table_.release_if_empty(); }
  /// Calls f(id) for every id, in no particular order.
  template <typename F>
  void for_each(F&& f) const {
    table_.for_each([&](std::uint16_t id, bool) { f(id); });
  }

 private:
  IdTable<bool> table_;
};

}  // namespace portmqtt::session
