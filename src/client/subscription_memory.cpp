#include "client/subscription_memory.hpp"

#include <algorithm>

#include "client/convert.hpp"
#include "client/runtime.hpp"

namespace portmqtt::detail {

std::vector<codec::Subscription> to_codec_subscriptions(std::span<const Subscription> subs) {
  std::vector<codec::Subscription> list;
  list.reserve(subs.size());
  for (const Subscription& s : subs) {
    list.push_back({s.filter,
                    {to_codec(s.options.qos), s.options.no_local, s.options.retain_as_published,
                     static_cast<codec::RetainHandling>(s.options.retain_handling)}});
  }
  return list;
}

void SubscriptionMemory::forget(std::string_view filter) {
  for (Request& request : requests_) {
    std::erase_if(request.entries, [&](const Entry& entry) { return entry.filter == filter; });
  }
  std::erase_if(requests_, [](const Request& request) { return request.entries.empty(); });
}

void SubscriptionMemory::subscribed(std::span<const Subscription> subs, const Properties& props) {
  Request request;
  request.props = props;
  for (const Subscription& s : subs) {
    forget(s.filter);
    request.entries.push_back({std::string{s.filter}, s.options});
  }
  requests_.push_back(std::move(request));
}

void SubscriptionMemory::unsubscribed(std::span<const std::string_view> filters) {
  for (std::string_view filter : filters)
    forget(filter);
}

}  // namespace portmqtt::detail

namespace portmqtt {

void Client::Impl::resubscribe_locked() {
  // The CONNACK is being handled: the SUBSCRIBEs go out right after what the session resends.
  resubscribed = subscriptions.replay([&](std::span<const Subscription> subs,
                                          const Properties& props) REQUIRES(mutex) {
    const auto list = detail::to_codec_subscriptions(subs);
    // A request this broker cannot take (a feature it lacks) is not sent; the count shows it.
    return static_cast<bool>(session.subscribe(list, detail::to_codec_view(props), Clock::now()));
  });
}

}  // namespace portmqtt
