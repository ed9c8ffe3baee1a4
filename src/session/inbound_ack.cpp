// Application-controlled acknowledgement (Config::manual_ack): an inbound QoS 1/2 message is
// delivered with an ack id and its PUBACK/PUBREC waits for Session::ack().
//
// Design:
// - Order: §4.6 wants PUBACKs, and PUBRECs, in the order the PUBLISHes arrived. One queue for
//   both QoS levels keeps that (it is stricter than two queues, never wrong), at the price
//   that a message the application never acknowledges holds back those behind it; the broker
//   stops at our Receive Maximum meanwhile.
// - A QoS 2 id enters inbound_qos2 (and the store) only when its PUBREC goes out: before that
//   the broker still owns the message, and a copy resent after a reconnect must reach the
//   application again rather than be taken for a duplicate.
// - A lost connection forgets what was held (HeldAcks::clear): the broker resends those
//   messages with DUP, and the application acknowledges the new copies.
#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {
using codec::QoS;
using codec::ReasonCode;
}  // namespace

void Session::Impl::hold_for_application(codec::Publish& publish, TimePoint now) {
  // A copy of a message the application still holds: the broker resent it (3.x retransmit)
  // or reused nothing (ids are not reused before the ack). It gets acknowledged with the
  // first one.
  if (held_acks.holds(publish.packet_id)) return;
  // §3.3.4 allows the broker at most our Receive Maximum unacknowledged. mosquitto 2.0.11
  // sends two messages for one PUBACK when its queue for us is backlogged, which only happens
  // when acknowledgements are slow, as they are here: tolerate that much (memory stays bounded
  // by twice the limit) rather than end the connection and have the same thing happen again.
  // Only the messages the application holds count: a QoS 2 id it acknowledged (PUBREC sent)
  // and that awaits PUBREL holds nothing, and mosquitto no longer counts it (inbound_qos.cpp).
  if (held_acks.size() >= 2 * std::size_t{receive_maximum}) {
    violation(errc::receive_maximum_exceeded, ReasonCode::receive_maximum_exceeded, now,
              "more unacknowledged QoS 1/2 messages than our Receive Maximum (§3.3.4)");
    return;
  }
  const std::uint64_t ack_id = held_acks.hold(publish.packet_id, publish.qos);
  events.emplace_back(MessageReceived{std::move(publish), ack_id});
}

std::error_code Session::Impl::ack(std::uint64_t ack_id, ReasonCode reason,
                                   const codec::Properties& props, TimePoint now) {
  begin_input(now);
  if (!config->manual_ack || ack_id == 0) return make_error_code(errc::invalid_argument);
  if (is_v5()) {
    // PUBACK and PUBREC list the same reason codes (§3.4.2.1, §3.5.2.1).
    if (!codec::is_valid_reason_code(static_cast<std::uint8_t>(codec::PacketType::puback), reason))
      return make_error_code(errc::invalid_argument);
    for (const codec::Property& p : props) {
      if (!codec::is_property_allowed(p.id, codec::PropertyContext::puback))
        return make_error_code(errc::invalid_argument);
    }
  } else {
    if (!props.empty()) return make_error_code(errc::not_supported_by_version);
    reason = ReasonCode::success;  // 3.x acknowledgements carry no reason
  }
  if (!held_acks.release(ack_id, reason, codec::OwnedProperties{props}))
    return make_error_code(errc::stale_ack);
  send_released(now);
  return {};
}

void Session::Impl::send_released(TimePoint now) {
  while (auto held = held_acks.take_released()) {
    const codec::Properties props = held->props.view();
    if (held->qos == QoS::at_least_once) {
      send(codec::Puback{held->packet_id, held->reason, props}, now);
      continue;
    }
    // A failure code on PUBREC ends the QoS 2 flow (§4.3.3): no PUBREL follows.
    if (!codec::is_failure(held->reason)) {
      if (Store* store = outbox.store()) {
        // Committed before the PUBREC leaves, as delivered() does for automatic acks.
        std::error_code error = store->put_inbound(held->packet_id);
        if (!error) error = store->sync();
        if (error) {
          // Without the record a copy resent after our restart would be delivered twice;
          // no PUBREC then, so the broker sends it again (delivered again, never lost).
          events.emplace_back(ErrorOccurred{error, {}});
          continue;
        }
      }
      inbound_qos2.insert(held->packet_id);
    }
    send(codec::Pubrec{held->packet_id, held->reason, props}, now);
  }
}

}  // namespace portmqtt::session
