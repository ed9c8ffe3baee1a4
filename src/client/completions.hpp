// The completions a client still owes: one per operation that was accepted and has not ended.
//
// Design: filled by the API calls and emptied by the loop, both under Client::Impl::mutex, so
// that an operation's completion is registered before its ending can be seen. The loop moves
// the completions that are due into `ready` and runs them, all those of one read in one pass,
// after releasing the lock. A publish without a completion costs nothing here: the tables are
// looked at only when not empty. One with a completion allocates nothing either in the common
// case: the callback sits inside its Callback, the publish table is a vector in handle order,
// and a due publish is a Ready that holds the callback and the few fields of its result, built
// into a PublishResult only when it runs (properties are copied only when the answer had some).
// The callback moves twice in all: into the table, and from there into its Ready.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "portmqtt/client.hpp"
#include "session/events.hpp"

namespace portmqtt::detail {

using PublishDone = Callback<PublishSignature>;
using SubscribeDone = Callback<SubscribeSignature>;
using UnsubscribeDone = Callback<UnsubscribeSignature>;
using VoidDone = Callback<VoidSignature>;

/// A completion due, with what it reports. A publish's (one per acknowledged message: the hot
/// path) keeps its callback and the fields of its PublishResult; any other completion is a
/// callable with its result inside.
class Ready {
 public:
  Ready() = default;
  template <class F>
  requires(!std::is_same_v<std::decay_t<F>, Ready> && std::is_invocable_v<F&>)
      Ready(F&& f)  // NOLINT(google-explicit-constructor): emplace_back(lambda)
      : other_(std::forward<F>(f)) {}
  /// A publish's completion. `props` (those of the broker's answer) are copied only when there
  /// are some; the Reason String is read from them when the completion runs.
  Ready(PublishDone&& done, std::error_code error, MessageHandle handle, PacketId packet_id,
        QoS qos, ReasonCode reason, const Properties* props = nullptr)
      : publish_(std::move(done)),
        error_(error),
        handle_(handle),
        packet_id_(packet_id),
        qos_(qos),
        reason_(reason) {
    if (props != nullptr && !props->empty()) props_ = std::make_unique<Properties>(*props);
  }

  void operator()() {
    if (!publish_) return other_();
    if (!props_) {  // built in the callback's parameter: no move of the result
      return publish_(
          error_, PublishResult{
                      .handle = handle_, .packet_id = packet_id_, .qos = qos_, .reason = reason_});
    }
    PublishResult result{
        .handle = handle_, .packet_id = packet_id_, .qos = qos_, .reason = reason_};
    if (auto text = props_->text(PropertyId::reason_string)) result.reason_string = *text;
    result.properties = std::move(*props_);
    publish_(error_, std::move(result));
  }
  /// Ends what it holds (a promise, a coroutine frame) now.
  void reset() noexcept {
    // Default-initialised, not `{}`: value-initialising a Callback zeroes its inline room.
    if (publish_) {
      PublishDone none;
      publish_ = std::move(none);
    } else if (other_) {
      Callback<void(), 192> none;
      other_ = std::move(none);
    }
    props_.reset();
  }

