// Events waiting for the runtime to take them, oldest first.
//
// A vector read from a moving head rather than a std::deque: a deque allocates a 512-byte
// block as soon as it exists, which every idle session would carry. Here an empty queue that
// has never held an event owns no memory, and a drained one is reused from its start.
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
    return events_.emplace_back(std::forward<Args>(args)...);
  }
  bool empty() const { return head_ == events_.size(); }
  std::size_t size() const { return events_.size() - head_; }

  /// Gives the vector's memory back when no event waits (an idle connection keeps none).
  void release_memory() {
    if (events_.empty()) std::vector<Event>().swap(events_);  // `= {}` keeps the capacity
  }

  /// Removes and returns the oldest event. Not empty() is required.
  Event pop_front() {
    Event event = std::move(events_[head_++]);
    if (head_ == events_.size()) {
      events_.clear();
      head_ = 0;
      if (events_.capacity() > kKeptCapacity)
        std::vector<Event>().swap(events_);  // a burst is over
    }
    return event;
  }

 private:
  static constexpr std::size_t kKeptCapacity = 64;

  std::vector<Event> events_;
  std::size_t head_ = 0;
};

}  // namespace portmqtt::session
