// The session's events under the lock, before dispatch: the bookkeeping of a CONNACK and the
// completions that events and acknowledgements end.
#include "client/runtime.hpp"

#include <cerrno>
#include <string>

#include "client/config_map.hpp"
#include "client/convert.hpp"
#include "client/shared_session_config.hpp"
#include "codec/codec.hpp"
#include "transport/errc.hpp"

namespace portmqtt {

// --- bookkeeping of session events (under the lock, before dispatch) ------------------------

void Client::Impl::on_connected_locked(const session::Connected& connected) {
  (void)advance_locked(detail::LifeEvent::connack_accepted);  // refused: offline or stopping
  if (conn) conn->was_connected = true;
  backoff.reset();
  brokers.connected();
  resubscribed = 0;
  if (!connected.session_present && config->session.resubscribe_on_session_lost)
    resubscribe_locked();
  requests_connected_locked(connected);
  const auto refresh_after = config->network.refresh_connection_after;
  if (refresh_after.count() <= 0) return;
  if (!conn) return;
  Timer& timer = conn->refresh_timer.get(strand);
  timer.expires_after(refresh_after);
  timer.async_wait([self = shared_from_this(), attempt = conn](boost::system::error_code ec) {
    self->assert_on_strand();
    if (ec || attempt != self->conn) return;  // cancelled, or an attempt that has ended
    self->end_connection({}, true);
  });
}

namespace {

std::string reason_string_of(const Properties& props) {
  auto text = props.text(PropertyId::reason_string);
  return text ? std::string{*text} : std::string{};
}

std::error_code refused_if(bool failed) {
  return failed ? make_error_code(delivery_errc::refused) : std::error_code{};
}

template <class Reasons>
std::vector<ReasonCode> public_reasons(const Reasons& reasons, bool& any_failure) {
  std::vector<ReasonCode> out;
  out.reserve(reasons.size());
  for (codec::ReasonCode r : reasons) {
    any_failure = any_failure || codec::is_failure(r);
    out.push_back(detail::from_codec(r));
  }
  return out;
}

}  // namespace

template <class E>
void Client::Impl::complete_locked(const E& e, const Properties& props) {
  if constexpr (std::is_same_v<E, session::PublishCompleted>) {
    // The hot path of completions: the callback moves from its table entry into its Ready,
    // which keeps the result's fields; nothing is allocated without properties.
    completions.publishes.take(e.handle, [&](detail::PublishDone& done) {
      ready.emplace_back(std::move(done), refused_if(codec::is_failure(e.reason)), e.handle,
                         e.packet_id, detail::from_codec(e.qos), detail::from_codec(e.reason),
                         &props);
    });
  } else if constexpr (std::is_same_v<E, session::MessageExpired>) {
    const std::error_code ec = detail::error_of(e.why);
    if (e.type == codec::PacketType::subscribe) {
      detail::OtherCompletions* rare = completions.rare_if_made();
      if (!rare) return;
      auto it = rare->subscribes.find(e.packet_id);
      if (it == rare->subscribes.end()) return;
      ready.emplace_back([done = std::move(it->second), ec, id = e.packet_id]() mutable {
        done(ec, SubscribeResult{.packet_id = id});
      });
      rare->subscribes.erase(it);
    } else if (e.type == codec::PacketType::unsubscribe) {
      detail::OtherCompletions* rare = completions.rare_if_made();
      if (!rare) return;
      auto it = rare->unsubscribes.find(e.packet_id);
      if (it == rare->unsubscribes.end()) return;
      ready.emplace_back([done = std::move(it->second), ec, id = e.packet_id]() mutable {
        done(ec, UnsubscribeResult{.packet_id = id});
      });
      rare->unsubscribes.erase(it);
    } else {
      completions.publishes.take(e.handle, [&](detail::PublishDone& done) {
        ready.emplace_back(std::move(done), ec, e.handle, e.packet_id, QoS::at_most_once,
                           ReasonCode::success);
      });
    }
  } else if constexpr (std::is_same_v<E, session::SubscribeCompleted>) {
    detail::OtherCompletions* rare = completions.rare_if_made();
    if (!rare) return;
    auto it = rare->subscribes.find(e.packet_id);
    if (it == rare->subscribes.end()) return;
    bool failed = false;
    SubscribeResult result{.packet_id = e.packet_id,
                           .reasons = public_reasons(e.reasons, failed),
                           .reason_string = reason_string_of(props),
                           .properties = props};
    ready.emplace_back([done = std::move(it->second), ec = refused_if(failed),
                        result = std::move(result)]() mutable { done(ec, std::move(result)); });
    rare->subscribes.erase(it);
  } else if constexpr (std::is_same_v<E, session::UnsubscribeCompleted>) {
    detail::OtherCompletions* rare = completions.rare_if_made();
    if (!rare) return;
    auto it = rare->unsubscribes.find(e.packet_id);
    if (it == rare->unsubscribes.end()) return;
    bool failed = false;
    UnsubscribeResult result{.packet_id = e.packet_id,
                             .reasons = public_reasons(e.reasons, failed),
                             .reason_string = reason_string_of(props),
                             .properties = props};
    ready.emplace_back([done = std::move(it->second), ec = refused_if(failed),
                        result = std::move(result)]() mutable { done(ec, std::move(result)); });
    rare->unsubscribes.erase(it);
  }
}

void Client::Impl::complete_acks_locked(std::span<const session::Acknowledgement> acks) {
  // The hot path of completions: the callback moves from its table entry into its Ready,
  // which keeps the result's fields; nothing is allocated.
  completions.publishes.take_each(
      acks, [](const session::Acknowledgement& ack) { return ack.handle; },
      [&](const session::Acknowledgement& ack, detail::PublishDone& done) {
        ready.emplace_back(std::move(done), refused_if(codec::is_failure(ack.reason)), ack.handle,
                           ack.packet_id, detail::from_codec(ack.qos),
                           detail::from_codec(ack.reason));
      });
}

void Client::Impl::drain_events_locked(PendingEvents& out) {
  bool room = false;
  const bool owed = !completions.empty();  // the common case: nothing to look up
  for (;;) {
    const std::size_t acks_before = out.acks.size();
    std::optional<session::Event> event = session.next_event(out.acks);
    if (out.acks.size() != acks_before) {
      room = true;
      if (owed) complete_acks_locked(std::span{out.acks}.subspan(acks_before));
    }
    if (!event) break;
    PendingEvent& p = out.events.emplace_back(PendingEvent{std::move(*event), {}, out.acks.size()});
    std::visit(
        [&](auto& e) REQUIRES(mutex, on_strand) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, session::MessageReceived>) {
            ++counters.messages_in;
            if (!e.publish.props.empty()) detail::copy_from_codec(e.publish.props, p.properties);
            if (take_response_locked(e, p.properties)) {
              out.events.pop_back();  // answered a request(): not for on_message
              return;
            }
          } else if constexpr (requires { e.props; }) {
            if (!e.props.empty()) detail::copy_from_codec(e.props, p.properties);
          }
          if constexpr (std::is_same_v<E, session::Connected>) on_connected_locked(e);
          // What the attempt learns goes with it; a session with no link has none to end.
          if constexpr (std::is_same_v<E, session::ConnectRefused>) {
            if (conn)
              conn->fatal_refusal = is_fatal_refusal(detail::from_codec(e.reason)) &&
                                    !config->network.reconnect.retry_after_fatal_refusal;
          }
          if constexpr (std::is_same_v<E, session::CloseConnection>) {
            if (conn) conn->close_requested = detail::to_public_error(e.reason);
          }
          if constexpr (std::is_same_v<E, session::ErrorOccurred>) {
            // An authenticator that refuses will refuse again: as a fatal CONNACK refusal.
            if (e.error == session::errc::authentication_failed && conn)
              conn->fatal_refusal = !config->network.reconnect.retry_after_fatal_refusal;
          }
          if constexpr (std::is_same_v<E, session::ReauthenticationEnded>) {
            detail::OtherCompletions* rare = completions.rare_if_made();
            if (rare && !rare->reauthentications.empty()) {
              ready.emplace_back([done = std::move(rare->reauthentications.front()),
                                  ec = detail::to_public_error(e.error)]() mutable { done(ec); });
              rare->reauthentications.erase(rare->reauthentications.begin());
            }
          }
          if constexpr (std::is_same_v<E, session::ServerDisconnected>) {
            if (conn) conn->server_reason = detail::from_codec(e.reason);
            rare().server_disconnect_props = p.properties;
          }
          if constexpr (std::is_same_v<E, session::ServerDisconnected> ||
                        std::is_same_v<E, session::ConnectRefused>) {
            brokers.note_server_reason(detail::from_codec(e.reason), p.properties);
          }
          if constexpr (std::is_same_v<E, session::PublishCompleted> ||
                        std::is_same_v<E, session::MessageExpired>) {
            room = true;
          }
          if (owed) complete_locked(e, p.properties);
        },
        p.event);
  }
  if (room && room_waiters != 0) changed.notify_all();
  check_drains_locked();
}

}  // namespace portmqtt