 private:
  PublishDone publish_;
  Callback<void(), 192> other_;
  std::unique_ptr<Properties> props_;
  std::error_code error_;
  MessageHandle handle_ = 0;
  PacketId packet_id_ = 0;
  QoS qos_ = QoS::at_most_once;
  ReasonCode reason_ = ReasonCode::success;
};

/// Publish completions by message handle. Handles grow, and each is registered under the lock
/// that took it, so appending keeps the table sorted: when every publish has a completion the
/// handles are consecutive and an entry is found by its distance from the first, else by a
/// binary search. An ended entry leaves a hole; holes at the front are skipped (acks come
/// mostly in order) and the table is compacted when they are the greater part, so that one
/// message waiting long keeps memory bounded. No allocation per message once it has grown.
class PublishTable {
 public:
  void add(std::uint64_t handle, PublishDone&& done) {
    if (live_ == 0) clear();
    if (items_.size() > head_ && items_.back().handle >= handle) {  // never expected: stay right
      auto at = std::upper_bound(items_.begin() + offset(head_), items_.end(), handle,
                                 [](std::uint64_t h, const Entry& e) { return h < e.handle; });
      items_.emplace(at, handle, std::move(done));
    } else {
      items_.emplace_back(handle, std::move(done));  // the callback moves once, into its entry
    }
    ++live_;
  }
  /// The completion registered for `handle`, removed; empty when there is none.
  PublishDone take(std::uint64_t handle) {
    PublishDone taken;
    take(handle, [&](PublishDone& done) { taken = std::move(done); });
    return taken;
  }
  /// Calls use(done) with the completion registered for `handle`, which `use` moves out (to
  /// where it waits to run: one move instead of two), and removes it; false when there is none.
  template <class F>
  bool take(std::uint64_t handle, F&& use) {
    const std::size_t at = index_of(handle);
    if (at == kNone) return false;
    // The entry ends whatever `use` does with it, even when it throws (say, out of memory):
    // the table stays consistent.
    const Settle settle{*this};
    const EndSlot end_slot{*this, at};
    use(items_[at].done);
    return true;
  }
  /// take() for each of `items` in a row (the acknowledgements of one read): calls
  /// use(item, done) for those whose handle, key(item), has a completion. The front of the
  /// table moves on once, after the last, instead of after each.
  template <class Items, class Key, class F>
  void take_each(const Items& items, Key&& key, F&& use) {
    if (live_ == 0) return;
    const Settle settle{*this};
    for (const auto& item : items) {
      const std::size_t at = index_of(key(item));
      if (at == kNone) continue;
      const EndSlot end_slot{*this, at};
      use(item, items_[at].done);
    }
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
    Entry(std::uint64_t h, PublishDone&& d) noexcept : handle(h), done(std::move(d)) {}
    std::uint64_t handle = 0;
    PublishDone done;
  };
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  static std::ptrdiff_t offset(std::size_t i) { return static_cast<std::ptrdiff_t>(i); }
  /// Where the live entry of `handle` is, or kNone.
  std::size_t index_of(std::uint64_t handle) const {
    if (live_ == 0 || handle < items_[head_].handle) return kNone;
    std::size_t at = head_ + static_cast<std::size_t>(handle - items_[head_].handle);
    if (at >= items_.size() || items_[at].handle != handle) {
      auto found = std::lower_bound(items_.begin() + offset(head_), items_.end(), handle,
                                    [](const Entry& e, std::uint64_t h) { return e.handle < h; });
      at = static_cast<std::size_t>(found - items_.begin());
      if (at == items_.size() || items_[at].handle != handle) return kNone;
    }
    return items_[at].done ? at : kNone;
  }
  /// Ends the entry at `at`; the front moves on in settle().
  struct EndSlot {
    PublishTable& table;
    std::size_t at;
    ~EndSlot() {
      PublishDone& done = table.items_[at].done;
      if (done) {
        PublishDone none;  // not `{}`, which would zero the inline room first
        done = std::move(none);
      }
      --table.live_;
    }
  };
  /// Skips the ended entries at the front, and compacts when they are the greater part.
  struct Settle {
    PublishTable& table;
    ~Settle() { table.settle(); }
  };
  void settle() noexcept {
    if (live_ == 0) return clear();
    while (!items_[head_].done)
      ++head_;
    if (head_ > 64 && head_ * 2 > items_.size()) {
      items_.erase(items_.begin(), items_.begin() + offset(head_));
      head_ = 0;
    }
  }
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

/// The completions of everything but PUBLISH: rarer, so made by the first of them.
struct OtherCompletions {
  std::unordered_map<std::uint16_t, SubscribeDone> subscribes;  // by packet id
  std::unordered_map<std::uint16_t, UnsubscribeDone> unsubscribes;
  std::vector<DrainWaiter> drains;
  std::vector<VoidDone> disconnects;
  std::uint64_t next_drain_id = 1;
  std::vector<VoidDone> reauthentications;  // at most one runs at a time

  bool empty() const {
    return subscribes.empty() && unsubscribes.empty() && drains.empty() && disconnects.empty() &&
           reauthentications.empty();
  }
};

struct Completions {
  PublishTable publishes;  // by message handle

  /// The other completions, made on first use: a client that never passes a completion to
  /// subscribe, unsubscribe, drain, disconnect or reauthenticate holds 8 bytes instead of 200.
  OtherCompletions& rare() {
    if (!rare_) rare_ = std::make_unique<OtherCompletions>();
    return *rare_;
  }
  /// Null until rare() made them.
  OtherCompletions* rare_if_made() const noexcept { return rare_.get(); }
  bool has_drains() const noexcept { return rare_ && !rare_->drains.empty(); }

  bool empty() const { return publishes.empty() && (!rare_ || rare_->empty()); }
  /// Every completion, ended with `error` (stop, destruction), moved into `ready`.
  void fail_all(std::error_code error, std::vector<Ready>& ready);

 private:
  std::unique_ptr<OtherCompletions> rare_;
};

/// The error a dropped outbox item completes with.
std::error_code error_of(session::DropReason why);

}  // namespace portmqtt::detail
