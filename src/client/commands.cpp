// API commands: run one session command under the lock, then wake the loop.
#include <vector>

#include "client/config_map.hpp"
#include "client/convert.hpp"
#include "client/outbox_store.hpp"
#include "client/runtime.hpp"
#include "transport/uri.hpp"

namespace portmqtt {

Result<PacketId> Client::Impl::publish(std::string_view topic, std::string_view payload,
                                       PublishOptions options, const Properties& props,
                                       bool may_wait) {
  codec::Publish message;
  message.topic = topic;
  message.payload = payload;
  message.qos = detail::to_codec(options.qos);
  message.retain = options.retain;
  if (!props.empty()) message.props = detail::to_codec_view(props);
  std::unique_lock lock(mutex);
  if (!props.empty() && session.config().version != codec::ProtocolVersion::v5)
    return errc::not_supported_by_version;
  if (store_error) return store_error;  // the configured store is not open: keep nothing
  if (state == ConnectionState::connected && over_send_limit_locked()) {
    // Waiting on a loop thread would stop the very writes that make room.
    if (!may_wait || on_loop_thread()) return errc::send_queue_full;
    bool room = changed.wait_for(lock, config.network.timeout, [&] {
      return !over_send_limit_locked() || state != ConnectionState::connected;
    });
    if (!room) return errc::send_queue_full;
  }
  auto result = session.publish(message, Clock::now(), {options.store_when_offline});
  if (!result) return detail::to_public_error(result.error);
  queued_estimate += topic.size() + payload.size() + 8;
  lock.unlock();
  wake();
  return result.packet_id;
}

Result<PacketId> Client::Impl::subscribe(std::span<const Subscription> subs,
                                         const Properties& props) {
  if (subs.empty()) return errc::invalid_argument;
  const std::vector<codec::Subscription> list = detail::to_codec_subscriptions(subs);
  const codec::Properties codec_props = detail::to_codec_view(props);
  std::unique_lock lock(mutex);
  auto result = session.subscribe(list, codec_props, Clock::now());
  if (!result) return detail::to_public_error(result.error);
  subscriptions.subscribed(subs, props);
  lock.unlock();
  wake();
  return result.packet_id;
}

Result<PacketId> Client::Impl::unsubscribe(std::span<const std::string_view> filters,
                                           const Properties& props) {
  if (filters.empty()) return errc::invalid_argument;
  const codec::Properties codec_props = detail::to_codec_view(props);
  std::unique_lock lock(mutex);
  auto result = session.unsubscribe(filters, codec_props, Clock::now());
  if (!result) return detail::to_public_error(result.error);
  subscriptions.unsubscribed(filters);
  lock.unlock();
  wake();
  return result.packet_id;
}

std::error_code Client::Impl::disconnect(ReasonCode reason, const Properties& props) {
  const codec::Properties codec_props = detail::to_codec_view(props);
  std::unique_lock lock(mutex);
  if (!running || stopping) return errc::not_started;
  if (state != ConnectionState::connected) return errc::not_connected;
  if (auto ec = session.disconnect(detail::to_codec(reason), codec_props, Clock::now()))
    return detail::to_public_error(ec);
  lock.unlock();
  wake();
  return {};
}

std::error_code Client::Impl::auth(ReasonCode reason, const Properties& props) {
  const codec::Properties codec_props = detail::to_codec_view(props);
  std::unique_lock lock(mutex);
  if (auto ec = session.auth(detail::to_codec(reason), codec_props, Clock::now()))
    return detail::to_public_error(ec);
  lock.unlock();
  wake();
  return {};
}

std::error_code Client::Impl::set_config(Config next) {
  if (!next.broker.uri.empty()) {
    transport::Uri uri;
    if (transport::parse_uri(next.broker.uri, uri)) return errc::invalid_uri;
  }
  if (auto ec = detail::BrokerList::check(next)) return ec;
  std::lock_guard lock(mutex);
  const bool store_changed = detail::store_changed(config.outbox, next.outbox);
  if (store_changed && running) return errc::invalid_state;
  // Messages held in memory alone would be dropped by the switch: refuse it instead.
  if (store_changed && !session.durable() && session.outbox_messages() != 0)
    return errc::invalid_state;
  config = std::move(next);
  if (store_changed) return open_store_locked();
  return {};
}

std::error_code Client::Impl::set_uri(std::string_view text) {
  transport::Uri uri;
  if (transport::parse_uri(text, uri)) return errc::invalid_uri;
  std::lock_guard lock(mutex);
  config.broker.uri = std::string{text};
  return {};
}

}  // namespace portmqtt
