// The façade: forwards to Session::Impl, runs the receive loop and the timers, and turns broker
// misbehaviour into one well-defined way of ending the connection.
#include "session/session.hpp"

#include <algorithm>
#include <utility>

#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;  // clang 14 lacks aggregate deduction

std::optional<TimePoint> earliest(std::optional<TimePoint> a, std::optional<TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// MQTT 5 DISCONNECT reason for bytes the codec refused (§4.13: malformed packet vs protocol
// error; §3.1.2.24: packet too large).
codec::ReasonCode disconnect_reason_for(std::error_code codec_error) {
  using codec::errc;
  if (codec_error == errc::packet_too_large) return codec::ReasonCode::packet_too_large;
  if (codec_error == errc::duplicate_property || codec_error == errc::property_not_allowed ||
      codec_error == errc::invalid_property_value || codec_error == errc::invalid_topic) {
    return codec::ReasonCode::protocol_error;
  }
  return codec::ReasonCode::malformed_packet;
}

}  // namespace

// --- Impl: construction, input loop, timers ------------------------------------------------

Session::Impl::Impl(std::shared_ptr<const Config> initial, std::string own_client_id,
                    std::unique_ptr<Store> store)
    : config(std::move(initial)),
      version(config->version),
      client_id(own_client_id.empty() ? config->client_id : std::move(own_client_id)),
      outbox(std::move(store)) {
  server.keep_alive = config->keep_alive_s;
  load_store();
}

void Session::Impl::apply_config(std::shared_ptr<const Config> next, std::string next_client_id) {
  const codec::ProtocolVersion previous = version;
  config = std::move(next);
  version = config->version;
  client_id = next_client_id.empty() ? config->client_id : std::move(next_client_id);
  if (previous != version) reencode_outbox(previous);
}

void Session::Impl::set_config(std::shared_ptr<const Config> next, std::string next_client_id) {
  if (state == State::disconnected) {
    next_config.reset();
    apply_config(std::move(next), std::move(next_client_id));
  } else {
    next_config =
        std::make_unique<NextConfig>(NextConfig{std::move(next), std::move(next_client_id)});
  }
}

void Session::Impl::begin_input(TimePoint now) {
  aliases_in.drop_replaced();
  if (loaded_unstamped) stamp_loaded(now);
}

void Session::Impl::move_to(ConnectionInput input, std::error_code why) {
  // Inputs that are illegal in the current state leave it unchanged; callers only feed
  // inputs the table allows, so this is a guard, not a path.
  auto next = next_state(state, input);
  if (!next) return;
  const State from = std::exchange(state, *next);
  if ((from == State::authenticating || from == State::reauthenticating) && *next != from)
    left_auth_state(from, input, why);
}

std::size_t Session::Impl::receive(codec::ByteView bytes, TimePoint now) {
  begin_input(now);
  // Once the session asked for the connection to be closed, whatever else arrives is moot.
  if (!awaits_connack(state) && !is_live(state)) return bytes.size();
  std::size_t used = 0;
  while (used < bytes.size() && (awaits_connack(state) || is_live(state))) {
    // The acknowledgement of nearly every message we publish, read without a Packet.
    if (is_live(state) && limits.maximum_packet_size >= 4) {
      if (auto ack = codec::decode_short_ack(bytes.subspan(used))) {
        used += 4;
        keepalive.on_received(now);
        on_short_ack(*ack, now);
        continue;
      }
    }
    codec::DecodeResult result = codec::decode(bytes.subspan(used), version, limits);
    if (result.status == codec::DecodeStatus::need_more) break;
    if (result.status == codec::DecodeStatus::error) {
      malformed_input(result.error, now);
      break;
    }
    used += result.size;
    keepalive.on_received(now);
    dispatch(result.packet, now);
  }
  return used;
}

void Session::Impl::dispatch(codec::Packet& packet, TimePoint now) {
  if (awaits_connack(state) && !std::holds_alternative<codec::Connack>(packet) &&
      !std::holds_alternative<codec::Auth>(packet) &&
      !std::holds_alternative<codec::Disconnect>(packet)) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "a packet other than CONNACK, AUTH or DISCONNECT before CONNACK (§3.2)");
    return;
  }
  std::visit(
      Overloaded{
          [&](codec::Connack& p) { on_connack(p, now); },
          [&](codec::Publish& p) { on_publish(p, now); },
          [&](codec::Puback& p) { on_puback(p, now); },
          [&](codec::Pubrec& p) { on_pubrec(p, now); },
          [&](codec::Pubrel& p) { on_pubrel(p, now); },
          [&](codec::Pubcomp& p) { on_pubcomp(p, now); },
          [&](codec::Suback& p) { on_suback(p, now); },
          [&](codec::Unsuback& p) { on_unsuback(p, now); },
          [&](codec::Pingresp&) { on_pingresp(); },
          [&](codec::Disconnect& p) { on_disconnect(p); },
          [&](codec::Auth& p) { on_auth(p, now); },
          // CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ only ever travel to a server.
          [&](auto&) {
            violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
                      "a packet only a client may send (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ)");
          },
      },
      packet);
}

