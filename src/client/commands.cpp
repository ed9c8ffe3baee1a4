// API commands: run one session command under the lock, then wake the loop.
#include <optional>
#include <vector>

#include "client/coarse_clock.hpp"
#include "client/config_map.hpp"
#include "client/convert.hpp"
#include "client/outbox_store.hpp"
#include "client/runtime.hpp"
#include "transport/uri.hpp"

namespace portmqtt {

namespace {

bool is_outbox_full(std::error_code ec) {
  return ec == session::errc::outbox_full || ec == session::errc::no_free_packet_id;
}

}  // namespace

Result<PublishAccepted> Client::Impl::publish(std::string_view topic, std::string_view payload,
                                              PublishOptions options, const Properties& props,
                                              bool may_wait, detail::PublishDone* done) {
  codec::Publish message;
  message.topic = topic;
  message.payload = payload;
  message.qos = detail::to_codec(options.qos);
  message.retain = options.retain;
  if (!props.empty()) message.props = detail::to_codec_view(props);
  detail::MutexLock lock(mutex);
  if (!props.empty() && session.config().version != codec::ProtocolVersion::v5)
    return errc::not_supported_by_version;
  if (store_error) return store_error;  // the configured store is not open: keep nothing
  // Waiting on a loop thread would stop the very writes and acks that make room.
  auto can_wait = [&] { return may_wait && !on_loop_thread(); };
  // Read the clock for a deadline only when there is something to wait for: the hot path
  // reads it once, for the session.
  std::optional<Clock::time_point> deadline;
  auto wait_deadline = [&]() REQUIRES(mutex) {
    if (!deadline) deadline = Clock::now() + config->network.timeout;
    return *deadline;
  };
  if (connected_locked() && over_send_limit_locked()) {
    if (!can_wait()) return errc::send_queue_full;
    bool room = changed.wait_until(lock, wait_deadline(), [&]() REQUIRES(mutex) {
      return !over_send_limit_locked() || !connected_locked();
    });
    if (!room) return errc::send_queue_full;
  }
  // QoS 0 takes the coarse clock (coarse_clock.hpp says why), QoS 1/2 the fine one.
  auto now = [&] {
    return message.qos == codec::QoS::at_most_once ? detail::coarse_now() : Clock::now();
  };
  session::CommandResult result;
  for (;;) {
    result = session.publish(message, now(), {options.store_when_offline});
    // A full outbox waits for acks (when asked to); running out of packet ids always does.
    if (!result.error) break;  // the hot path: no error_code comparisons
    const bool full = result.error == session::errc::no_free_packet_id ||
                      (result.error == session::errc::outbox_full && config->outbox.wait_when_full);
    if (!full || !can_wait()) break;
    ++room_waiters;
    const bool timed_out = changed.wait_until(lock, wait_deadline()) == std::cv_status::timeout;
    --room_waiters;
    if (timed_out) {
      result = session.publish(message, now(), {options.store_when_offline});
      break;
    }
  }
  if (!result) {
    if (is_outbox_full(result.error)) return errc::outbox_full;
    return detail::to_public_error(result.error);
  }
  if (done && result.handle != 0) {
    completions.publishes.add(result.handle, std::move(*done));
  }
  queued_estimate += topic.size() + payload.size() + 8;
  ++counters.messages_out;
  lock.unlock();
  wake();
  return PublishAccepted{result.handle, result.packet_id};
}

Result<PacketId> Client::Impl::subscribe(std::span<const Subscription> subs,
                                         const Properties& props, detail::SubscribeDone* done) {
  if (subs.empty()) return errc::invalid_argument;
  const std::vector<codec::Subscription> list = detail::to_codec_subscriptions(subs);
  const codec::Properties codec_props = detail::to_codec_view(props);
  detail::MutexLock lock(mutex);
  auto result = session.subscribe(list, codec_props, Clock::now());
  if (!result) return detail::to_public_error(result.error);
  subscriptions.subscribed(subs, props);
  if (done) completions.rare().subscribes.insert_or_assign(result.packet_id, std::move(*done));
  lock.unlock();
  wake();
  return result.packet_id;
}

Result<PacketId> Client::Impl::unsubscribe(std::span<const std::string_view> filters,
                                           const Properties& props, detail::UnsubscribeDone* done) {
  if (filters.empty()) return errc::invalid_argument;
  const codec::Properties codec_props = detail::to_codec_view(props);
  detail::MutexLock lock(mutex);
  auto result = session.unsubscribe(filters, codec_props, Clock::now());
  if (!result) return detail::to_public_error(result.error);
  subscriptions.unsubscribed(filters);
  if (done) completions.rare().unsubscribes.insert_or_assign(result.packet_id, std::move(*done));
  lock.unlock();
  wake();
  return result.packet_id;
}

std::error_code Client::Impl::disconnect(ReasonCode reason, const Properties& props,
                                         detail::VoidDone* done) {
  const codec::Properties codec_props = detail::to_codec_view(props);
  detail::MutexLock lock(mutex);
  if (!accepting_locked()) return errc::not_started;
  if (!connected_locked()) return errc::not_connected;
  if (auto ec = session.disconnect(detail::to_codec(reason), codec_props, Clock::now()))
    return detail::to_public_error(ec);
  if (done) completions.rare().disconnects.push_back(std::move(*done));
  lock.unlock();
  wake();
  return {};
}

// --- drain ------------------------------------------------------------------------------------

bool Client::Impl::drained_locked() const {
  return !write_in_flight && !session.has_output();
}

void Client::Impl::drain(Milliseconds timeout, detail::VoidDone done) {
  detail::MutexLock lock(mutex);
  const std::uint64_t through = session.last_handle();
  if (session.settled_through(through) && drained_locked()) {
    lock.unlock();
    return done(std::error_code{});
  }
  detail::DrainWaiter& waiter = completions.rare().drains.emplace_back();
  waiter.id = completions.rare().next_drain_id++;
  waiter.through = through;
  waiter.done = std::move(done);
  waiter.timer = std::make_unique<boost::asio::steady_timer>(strand);
  waiter.timer->expires_after(timeout);
  waiter.timer->async_wait([weak = weak_from_this(), id = waiter.id](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->assert_on_strand();
      self->on_drain_timeout(id);
    }
  });
}

