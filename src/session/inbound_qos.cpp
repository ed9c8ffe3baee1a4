// Receiver flows (§4.3): QoS 0 delivered, QoS 1 delivered and PUBACKed, QoS 2 delivered once
// on the first PUBLISH and PUBRECed on every copy until PUBREL (method B of §4.3.3), inbound
// topic aliases resolved, and our Receive Maximum enforced.
#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {
using codec::QoS;
using codec::ReasonCode;
}  // namespace

void Session::Impl::on_publish(codec::Publish& publish, TimePoint now) {
  if (const auto* alias = publish.props.find(codec::PropertyId::topic_alias)) {
    const auto value = static_cast<std::uint16_t>(alias->number > 65535 ? 0 : alias->number);
    switch (aliases_in.apply(value, publish.topic)) {
      case InboundAliases::Status::ok:
        break;
      case InboundAliases::Status::out_of_range:
        violation(errc::unknown_topic_alias, ReasonCode::topic_alias_invalid, now,
                  "Topic Alias 0 or above our Topic Alias Maximum (§3.3.2.3.4)");
        return;
      case InboundAliases::Status::unknown:
        violation(errc::unknown_topic_alias, ReasonCode::protocol_error, now,
                  "empty topic with a Topic Alias never defined (§3.3.2.3.4)");
        return;
    }
  }
  if (publish.topic.empty()) {
    violation(errc::protocol_error, ReasonCode::protocol_error, now,
              "PUBLISH with an empty topic and no Topic Alias (§3.3.2.1)");
    return;
  }
  const std::uint16_t id = publish.packet_id;
  // Manual acknowledgement; a QoS 2 id awaiting PUBREL was acknowledged already and is
  // answered below (PUBREC again, not delivered again).
  if (config->manual_ack && (publish.qos == QoS::at_least_once ||
                             (publish.qos == QoS::exactly_once && !inbound_qos2.contains(id)))) {
    hold_for_application(publish, now);
    return;
  }
  switch (publish.qos) {
    case QoS::at_most_once:
      events.emplace_back(MessageReceived{std::move(publish)});
      return;
    case QoS::at_least_once:
      events.emplace_back(MessageReceived{std::move(publish)});
      send(codec::Puback{id, ReasonCode::success, {}}, now);
      return;
    case QoS::exactly_once:
      if (!inbound_qos2.contains(id)) {
        // Not checked against our Receive Maximum (§3.3.4 says a client "uses" DISCONNECT 0x93,
        // it does not have to): mosquitto 2.0.11 ends its count at our PUBREC and sends more
        // while earlier ids await its PUBREL (seen: 53 out against a maximum of 20), and
        // libmosquitto, which disconnects then, loses the subscription mid-burst. Here the
        // message has gone to the application before PUBREC; what waits is only its id, and
        // the ids are bounded by the id space.
        inbound_qos2.insert(id);
        events.emplace_back(MessageReceived{std::move(publish)});
        // With a durable store the id is kept there once the application has the message
        // (delivered()), and PUBREC follows: a copy sent again after our restart is then not
        // delivered twice, and a process killed before the handler returned gets it again
        // rather than losing it.
        if (outbox.store() != nullptr) {
          undelivered_qos2.push_back(id);
          return;
        }
      }
      send(codec::Pubrec{id, ReasonCode::success, {}}, now);
      return;
  }
}

void Session::Impl::delivered(TimePoint now) {
  if (undelivered_qos2.empty() && released_qos2.empty()) return;
  Store* store = outbox.store();
  // The store's changes are committed, in one transaction, before the acks that depend on
  // them go out. PUBREC: the broker resends until it has it, and a resend after our restart
  // must find the id. PUBCOMP: the broker may reuse the id once it has it, and a new message
  // must not meet a stale id and be taken for a resend. If the store cannot take them, these
  // acks are not sent: the broker sends the messages (or PUBREL) again, and a message is
  // delivered again rather than lost.
  std::error_code error;
  for (const std::uint16_t id : undelivered_qos2) {
    if (!error) error = store->put_inbound(id);
  }
  if (!error) error = store->sync();
  for (const std::uint16_t id : undelivered_qos2) {
    if (error) {
      inbound_qos2.erase(id);
    } else if (is_live(state)) {
      send(codec::Pubrec{id, ReasonCode::success, {}}, now);
    }
  }
  for (const std::uint16_t id : released_qos2) {
    if (!error && is_live(state)) send(codec::Pubcomp{id, ReasonCode::success, {}}, now);
  }
  if (error) events.emplace_back(ErrorOccurred{error, {}});
  undelivered_qos2.clear();
  released_qos2.clear();
}

void Session::Impl::on_pubrel(const codec::Pubrel& pubrel, TimePoint now) {
  // An unknown id is legitimate: our PUBCOMP may have been lost with the last connection.
  const bool known = inbound_qos2.erase(pubrel.packet_id);
  if (Store* store = outbox.store(); store && known) {
    if (auto error = store->erase_inbound(pubrel.packet_id)) {
      events.emplace_back(ErrorOccurred{error, {}});
      return;  // no PUBCOMP: the broker sends PUBREL again
    }
    released_qos2.push_back(pubrel.packet_id);  // PUBCOMP once the erase is durable
    return;
  }
  const ReasonCode reason =
      known || !is_v5() ? ReasonCode::success : ReasonCode::packet_identifier_not_found;
  send(codec::Pubcomp{pubrel.packet_id, reason, {}}, now);
}

}  // namespace portmqtt::session