void Session::Impl::on_short_ack(const codec::ShortAck& ack, TimePoint now) {
  switch (ack.type) {
    case codec::PacketType::puback: {
      codec::Puback puback{ack.packet_id, codec::ReasonCode::success, {}};
      return on_puback(puback, now);
    }
    case codec::PacketType::pubrec: {
      codec::Pubrec pubrec{ack.packet_id, codec::ReasonCode::success, {}};
      return on_pubrec(pubrec, now);
    }
    default: {
      codec::Pubcomp pubcomp{ack.packet_id, codec::ReasonCode::success, {}};
      return on_pubcomp(pubcomp, now);
    }
  }
}

void Session::Impl::fail(std::error_code error, std::error_code cause,
                         std::optional<codec::ReasonCode> reason, TimePoint now,
                         std::string_view rule) {
  if (!awaits_connack(state) && !is_live(state)) return;
  if (reason && is_v5()) send(codec::Disconnect{*reason, {}}, now);
  events.emplace_back(ErrorOccurred{error, cause, rule});
  events.emplace_back(CloseConnection{error});
  move_to(ConnectionInput::fatal_error, error);
  connack_deadline.reset();
  keepalive.stop();
}

void Session::Impl::violation(errc error, codec::ReasonCode reason, TimePoint now,
                              std::string_view rule) {
  fail(make_error_code(error), {}, reason, now, rule);
}

void Session::Impl::malformed_input(std::error_code codec_error, TimePoint now) {
  const bool too_large = codec_error == codec::errc::packet_too_large;
  fail(make_error_code(too_large ? errc::packet_too_large : errc::malformed_packet), codec_error,
       disconnect_reason_for(codec_error), now);
}

void Session::Impl::send_shared(const std::shared_ptr<const codec::Buffer>& bytes, TimePoint now) {
  output.add_shared(bytes);
  keepalive.on_sent(now);
}

void Session::Impl::release_spare_memory() {
  // Each table gives its memory back only when nothing is in it (they keep their room while in
  // use, so a windowed publisher does not rebuild them each time the acks catch up).
  outbox.release_if_empty();
  events.release_if_empty();
  ids.release_if_empty();
  inbound_qos2.release_if_empty();
  abandoned.release_if_empty();
}

void Session::Impl::tick(TimePoint now) {
  begin_input(now);
  expire(now);
  release_spare_memory();
  if (awaits_connack(state) && connack_deadline && now >= *connack_deadline) {
    fail(make_error_code(errc::connack_timeout), {}, std::nullopt, now);
    return;
  }
  if (!is_live(state)) return;
  switch (keepalive.poll(now)) {
    case KeepAlive::Action::none:
      break;
    case KeepAlive::Action::send_ping:
      send(codec::Pingreq{}, now);
      keepalive.on_ping_sent(now);
      break;
    case KeepAlive::Action::timed_out:
      // The link is presumed dead: no DISCONNECT, it would go nowhere.
      fail(make_error_code(errc::keepalive_timeout), {}, std::nullopt, now);
      return;
  }
  retransmit(now);
}

std::optional<TimePoint> Session::Impl::next_deadline() const {
  std::optional<TimePoint> when = expiry_deadline();
  if (awaits_connack(state)) when = earliest(when, connack_deadline);
  if (is_live(state)) {
    when = earliest(when, keepalive.deadline());
    when = earliest(when, retransmit_due);
  }
  return when;
}

// --- Session: forwarding ---------------------------------------------------------------------

Session::Session(Config config, std::unique_ptr<Store> store)
    : Session(std::make_shared<const Config>(std::move(config)), {}, std::move(store)) {}
Session::Session(std::shared_ptr<const Config> config, std::string client_id,
                 std::unique_ptr<Store> store)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(client_id), std::move(store))) {}
Session::~Session() = default;

