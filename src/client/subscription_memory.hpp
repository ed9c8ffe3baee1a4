// The subscriptions a client asked for, so that they can be made again when the broker lost
// the session (SessionConfig::resubscribe_on_session_lost).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codec/packet.hpp"
#include "common/thread_safety.hpp"
#include "portmqtt/message.hpp"
#include "portmqtt/properties.hpp"

namespace portmqtt::detail {

/// Public subscriptions as the codec takes them; the filters stay views of `subs`.
std::vector<codec::Subscription> to_codec_subscriptions(std::span<const Subscription> subs);

/// Each SUBSCRIBE request as sent (filters, options, properties), minus the filters
/// unsubscribed since. A filter subscribed again moves to its newest request, as the broker
/// replaces a subscription with the same filter (§3.8.4).
class SubscriptionMemory {
 public:
  void subscribed(std::span<const Subscription> subs, const Properties& props);
  void unsubscribed(std::span<const std::string_view> filters);
  void clear() { requests_.clear(); }
  bool empty() const { return requests_.empty(); }

  /// Calls `send(subscriptions, properties)` once per remembered request; returns how many
  /// filters went out in requests for which `send` returned true. Not analysed for locks: a
  /// template cannot name the locks `send` needs, which its caller holds (`send` is checked
  /// where it is written, with its REQUIRES).
  template <class Send>
  std::size_t replay(Send&& send) const NO_THREAD_SAFETY_ANALYSIS {
    std::size_t filters = 0;
    std::vector<Subscription> views;
    for (const Request& request : requests_) {
      views.clear();
      for (const Entry& entry : request.entries)
        views.push_back({entry.filter, entry.options});
      if (send(std::span<const Subscription>{views}, request.props)) filters += views.size();
    }
    return filters;
  }

 private:
  struct Entry {
    std::string filter;
    SubscribeOptions options;
  };
  struct Request {
    std::vector<Entry> entries;
    Properties props;
  };
  void forget(std::string_view filter);

  std::vector<Request> requests_;
};

}  // namespace portmqtt::detail
