// portmqtt::Client: the public face, forwarding to Client::Impl.
#include "portmqtt/client.hpp"

#include <future>

#include <boost/asio/post.hpp>

#include "client/convert.hpp"
#include "client/runtime.hpp"

namespace portmqtt {

Client::Client(Config config) : Client(std::make_shared<const Config>(std::move(config))) {}

Client::Client(EventLoop& loop, Config config)
    : Client(loop, std::make_shared<const Config>(std::move(config))) {}

Client::Client(std::shared_ptr<const Config> config, std::string client_id)
    : impl_(std::make_shared<Impl>(std::make_shared<detail::LoopCore>(), true, std::move(config),
                                   std::move(client_id))) {}

Client::Client(EventLoop& loop, std::shared_ptr<const Config> config, std::string client_id)
    : impl_(std::make_shared<Impl>(loop.core(), false, std::move(config), std::move(client_id))) {}

Client::~Client() {
  impl_->release_from_destructor();
}

void Client::set_handlers(Handlers handlers) {
  impl_->replace_handlers(std::make_shared<const Handlers>(std::move(handlers)));
}

void Client::set_handlers(std::shared_ptr<const Handlers> handlers) {
  impl_->replace_handlers(std::move(handlers));
}

#define PORTMQTT_HANDLER_SETTER(name, Type)                                    \
  void Client::name(std::function<void(const Type&)> handler) {                \
    impl_->update_handlers([&](Handlers& h) { h.name = std::move(handler); }); \
  }
PORTMQTT_HANDLER_SETTER(on_before_connect, BeforeConnect)
PORTMQTT_HANDLER_SETTER(on_connected, Connected)
PORTMQTT_HANDLER_SETTER(on_disconnected, Disconnected)
PORTMQTT_HANDLER_SETTER(on_published, Published)
PORTMQTT_HANDLER_SETTER(on_subscribed, Subscribed)
PORTMQTT_HANDLER_SETTER(on_unsubscribed, Unsubscribed)
PORTMQTT_HANDLER_SETTER(on_message, MessageReceived)
PORTMQTT_HANDLER_SETTER(on_error, Error)
PORTMQTT_HANDLER_SETTER(on_deleted, Deleted)
PORTMQTT_HANDLER_SETTER(on_auth, AuthReceived)
PORTMQTT_HANDLER_SETTER(on_user_event, UserEvent)
PORTMQTT_HANDLER_SETTER(on_event, Event)
#undef PORTMQTT_HANDLER_SETTER

void Client::on_published_batch(std::function<void(std::span<const Published>)> handler) {
  impl_->update_handlers([&](Handlers& h) { h.on_published_batch = std::move(handler); });
}

std::error_code Client::start() {
  return impl_->start();
}

std::error_code Client::stop(ReasonCode reason, const Properties& properties) {
  return impl_->stop_gracefully(reason, properties);
}

std::error_code Client::stop(discard_t, ReasonCode reason, const Properties& properties) {
  return impl_->stop(reason, properties);
}

std::error_code Client::reconnect() {
  return impl_->reconnect();
}

std::error_code Client::disconnect(ReasonCode reason, const Properties& properties) {
  return impl_->disconnect(reason, properties);
}

std::error_code Client::ack(AckHandle handle, ReasonCode reason, const Properties& properties) {
  return impl_->ack(handle, reason, properties);
}

std::error_code Client::disconnect_abruptly() {
  return impl_->disconnect_abruptly();
}

std::error_code Client::refresh_connection() {
  return impl_->refresh();
}

std::error_code Client::set_uri(std::string_view uri) {
  return impl_->set_uri(uri);
}

std::error_code Client::set_config(Config config) {
  return impl_->set_config(std::make_shared<const Config>(std::move(config)), {});
}

std::error_code Client::set_config(std::shared_ptr<const Config> config, std::string client_id) {
  return impl_->set_config(std::move(config), std::move(client_id));
}

Config Client::config() const {
  detail::MutexLock lock(impl_->mutex);
  return impl_->effective_config_locked();
}

std::shared_ptr<const Config> Client::shared_config() const {
  detail::MutexLock lock(impl_->mutex);
  return impl_->config;
}

Result<PublishAccepted> Client::publish(std::string_view topic, std::string_view payload,
                                        PublishOptions options, const Properties& properties) {
  return impl_->publish(topic, payload, options, properties, true);
}

Result<PublishAccepted> Client::publish(const Message& message) {
  return impl_->publish(message.topic, message.payload, {message.qos, message.retain, false},
                        message.properties, true);
}

Result<PublishAccepted> Client::enqueue(std::string_view topic, std::string_view payload,
                                        PublishOptions options, const Properties& properties) {
  return impl_->publish(topic, payload, options, properties, false);
}

void Client::start_publish(std::string_view topic, std::string_view payload, PublishOptions options,
                           const Properties& properties, bool may_wait,
                           detail::Callback<PublishSignature> done) {
  auto accepted = impl_->publish(topic, payload, options, properties, may_wait, &done);
  if (!accepted) {
    PublishResult result;
    result.qos = options.qos;
    return done(accepted.error(), std::move(result));
  }
  // Still here: nothing waits for it (QoS 0 written at once), so it has ended.
  if (done) done(std::error_code{}, PublishResult{.handle = accepted->handle, .qos = options.qos});
}

void Client::start_subscribe(std::span<const Subscription> subscriptions,
                             const Properties& properties,
                             detail::Callback<SubscribeSignature> done) {
  auto id = impl_->subscribe(subscriptions, properties, &done);
  if (!id) done(id.error(), SubscribeResult{});
}

void Client::start_unsubscribe(std::span<const std::string_view> filters,
                               const Properties& properties,
                               detail::Callback<UnsubscribeSignature> done) {
  auto id = impl_->unsubscribe(filters, properties, &done);
  if (!id) done(id.error(), UnsubscribeResult{});
}

void Client::start_disconnect(ReasonCode reason, const Properties& properties,
                              detail::Callback<VoidSignature> done) {
  if (auto ec = impl_->disconnect(reason, properties, &done)) done(ec);
}

void Client::start_drain(Milliseconds timeout, detail::Callback<VoidSignature> done) {
  impl_->drain(timeout, std::move(done));
}

std::error_code Client::drain(Milliseconds timeout) {
  if (impl_->on_loop_thread()) return errc::invalid_state;
  std::promise<std::error_code> promise;
  auto result = promise.get_future();
  impl_->drain(timeout, [&promise](std::error_code ec) { promise.set_value(ec); });
  return result.get();
}

Result<PacketId> Client::subscribe(std::string_view filter, SubscribeOptions options,
                                   const Properties& properties) {
  const Subscription one{filter, options};
  return impl_->subscribe({&one, 1}, properties);
}

Result<PacketId> Client::subscribe(std::span<const Subscription> subscriptions,
                                   const Properties& properties) {
  return impl_->subscribe(subscriptions, properties);
}

Result<PacketId> Client::unsubscribe(std::string_view filter, const Properties& properties) {
  return impl_->unsubscribe({&filter, 1}, properties);
}

Result<PacketId> Client::unsubscribe(std::span<const std::string_view> filters,
                                     const Properties& properties) {
  return impl_->unsubscribe(filters, properties);
}

std::error_code Client::auth(ReasonCode reason, const Properties& properties) {
  return impl_->auth(reason, properties);
}

void Client::start_reauthenticate(detail::Callback<VoidSignature> done) {
  impl_->reauthenticate(std::move(done));
}

void Client::dispatch(UserEvent event) {
  boost::asio::post(impl_->strand, [weak = std::weak_ptr<Impl>(impl_), event = std::move(event)] {
    if (auto self = weak.lock()) {
      self->assert_on_strand();
      self->emit(event);
    }
  });
}

void Client::post(std::function<void()> fn) {
  boost::asio::post(impl_->strand, [weak = std::weak_ptr<Impl>(impl_), fn = std::move(fn)] {
    if (auto self = weak.lock(); self && !self->destroyed) {
      self->assert_on_strand();
      fn();
    }
  });
}

ConnectionState Client::state() const {
  detail::MutexLock lock(impl_->mutex);
  return detail::public_state(impl_->life_locked());
}

std::size_t Client::outbox_size() const {
  detail::MutexLock lock(impl_->mutex);
  return impl_->session.outbox_bytes();
}

std::size_t Client::outbox_messages() const {
  detail::MutexLock lock(impl_->mutex);
  return impl_->session.outbox_messages();
}

std::string Client::client_id() const {
  detail::MutexLock lock(impl_->mutex);
  return impl_->session.client_id();
}

ServerCapabilities Client::server() const {
  detail::MutexLock lock(impl_->mutex);
  return detail::from_session(impl_->session.server());
}

Stats Client::stats() const {
  detail::MutexLock lock(impl_->mutex);
  Stats s = impl_->counters;
  s.in_flight = impl_->session.in_flight();
  s.outbox_messages = impl_->session.outbox_messages();
  s.outbox_bytes = impl_->session.outbox_bytes();
  s.send_queue_bytes = impl_->writing_bytes + impl_->queued_estimate;
  s.last_round_trip = impl_->session.last_ack_rtt();
  return s;
}

ProtocolVersion Client::protocol_version() const {
  detail::MutexLock lock(impl_->mutex);
  return impl_->config->session.protocol_version;
}

}  // namespace portmqtt
