// Session events -> public events -> the application's handlers.
#include <exception>
#include <string>
#include <utility>

#include "client/convert.hpp"
#include "client/runtime.hpp"

namespace portmqtt {
namespace {

// The typed slot of each event.
const auto& slot(const Handlers& h, const BeforeConnect*) {
  return h.on_before_connect;
}
const auto& slot(const Handlers& h, const Connected*) {
  return h.on_connected;
}
const auto& slot(const Handlers& h, const Disconnected*) {
  return h.on_disconnected;
}
const auto& slot(const Handlers& h, const Published*) {
  return h.on_published;
}
const auto& slot(const Handlers& h, const Subscribed*) {
  return h.on_subscribed;
}
const auto& slot(const Handlers& h, const Unsubscribed*) {
  return h.on_unsubscribed;
}
const auto& slot(const Handlers& h, const MessageReceived*) {
  return h.on_message;
}
const auto& slot(const Handlers& h, const Error*) {
  return h.on_error;
}
const auto& slot(const Handlers& h, const Deleted*) {
  return h.on_deleted;
}
const auto& slot(const Handlers& h, const AuthReceived*) {
  return h.on_auth;
}
const auto& slot(const Handlers& h, const UserEvent*) {
  return h.on_user_event;
}

// A throwing handler must not take the loop thread down; the exception is dropped.
template <class E>
void deliver(const Handlers& handlers, const E& event) {
  try {
    if (const auto& typed = slot(handlers, static_cast<const E*>(nullptr))) typed(event);
    if (handlers.on_event) handlers.on_event(Event{std::in_place_type<E>, event});
  } catch (...) {
  }
}

// on_published_batch, which replaces on_published and on_event for Published events.
void deliver_batch(const Handlers& handlers, std::span<const Published> batch) {
  try {
    handlers.on_published_batch(batch);
  } catch (...) {
  }
}

// Acknowledgement records (16 bytes) and Published events kept between reads.
constexpr std::size_t kKeptAcks = 256;

// The properties of an acknowledgement that carried none.
const Properties kNoProperties{};

// What the broker said (MQTT 5 Reason String) and what the refusal means for the client.
std::string refusal_cause(const Properties& props, bool fatal) {
  std::string cause;
  if (auto said = props.text(PropertyId::reason_string))
    cause = "the broker says \"" + std::string{*said} + "\"";
  if (fatal) {
    if (!cause.empty()) cause += "; ";
    cause +=
        "retrying cannot fix this refusal, so the client stopped (fix the configuration and "
        "call start(), or set ReconnectConfig::retry_after_fatal_refusal)";
  }
  return cause;
}

DeletedKind deleted_kind(codec::PacketType type) {
  switch (type) {
    case codec::PacketType::subscribe:
      return DeletedKind::subscribe;
    case codec::PacketType::unsubscribe:
      return DeletedKind::unsubscribe;
    default:
      return DeletedKind::publish;
  }
}

DeletedReason deleted_reason(session::DropReason why) {
  switch (why) {
    case session::DropReason::expired:
      return DeletedReason::expired;
    case session::DropReason::session_lost:
    case session::DropReason::connection_lost:
      return DeletedReason::session_lost;
    case session::DropReason::not_deliverable:
      return DeletedReason::not_deliverable;
    case session::DropReason::outcome_unknown:
      return DeletedReason::outcome_unknown;
  }
  return DeletedReason::expired;
}

}  // namespace

std::shared_ptr<const Handlers> Client::Impl::current_handlers() const {
  detail::MutexLock lock(handlers_mutex);
  return handlers;
}

std::shared_ptr<const Handlers> Client::Impl::no_handlers() {
  static const auto none = std::make_shared<const Handlers>();
  return none;
}

void Client::Impl::replace_handlers(std::shared_ptr<const Handlers> next) {
  if (!next) next = no_handlers();
  detail::MutexLock lock(handlers_mutex);
  handlers = std::move(next);
}

void Client::Impl::update_handlers(const std::function<void(Handlers&)>& change) {
  detail::MutexLock lock(handlers_mutex);
  auto next = std::make_shared<Handlers>(*handlers);
  change(*next);
  handlers = std::move(next);
}

void Client::Impl::emit(const BeforeConnect& e) {
  if (delivering()) deliver(*current_handlers(), e);
}
void Client::Impl::emit(const Disconnected& e) {
  if (delivering()) deliver(*current_handlers(), e);
}
void Client::Impl::emit(const Error& e) {
  if (delivering()) deliver(*current_handlers(), e);
}
void Client::Impl::emit(const UserEvent& e) {
  if (delivering()) deliver(*current_handlers(), e);
}

void Client::Impl::dispatch(PendingEvents& due) {
  if (!due.empty() && delivering()) {
    auto hs = current_handlers();
    const std::span<const session::Acknowledgement> acks{due.acks};
    std::size_t acked = 0;  // acknowledgements dispatched so far
    for (PendingEvent& p : due.events) {
      if (p.acks_before != acked) {
        dispatch_acks(acks.subspan(acked, p.acks_before - acked), *hs);
        acked = p.acks_before;
      }
      if (!delivering()) break;  // a handler stopped or destroyed the client
      dispatch_one(p, *hs);
    }
    if (acked != acks.size() && delivering()) dispatch_acks(acks.subspan(acked), *hs);
  }
  due.clear();
  // The room of a burst goes back, so an idle client does not keep it; the reads of a steady
  // flow stay below this and keep their vectors.
  if (due.acks.capacity() > kKeptAcks) std::vector<session::Acknowledgement>().swap(due.acks);
  if (published_batch.capacity() > kKeptAcks) std::vector<Published>().swap(published_batch);
  run_ready();  // completions run even when handlers no longer do (stop, destruction)
}

void Client::Impl::dispatch_acks(std::span<const session::Acknowledgement> acks,
                                 const Handlers& hs) {
  auto published = [](const session::Acknowledgement& ack) {
    return Published{ack.packet_id,
                     detail::from_codec(ack.qos),
                     detail::from_codec(ack.reason),
                     kNoProperties,
                     ack.downgraded,
                     ack.handle};
  };
  if (hs.on_published_batch) {
    if (!delivering()) return;  // a handler of an earlier event stopped or destroyed the client
    published_batch.clear();
    for (const session::Acknowledgement& ack : acks) {
      // A stored QoS 0 message that went out: its completion ran, no Published for it.
      if (ack.qos != codec::QoS::at_most_once) published_batch.push_back(published(ack));
    }
    if (!published_batch.empty()) deliver_batch(hs, published_batch);
    return;
  }
  if (!hs.on_published && !hs.on_event) return;
  for (const session::Acknowledgement& ack : acks) {
    if (ack.qos == codec::QoS::at_most_once) continue;
    if (!delivering()) return;
    deliver(hs, published(ack));
  }
}

void Client::Impl::dispatch_one(PendingEvent& p, const Handlers& hs) {
  const Properties& props = p.properties;
  auto to_public_reasons = [&](const std::vector<codec::ReasonCode>& reasons) REQUIRES(on_strand) {
    std::vector<ReasonCode>& scratch = rare().reason_scratch;
    scratch.clear();
    for (codec::ReasonCode r : reasons)
      scratch.push_back(detail::from_codec(r));
    return std::span<const ReasonCode>{scratch};
  };
  std::visit(
      [&](const auto& e) REQUIRES(on_strand) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, session::Connected>) {
          // A log text is a lambda of its own, analysed without the strand.
          const std::string_view at = where();
          const std::string_view broker = brokers.description();
          log(LogLevel::info, "connection", [&] {
            return "connected to " + std::string{at} + " (" + std::string{broker} +
                   (e.session_present ? ", session present)" : ", new session)");
          });
          deliver(hs, Connected{e.session_present, detail::from_session(e.server),
                                e.assigned_client_id, props, brokers.description(), resubscribed});
        } else if constexpr (std::is_same_v<E, session::ConnectRefused>) {
          const bool fatal_refusal = conn && conn->fatal_refusal;
          const Error refused{.kind = ErrorKind::connection_refused,
                              .error = make_error_code(errc::connection_refused),
                              .connect_reason = detail::from_codec(e.reason),
                              .where = std::string{where()},
                              .cause = refusal_cause(props, fatal_refusal),
                              .fatal = fatal_refusal};
          log(fatal_refusal ? LogLevel::error : LogLevel::warning, "connection",
              [&] { return refused.message(); });
          deliver(hs, refused);
        } else if constexpr (std::is_same_v<E, session::MessageReceived>) {
          dispatch_message(e, props, hs);
        } else if constexpr (std::is_same_v<E, session::PublishCompleted>) {
          // Only one that carried properties comes as an event (see dispatch_acks).
          if (e.qos == codec::QoS::at_most_once) return;  // a stored QoS 0 message went out
          const Published one{e.packet_id,
                              detail::from_codec(e.qos),
                              detail::from_codec(e.reason),
                              props,
                              e.downgraded,
                              e.handle};
          if (hs.on_published_batch) return deliver_batch(hs, std::span{&one, 1});
          deliver(hs, one);
        } else if constexpr (std::is_same_v<E, session::SubscribeCompleted>) {
          deliver(hs, Subscribed{e.packet_id, to_public_reasons(e.reasons), props});
        } else if constexpr (std::is_same_v<E, session::UnsubscribeCompleted>) {
          deliver(hs, Unsubscribed{e.packet_id, to_public_reasons(e.reasons), props});
        } else if constexpr (std::is_same_v<E, session::MessageExpired>) {
          log(LogLevel::debug, "session", [&] {
            return "outbox item " + std::to_string(e.handle) + " (packet id " +
                   std::to_string(e.packet_id) + ") deleted without an acknowledgement";
          });
          deliver(hs, Deleted{e.packet_id, deleted_kind(e.type), deleted_reason(e.why), e.handle});
        } else if constexpr (std::is_same_v<E, session::AuthReceived>) {
          deliver(hs, AuthReceived{detail::from_codec(e.reason), props});
        } else if constexpr (std::is_same_v<E, session::ErrorOccurred>) {
          std::error_code error = detail::to_public_error(e.error);
          if (error == errc::connection_refused) return;  // reported with its reason code
          std::string cause =
              rare_state ? std::exchange(rare_state->inbound_error_cause, {}) : std::string{};
          std::string finding = !e.rule.empty() ? std::string{e.rule}
                                : e.cause       ? e.cause.message()
                                                : std::string{};
          if (cause.empty())
            cause = std::move(finding);
          else if (error == errc::malformed_packet && !finding.empty())
            cause += ": " + finding;  // the packet's name, then what is wrong with it
          const bool fatal = error == errc::authentication_failed && conn && conn->fatal_refusal;
          if (fatal) cause += "; " + refusal_cause({}, true);
          const Error failure{.kind = detail::error_kind_of(error),
                              .error = error,
                              .where = std::string{where()},
                              .cause = std::move(cause),
                              .fatal = fatal};
          log(LogLevel::warning,
              failure.kind == ErrorKind::protocol ? "protocol"
              : failure.kind == ErrorKind::store  ? "store"
                                                  : "connection",
              [&] { return failure.message(); });
          deliver(hs, failure);
        }
        // ServerDisconnected and CloseConnection are reported by Disconnected.
      },
      p.event);
}

void Client::Impl::dispatch_message(const session::MessageReceived& m, const Properties& props,
                                    const Handlers& hs) {
  const codec::Publish& pub = m.publish;
  MessageReceived event{.topic = pub.topic,
                        .payload = pub.payload,
                        .offset = 0,
                        .total_size = pub.payload.size(),
                        .qos = detail::from_codec(pub.qos),
                        .retain = pub.retain,
                        .dup = pub.dup,
                        .packet_id = pub.packet_id,
                        .properties = props,
                        .ack_handle = m.ack_id};
  // Messages come in on a read of the current attempt, which holds its fragment size.
  const std::size_t fragment_size = conn ? conn->fragment_size : 0;
  if (fragment_size == 0 || pub.payload.size() <= fragment_size) return deliver(hs, event);
  for (std::size_t offset = 0; offset < pub.payload.size(); offset += fragment_size) {
    if (!delivering()) return;
    event.offset = offset;
    event.payload = pub.payload.substr(offset, fragment_size);
    deliver(hs, event);
  }
}

}  // namespace portmqtt
