// Events waiting for the runtime to take them, oldest first.
//
// A vector read from a moving head rather than a std::deque: a deque allocates a 512-byte
// block as soon as it exists, which every idle session would carry. Here an empty queue that
// has never held an event owns no memory, and a drained one is reused from its start.
//
// Completions of publishes without properties (nearly every PUBACK and PUBCOMP) wait in a
// second vector of 16-byte records instead of one Event each: a read of a hundred PUBACKs
// queues a hundred records, and a reader that takes them in bulk (take_acks) copies them in
// one go. Each event remembers how many records were queued before it, which keeps the
// order of the two: records before an event are taken before it.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "session/events.hpp"

namespace portmqtt::session {

class EventQueue {
 public:
  template <typename... Args>
  Event& emplace_back(Args&&... args) {
    return events_.emplace_back(acks_.size(), std::forward<Args>(args)...).event;
  }
  /// Queues a completion of a publish without properties.
  void acknowledge(const Acknowledgement& ack) { acks_.push_back(ack); }

  bool empty() const { return head_ == events_.size() && ack_head_ == acks_.size(); }
  /// Whether the oldest item is an acknowledgement (queued before the oldest event).
  bool ack_first() const { return ack_head_ < acks_before_front(); }

  /// Removes and returns the oldest acknowledgement. ack_first() is required.
  Acknowledgement pop_ack() {
    Acknowledgement ack = acks_[ack_head_++];
    reset_if_drained();
    return ack;
  }
  /// Appends the acknowledgements queued before the oldest event (all of them when no event
  /// waits) to `out`, oldest first, and removes them.
  void take_acks(std::vector<Acknowledgement>& out) {
    const std::size_t end = acks_before_front();
    if (ack_head_ == end) return;
    out.insert(out.end(), acks_.begin() + static_cast<std::ptrdiff_t>(ack_head_),
               acks_.begin() + static_cast<std::ptrdiff_t>(end));
    ack_head_ = end;
    reset_if_drained();
  }
  /// Removes and returns the oldest event. An event waits and ack_first() is false.
  Event pop_event() {
    Event event = std::move(events_[head_++].event);
    reset_if_drained();
    return event;
  }
  bool has_event() const { return head_ != events_.size(); }

 private:
  struct Queued {
    template <typename... Args>
    explicit Queued(std::size_t before, Args&&... args)
        : acks_before(before), event(std::forward<Args>(args)...) {}
    std::size_t acks_before;  // acknowledgements queued before this event (index into acks_)
    Event event;
  };

  std::size_t acks_before_front() const {
    return head_ != events_.size() ? events_[head_].acks_before : acks_.size();
  }
  void reset_if_drained() {
    if (!empty()) return;
    events_.clear();
    acks_.clear();
    head_ = 0;
    ack_head_ = 0;
    // A burst is over. (Assigning {} would keep the capacity.)
    if (events_.capacity() > kKeptEvents) std::vector<Queued>().swap(events_);
  }

 public:
  /// Gives back the room of a burst of acknowledgements once they are taken: on the
  /// session's timer, not after each read, so that a window of acknowledgements read in large
  /// chunks does not regrow the vector each time.
  void release_if_empty() {
    if (empty() && acks_.capacity() > kKeptAcks) std::vector<Acknowledgement>().swap(acks_);
  }
  /// Gives all the memory back when nothing waits (an idle connection keeps none).
  void release_memory() {
    if (!empty()) return;
    std::vector<Queued>().swap(events_);
    std::vector<Acknowledgement>().swap(acks_);
  }

 private:
  static constexpr std::size_t kKeptEvents = 64;
  static constexpr std::size_t kKeptAcks = 256;  // 4 KiB

  std::vector<Queued> events_;
  std::vector<Acknowledgement> acks_;
  std::size_t head_ = 0;
  std::size_t ack_head_ = 0;
};

}  // namespace portmqtt::session