void Client::Impl::check_drains_locked() {
  if (!completions.has_drains()) return;
  const bool written = drained_locked();
  std::erase_if(completions.rare().drains, [&](detail::DrainWaiter& waiter) REQUIRES(mutex) {
    if (!written || !session.settled_through(waiter.through)) return false;
    waiter.timer->cancel();
    ready.emplace_back([done = std::move(waiter.done)]() mutable { done(std::error_code{}); });
    return true;
  });
}

void Client::Impl::on_drain_timeout(std::uint64_t id) {
  {
    detail::MutexLock lock(mutex);
    std::erase_if(completions.rare().drains, [&](detail::DrainWaiter& waiter) {
      if (waiter.id != id) return false;
      ready.emplace_back([done = std::move(waiter.done)]() mutable {
        done(make_error_code(delivery_errc::timed_out));
      });
      return true;
    });
  }
  run_ready();
}

void Client::Impl::run_ready() {
  // A completion may call the client again and make more completions due.
  while (!ready.empty()) {
    std::vector<detail::Ready> batch = std::move(ready);
    ready.clear();
    for (detail::Ready& done : batch) {
      try {
        done();
      } catch (...) {  // a throwing completion must not end the loop thread
      }
      // What the completion holds (a promise, a coroutine frame) goes at once, on this thread,
      // as it did before the batch kept its room: a future's reader may already be awake.
      done.reset();
    }
    // Keep the room for the next batch: no allocation per batch of acknowledgements.
    batch.clear();
    if (ready.empty()) ready.swap(batch);
  }
}

std::error_code Client::Impl::auth(ReasonCode reason, const Properties& props) {
  const codec::Properties codec_props = detail::to_codec_view(props);
  detail::MutexLock lock(mutex);
  if (auto ec = session.auth(detail::to_codec(reason), codec_props, Clock::now()))
    return detail::to_public_error(ec);
  lock.unlock();
  wake();
  return {};
}

void Client::Impl::reauthenticate(detail::VoidDone done) {
  detail::MutexLock lock(mutex);
  std::error_code ec;
  if (!accepting_locked()) {
    ec = errc::not_started;
  } else if (auto failed = session.reauthenticate(Clock::now())) {
    ec = detail::to_public_error(failed);
  }
  if (ec) {
    lock.unlock();
    return done(ec);
  }
  completions.rare().reauthentications.push_back(std::move(done));
  lock.unlock();
  wake();
}

std::error_code Client::Impl::set_config(std::shared_ptr<const Config> next,
                                         std::string client_id) {
  if (!next) next = std::make_shared<const Config>();
  if (!next->broker.uri.empty()) {
    transport::Uri uri;
    if (transport::parse_uri(next->broker.uri, uri)) return errc::invalid_uri;
  }
  if (auto ec = detail::BrokerList::check(*next)) return ec;
  detail::MutexLock lock(mutex);
  const bool store_changed = detail::store_changed(config->outbox, next->outbox);
  if (store_changed && running_locked()) return errc::invalid_state;
  // Messages held in memory alone would be dropped by the switch: refuse it instead.
  if (store_changed && !session.durable() && session.outbox_messages() != 0)
    return errc::invalid_state;
  config = std::move(next);
  own_client_id = std::move(client_id);
  if (store_changed) return open_store_locked();
  return {};
}

std::error_code Client::Impl::set_uri(std::string_view text) {
  transport::Uri uri;
  if (transport::parse_uri(text, uri)) return errc::invalid_uri;
  // Copy on write: the configuration may be shared with other clients, which keep theirs.
  detail::MutexLock lock(mutex);
  auto own_copy = std::make_shared<Config>(*config);
  own_copy->broker.uri = std::string{text};
  config = std::move(own_copy);
  return {};
}

}  // namespace portmqtt