void Session::set_config(Config config) {
  impl_->set_config(std::make_shared<const Config>(std::move(config)), {});
}
void Session::set_config(std::shared_ptr<const Config> config, std::string client_id) {
  impl_->set_config(std::move(config), std::move(client_id));
}
void Session::release_idle_memory() {
  impl_->output.release_memory();
  impl_->events.release_memory();
}
const Config& Session::config() const {
  return impl_->next_config ? *impl_->next_config->config : *impl_->config;
}
void Session::connection_opened(TimePoint now) {
  impl_->connection_opened(now);
}
void Session::connection_lost(TimePoint now) {
  impl_->connection_lost(now);
}
std::size_t Session::receive(codec::ByteView bytes, TimePoint now) {
  return impl_->receive(bytes, now);
}
void Session::delivered(TimePoint now) {
  impl_->delivered(now);
}
void Session::tick(TimePoint now) {
  impl_->tick(now);
}

CommandResult Session::publish(const codec::Publish& message, TimePoint now,
                               PublishOptions options) {
  return impl_->publish(message, now, options);
}
CommandResult Session::subscribe(std::span<const codec::Subscription> subscriptions,
                                 const codec::Properties& props, TimePoint now) {
  return impl_->subscribe(subscriptions, props, now);
}
CommandResult Session::unsubscribe(std::span<const std::string_view> filters,
                                   const codec::Properties& props, TimePoint now) {
  return impl_->unsubscribe(filters, props, now);
}
std::error_code Session::disconnect(codec::ReasonCode reason, const codec::Properties& props,
                                    TimePoint now) {
  return impl_->disconnect(reason, props, now);
}
std::error_code Session::auth(codec::ReasonCode reason, const codec::Properties& props,
                              TimePoint now) {
  return impl_->auth(reason, props, now);
}
std::error_code Session::reauthenticate(TimePoint now) {
  return impl_->reauthenticate(now);
}

std::error_code Session::ack(std::uint64_t ack_id, codec::ReasonCode reason,
                             const codec::Properties& props, TimePoint now) {
  return impl_->ack(ack_id, reason, props, now);
}

OutputBatch Session::take_output(std::size_t max_bytes) {
  return impl_->output.take(max_bytes);
}
std::size_t Session::output_bytes() const {
  return impl_->output.size();
}
void Session::recycle(OutputBatch&& batch) {
  impl_->output.recycle(std::move(batch));
}
bool Session::has_output() const {
  return !impl_->output.empty();
}

std::optional<Event> Session::next_event() {
  EventQueue& events = impl_->events;
  if (events.ack_first()) {
    const Acknowledgement ack = events.pop_ack();
    return PublishCompleted{ack.packet_id, ack.qos, ack.reason, {}, ack.downgraded, ack.handle};
  }
  if (events.has_event()) return events.pop_event();
  // A store that failed to record a change (the session goes on from memory) is reported
  // once, after the events of the call that met it.
  if (std::error_code error = impl_->outbox.take_store_error()) return ErrorOccurred{error, {}};
  return std::nullopt;
}

std::optional<Event> Session::next_event(std::vector<Acknowledgement>& acks) {
  EventQueue& events = impl_->events;
  events.take_acks(acks);
  if (events.has_event()) return events.pop_event();
  if (std::error_code error = impl_->outbox.take_store_error()) return ErrorOccurred{error, {}};
  return std::nullopt;
}
std::optional<TimePoint> Session::next_deadline() const {
  return impl_->next_deadline();
}

State Session::state() const {
  return impl_->state;
}
const ServerCapabilities& Session::server() const {
  return impl_->server;
}
const std::string& Session::client_id() const {
  return impl_->client_id;
}
std::size_t Session::outbox_bytes() const {
  return impl_->outbox.bytes();
}
std::size_t Session::outbox_messages() const {
  return impl_->outbox.messages();
}
std::size_t Session::in_flight() const {
  return impl_->quota.in_flight();
}
std::optional<std::chrono::nanoseconds> Session::last_ack_rtt() const {
  return impl_->last_ack_rtt;
}

std::uint64_t Session::acks_taken() const {
  return impl_->acks_taken;
}
std::uint64_t Session::last_handle() const {
  return impl_->outbox.end_sequence() - 1;
}
bool Session::settled_through(std::uint64_t handle) const {
  return impl_->outbox.empty() || impl_->outbox.first_sequence() > handle;
}
void Session::clear_outbox() {
  impl_->clear_outbox();
}
bool Session::durable() const {
  return impl_->outbox.durable();
}
bool Session::use_store(std::unique_ptr<Store> store) {
  if (impl_->state != State::disconnected) return false;
  Impl& s = *impl_;
  s.outbox.for_each([&](const OutboxEntry& entry) {
    if (entry.packet_id != 0) s.ids.release(entry.packet_id);
  });
  s.outbox.reset_store(std::move(store));
  s.inbound_qos2.clear();
  s.undelivered_qos2.clear();
  s.released_qos2.clear();
  s.retransmit_due.reset();
  s.load_store();
  return true;
}

}  // namespace portmqtt::session
