// The completions a client still owes: one per operation that was accepted and has not ended.
//
// Design: filled by the API calls and emptied by the loop, both under Client::Impl::mutex, so
// that an operation's completion is registered before its ending can be seen. The loop moves
// the completions that are due into `ready` and runs them after releasing the lock. A publish
// without a completion costs nothing here: the tables are looked at only when not empty.
#pragma once

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
using Ready = Callback<void()>;

/// A drain() waiting for every publish up to `through` to end and the output to be written.
struct DrainWaiter {
  std::uint64_t id = 0;
  std::uint64_t through = 0;
  VoidDone done;
  std::unique_ptr<boost::asio::steady_timer> timer;
};

struct Completions {
  std::unordered_map<std::uint64_t, PublishDone> publishes;     // by message handle
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
