// SUBSCRIBE / UNSUBSCRIBE (§3.8, §3.10) and the correlation of their acks.
#include <algorithm>

#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {

using codec::PacketType;

constexpr std::string_view kSharePrefix = "$share/";

bool is_shared(std::string_view filter) {
  return filter.starts_with(kSharePrefix);
}
bool has_wildcard(std::string_view filter) {
  return filter.find_first_of("+#") != std::string_view::npos;
}

}  // namespace

std::error_code Session::Impl::check_subscription(const codec::Subscription& s) const {
  const auto& options = s.options;
  if (codec::check_topic_filter(s.filter)) return make_error_code(errc::invalid_topic);
  if (static_cast<std::uint8_t>(options.max_qos) > 2) return make_error_code(errc::invalid_qos);
  if (static_cast<std::uint8_t>(options.retain_handling) > 2) {
    return make_error_code(errc::invalid_argument);
  }
  if (!is_v5()) {
    if (options.no_local || options.retain_as_published ||
        options.retain_handling != codec::RetainHandling::send_on_subscribe) {
      return make_error_code(errc::not_supported_by_version);
    }
    return {};
  }
  if (has_wildcard(s.filter) && !server.wildcard_subscription_available) {
    return make_error_code(errc::feature_not_available);
  }
  if (is_shared(s.filter)) {
    if (!server.shared_subscription_available) return make_error_code(errc::feature_not_available);
    if (options.no_local) return make_error_code(errc::invalid_argument);  // §3.8.3.1
  }
  return {};
}

CommandResult Session::Impl::subscribe(std::span<const codec::Subscription> subscriptions,
                                       const codec::Properties& props, TimePoint now) {
  begin_input(now);
  if (!is_live(state)) return {0, make_error_code(errc::not_connected)};
  if (subscriptions.empty()) return {0, make_error_code(errc::invalid_argument)};
  if (!is_v5() && !props.empty()) return {0, make_error_code(errc::not_supported_by_version)};
  if (props.find(codec::PropertyId::subscription_identifier) &&
      !server.subscription_identifiers_available) {
    return {0, make_error_code(errc::feature_not_available)};
  }
  for (const auto& s : subscriptions) {
    if (auto error = check_subscription(s)) return {0, error};
  }
  const std::uint16_t id = ids.allocate();
  if (id == 0) return {0, make_error_code(errc::outbox_full)};
  codec::Subscribe packet{id, {subscriptions.begin(), subscriptions.end()}, props};
  if (auto error = send_limited(packet, now)) {
    ids.release(id);
    return {0, error};
  }
  requests.push_back({id, PacketType::subscribe, subscriptions.size()});
  return {id, {}};
}

CommandResult Session::Impl::unsubscribe(std::span<const std::string_view> filters,
                                         const codec::Properties& props, TimePoint now) {
  begin_input(now);
  if (!is_live(state)) return {0, make_error_code(errc::not_connected)};
  if (filters.empty()) return {0, make_error_code(errc::invalid_argument)};
  if (!is_v5() && !props.empty()) return {0, make_error_code(errc::not_supported_by_version)};
  for (auto filter : filters) {
    if (codec::check_topic_filter(filter)) return {0, make_error_code(errc::invalid_topic)};
  }
  const std::uint16_t id = ids.allocate();
  if (id == 0) return {0, make_error_code(errc::outbox_full)};
  codec::Unsubscribe packet{id, {filters.begin(), filters.end()}, props};
  if (auto error = send_limited(packet, now)) {
    ids.release(id);
    return {0, error};
  }
  requests.push_back({id, PacketType::unsubscribe, filters.size()});
  return {id, {}};
}

std::optional<PendingRequest> Session::Impl::take_request(PacketType type,
                                                          std::uint16_t packet_id) {
  auto at = std::find_if(requests.begin(), requests.end(), [&](const PendingRequest& r) {
    return r.packet_id == packet_id && r.type == type;
  });
  if (at == requests.end()) return std::nullopt;
  PendingRequest found = *at;
  requests.erase(at);
  ids.release(packet_id);
  return found;
}

void Session::Impl::on_suback(codec::Suback& suback, TimePoint now) {
  auto request = take_request(PacketType::subscribe, suback.packet_id);
  if (!request) {
    violation(errc::unknown_packet_id, codec::ReasonCode::protocol_error, now,
              "SUBACK for a packet id with no SUBSCRIBE in flight (§3.9.2)");
  } else if (suback.reasons.size() != request->filters) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "SUBACK with a reason code count other than the filter count (§3.9.3)");
  } else {
    events.emplace_back(
        SubscribeCompleted{suback.packet_id, std::move(suback.reasons), suback.props});
  }
}

void Session::Impl::on_unsuback(codec::Unsuback& unsuback, TimePoint now) {
  auto request = take_request(PacketType::unsubscribe, unsuback.packet_id);
  if (!request) {
    violation(errc::unknown_packet_id, codec::ReasonCode::protocol_error, now,
              "UNSUBACK for a packet id with no UNSUBSCRIBE in flight (§3.11.2)");
  } else if (is_v5() && unsuback.reasons.size() != request->filters) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "UNSUBACK with a reason code count other than the filter count (§3.11.3)");
  } else {
    events.emplace_back(
        UnsubscribeCompleted{unsuback.packet_id, std::move(unsuback.reasons), unsuback.props});
  }
}

void Session::Impl::drop_requests() {
  // Their acks cannot come on another connection; the application hears they are gone.
  for (const auto& r : requests) {
    events.emplace_back(MessageExpired{r.packet_id, r.type, DropReason::connection_lost, 0});
    ids.release(r.packet_id);
  }
  requests.clear();
}

}  // namespace portmqtt::session
