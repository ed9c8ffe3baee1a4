// The completions a client still owes: one per operation that was accepted and has not ended.
//
// Design: filled by the API calls and emptied by the loop, both under Client::Impl::mutex, so
// that an operation's completion is registered before its ending can be seen. The loop moves
// the completions that are due into `ready` and runs them after releasing the lock. A publish
// without a completion costs nothing here: the tables are looked at only when not empty. One
// with a completion allocates nothing either in the common case: the callback sits inside its
// Callback, the publish table is a vector in handle order, and `ready` holds the due
// completion with its result inside (Ready's inline room).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "portmqtt/client.hpp"
#include "session/events.hpp"

namespace portmqtt::detail {

using PublishDone = Callback<PublishSignature>;
using SubscribeDone = Callback<SubscribeSignature>;
using UnsubscribeDone = Callback<UnsubscribeSignature>;
using VoidDone = Callback<VoidSignature>;
/// A completion due, with its result: room inside for a publish's (callback, error, result).
using Ready = Callback<void(), 192>;

/// Publish completions by message handle. Handles grow, and each is registered under the lock
/// that took it, so appending keeps the table sorted: when every publish has a completion the
/// handles are consecutive and an entry is found by its distance from the first, else by a
/// binary search. An ended entry leaves a hole; holes at the front are skipped (acks come
/// mostly in order) and the table is compacted when they are the greater part, so that one
/// message waiting long keeps memory bounded. No allocation per message once it has grown.
class PublishTable {
 public:
  void add(std::uint64_t handle, PublishDone done) {
    if (live_ == 0) clear();
    if (items_.size() > head_ && items_.back().handle >= handle) {  // never expected: stay right
      auto at = std::upper_bound(items_.begin() + offset(head_), items_.end(), handle,
                                 [](std::uint64_t h, const Entry& e) { return h < e.handle; });
      items_.insert(at, Entry{handle, std::move(done)});
    } else {
      items_.push_back(Entry{handle, std::move(done)});
    }
    ++live_;
  }
  /// The completion registered for `handle`, removed; empty when there is none.
  PublishDone take(std::uint64_t handle) {
    if (live_ == 0 || handle < items_[head_].handle) return {};
    std::size_t at = head_ + static_cast<std::size_t>(handle - items_[head_].handle);
    if (at >= items_.size() || items_[at].handle != handle) {
      auto found = std::lower_bound(items_.begin() + offset(head_), items_.end(), handle,
                                    [](const Entry& e, std::uint64_t h) { return e.handle < h; });
      at = static_cast<std::size_t>(found - items_.begin());
      if (at == items_.size() || items_[at].handle != handle) return {};
    }
    if (!items_[at].done) return {};
    PublishDone done = std::move(items_[at].done);
    if (--live_ == 0) {
      clear();
      return done;
    }
    while (!items_[head_].done)
      ++head_;
    if (head_ > 64 && head_ * 2 > items_.size()) {
      items_.erase(items_.begin(), items_.begin() + offset(head_));
      head_ = 0;
    }
    return done;
  }
  bool empty() const noexcept { return live_ == 0; }
  /// Calls fn(handle, done) for each live entry in handle order, then empties the table.
  template <class F>
  void take_all(F&& fn) {
    for (std::size_t i = head_; i < items_.size(); ++i) {
      if (items_[i].done) fn(items_[i].handle, std::move(items_[i].done));
    }
    clear();
  }

 private:
  struct Entry {
    std::uint64_t handle = 0;
    PublishDone done;
  };
  static std::ptrdiff_t offset(std::size_t i) { return static_cast<std::ptrdiff_t>(i); }
  void clear() noexcept {
    items_.clear();
    head_ = 0;
    live_ = 0;
  }
  std::vector<Entry> items_;  // sorted by handle; [0, head_) are ended
  std::size_t head_ = 0;
  std::size_t live_ = 0;
};

/// A drain() waiting for every publish up to `through` to end and the output to be written.
struct DrainWaiter {
  std::uint64_t id = 0;
  std::uint64_t through = 0;
  VoidDone done;
  std::unique_ptr<boost::asio::steady_timer> timer;
};

struct Completions {
  PublishTable publishes;                                       // by message handle
  std::unordered_map<std::uint16_t, SubscribeDone> subscribes;  // by packet id
  std::unordered_map<std::uint16_t, UnsubscribeDone> unsubscribes;
  std::vector<DrainWaiter> drains;
  std::vector<VoidDone> disconnects;
  std::uint64_t next_drain_id = 1;
  std::vector<VoidDone> reauthentications;  // at most one runs at a time

  bool empty() const {
    return publishes.empty() && subscribes.empty() && unsubscribes.empty() && drains.empty() &&
           disconnects.empty() && reauthentications.empty();
  }
  /// Every completion, ended with `error` (stop, destruction), moved into `ready`.
  void fail_all(std::error_code error, std::vector<Ready>& ready);
};

/// The error a dropped outbox item completes with.
std::error_code error_of(session::DropReason why);

}  // namespace portmqtt::detail
