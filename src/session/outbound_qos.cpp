// Sender flows (§4.3): publish(), the in-flight window, PUBACK / PUBREC -> PUBREL -> PUBCOMP,
// and MQTT 3.x retransmission on a live connection.
#include <algorithm>

#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {

using codec::PacketType;
using codec::QoS;

std::uint16_t topic_alias_of(const codec::Publish& message) {
  auto alias = message.props.number(codec::PropertyId::topic_alias);
  return alias ? static_cast<std::uint16_t>(std::min<std::uint32_t>(*alias, 65535)) : 0;
}

}  // namespace

std::error_code Session::Impl::check_publish_properties(const codec::Publish& message,
                                                        std::string_view& topic) {
  if (!is_v5()) return make_error_code(errc::not_supported_by_version);
  // Subscription Identifiers travel only from the broker to us (§3.3.4).
  if (message.props.find(codec::PropertyId::subscription_identifier)) {
    return make_error_code(errc::invalid_argument);
  }
  if (const auto* alias = message.props.find(codec::PropertyId::topic_alias)) {
    if (alias->number == 0 || alias->number > server.topic_alias_maximum) {
      return make_error_code(errc::topic_alias_invalid);
    }
    if (topic.empty()) {
      auto known = aliases_out.lookup(static_cast<std::uint16_t>(alias->number));
      if (!known || !is_live(state)) return make_error_code(errc::topic_alias_invalid);
      topic = *known;
    }
  }
  return {};
}

std::error_code Session::Impl::check_publish(const codec::Publish& message,
                                             std::string_view& topic) {
  if (static_cast<std::uint8_t>(message.qos) > 2) return make_error_code(errc::invalid_qos);
  // Most messages carry no properties: two searches of an empty list are skipped.
  if (!message.props.empty()) {
    if (auto error = check_publish_properties(message, topic)) return error;
  }
  // Publishers mostly repeat one topic: a topic equal to the last one accepted needs no
  // second UTF-8 scan (a compare is a fraction of its cost).
  if (topic.empty() || topic != last_valid_topic) {
    if (codec::check_topic_name(topic)) return make_error_code(errc::invalid_topic);
    last_valid_topic.assign(topic);
  }
  if (message.qos > server.maximum_qos) return make_error_code(errc::invalid_qos);
  if (message.retain && !server.retain_available) {
    return make_error_code(errc::retain_not_available);
  }
  return {};
}

std::error_code Session::Impl::check_outbox_room(std::size_t payload_size) const {
  if (config->outbox_limit_messages != 0 && outbox.messages() >= config->outbox_limit_messages) {
    return make_error_code(errc::outbox_full);
  }
  // ESP-MQTT's rule: the payload about to be added plus what the outbox already holds.
  if (config->outbox_limit_bytes != 0 &&
      payload_size + outbox.bytes() > config->outbox_limit_bytes) {
    return make_error_code(errc::outbox_full);
  }
  return {};
}

std::error_code Session::Impl::send_qos0(const codec::Publish& message, std::string_view topic,
                                         TimePoint now, bool automatic_alias) {
  const std::uint16_t alias = is_v5() ? topic_alias_of(message) : 0;
  OutboundAliases::Choice automatic;
  if (alias == 0 && automatic_alias && aliases_out.automatic()) {
    automatic = aliases_out.choose(topic);
  }
  // The message as given is what goes out when nothing about it changes: encode it as it is.
  const bool as_given = alias == 0 && automatic.alias == 0 &&
                        topic.data() == message.topic.data() && !message.dup &&
                        message.packet_id == 0 && message.qos == QoS::at_most_once;
  if (!as_given) {
    // Field by field into a reused packet: its property vector keeps its capacity, so the
    // hot path allocates nothing. Made on first use: most publishers never need it.
    if (!outgoing) outgoing = std::make_unique<codec::Publish>();
    codec::Publish& packet = *outgoing;
    packet.topic = alias != 0 ? aliases_out.topic_to_send(alias, topic) : topic;
    if (automatic.known) packet.topic = {};
    packet.payload = message.payload;
    packet.qos = QoS::at_most_once;
    packet.retain = message.retain;
    packet.dup = false;
    packet.packet_id = 0;
    packet.props = message.props;
    if (automatic.alias != 0) packet.props.add(codec::PropertyId::topic_alias, automatic.alias);
  }
  codec::Buffer& buffer = output.scratch();
  const std::size_t before = buffer.size();
  std::error_code error = codec::encode(as_given ? message : *outgoing, version, buffer);
  if (!error && buffer.size() - before > server.maximum_packet_size) {
    error = make_error_code(errc::packet_too_large);
  }
  if (error) {
    output.rollback_scratch();
    if (alias != 0) aliases_out.forget(alias);  // the broker never saw the mapping
    // The 3 bytes of an automatic alias must not be what makes a message too large.
    if (automatic.alias != 0) return send_qos0(message, topic, now, false);
    return error;
  }
  output.commit_scratch();
  if (alias != 0) aliases_out.remember(alias, topic);
  if (automatic.known) {
    aliases_out.touch(automatic.alias);
  } else if (automatic.alias != 0) {
    aliases_out.define(automatic.alias, topic, true);
  }
  keepalive.on_sent(now);
  return {};
}

CommandResult Session::Impl::publish(const codec::Publish& message, TimePoint now,
                                     PublishOptions options) {
  begin_input(now);
  std::string_view topic = message.topic;
  if (auto error = check_publish(message, topic)) return {0, error};
  const bool online = is_live(state);
  if (message.qos == QoS::at_most_once) {
    if (online) return {0, send_qos0(message, topic, now)};
    if (!options.store_qos0_when_offline) return {0, make_error_code(errc::not_connected)};
  }
  if (auto error = check_outbox_room(message.payload.size())) return {0, error};
  // Nothing waits ahead of it and the window has room: send_pending() would send this very
  // entry and nothing else, so it is sent directly below.
  const bool direct = message.qos != QoS::at_most_once && goes_out_now(online);
  std::uint16_t id = 0;
  if (message.qos != QoS::at_most_once && config->packet_id_on_accept) {
    id = ids.allocate();
    if (id == 0) return {0, make_error_code(errc::no_free_packet_id)};
  } else if (direct) {
    // send_pending() would bind the next free id to this very entry: take it now and encode
    // it in place, instead of patching the bytes and indexing the entry twice. With no id
    // free the message waits for one, as it would there.
    id = ids.allocate();
  }
  // Encoded once, here: the record's bytes are what every (re)send puts on the wire. The full
  // topic always goes with an alias, so the record stays valid on any later connection. A
  // message that waits for its packet id carries a placeholder, overwritten when it is bound.
  codec::Publish packet = message;
  packet.topic = topic;
  packet.packet_id = message.qos == QoS::at_most_once ? 0 : (id != 0 ? id : 1);
  packet.dup = false;
  std::shared_ptr<codec::Buffer> bytes = outbox.fresh_buffer();
  std::error_code error = codec::encode(packet, version, *bytes);
  if (!error && bytes->size() > server.maximum_packet_size) {
    error = make_error_code(errc::packet_too_large);
  }
  if (error) {
    if (id != 0) ids.release(id);
    return {0, error};
  }
  OutboxEntry entry;
  entry.packet_id = id;
  entry.type = PacketType::publish;
  entry.qos = message.qos;
  entry.topic_alias = is_v5() ? topic_alias_of(message) : 0;
  entry.bytes = std::move(bytes);
  entry.created = now;
  // With a durable store the message is accepted only once the store has it.
  std::error_code stored;
  OutboxEntry* accepted = outbox.try_add(std::move(entry), stored);
  if (accepted == nullptr) {
    if (id != 0) ids.release(id);
    return {0, stored};
  }
  const std::uint64_t handle = accepted->sequence;
  if (const std::uint16_t alias = is_v5() ? topic_alias_of(message) : 0; alias != 0) {
    aliases_out.remember(alias, topic);
  }
  if (direct && id != 0) {
    // What send_pending() does for a lone unsent entry that has its id, without the walk.
    send_entry(*accepted, now);
    outbox.set_unsent_hint(outbox.end_sequence());
    return {id, {}, handle};
  }
  if (online) send_pending(now);
  if (id == 0) {
    if (const OutboxEntry* added = outbox.at(handle)) id = added->packet_id;
  }
  return {id, {}, handle};
}

bool Session::Impl::goes_out_now(bool online) const {
  // Nothing unsent waits ahead of a new entry and the window has room; a durable store binds
  // in send_pending(), which makes the id durable (Store::sync) before the PUBLISH leaves.
  return online && !outbox.durable() && outbox.unsent_hint() >= outbox.end_sequence() &&
         quota.available();
}

void Session::Impl::send_pending(TimePoint now, bool every_pubrel) {
  if (!is_live(state)) return;
  // Nothing at or after the hint: every entry was sent. The common case after an ack; the
  // hint stays valid, as later entries get higher sequences.
  if (outbox.unsent_hint() >= outbox.end_sequence()) return;
  std::optional<std::uint64_t> first_waiting;  // set: the window is full from here on
  // A durable store learns a QoS 2 message's new packet id before the PUBLISH can reach the
  // broker (Store::sync): one sync for the whole pass, after the binds, before the runtime
  // takes the bytes.
  bool bound_qos2 = false;
  outbox.for_each_from(outbox.unsent_hint(), [&](OutboxEntry& entry) {
    if (entry.sent) return true;
    if (entry.type == PacketType::pubrel) {
      send_entry(entry, now);  // the broker holds the message already: no quota check
    } else if (first_waiting || (entry.uses_quota() && !quota.available()) ||
               !bind_packet_id(entry, bound_qos2)) {
      // Order is kept: nothing overtakes a message waiting for the window (or for an id).
      if (!first_waiting) first_waiting = entry.sequence;
      return every_pubrel;
    } else {
      send_entry(entry, now);
    }
    return true;
  });
  if (bound_qos2) outbox.sync_store();
  outbox.set_unsent_hint(first_waiting ? *first_waiting : outbox.end_sequence());
}

bool Session::Impl::bind_packet_id(OutboxEntry& entry, bool& bound_qos2) {
  if (entry.packet_id != 0 || !entry.uses_quota()) return true;
  const std::uint16_t id = ids.allocate();
  if (id == 0) return false;  // every id in flight: the next ack frees one
  outbox.bind_packet_id(entry, id);
  if (entry.qos == QoS::exactly_once) bound_qos2 = true;
  return true;
}

void Session::Impl::send_entry(OutboxEntry& entry, TimePoint now) {
  if (entry.type == PacketType::publish && !fits_this_broker(entry)) {
    events.emplace_back(MessageExpired{entry.packet_id, PacketType::publish,
                                       DropReason::not_deliverable, entry.sequence});
    if (entry.packet_id != 0) ids.release(entry.packet_id);
    outbox.erase(entry);
    return;
  }
  if (entry.type == PacketType::publish && is_v5() &&
      (entry.topic_alias != 0 || aliases_out.automatic())) {
    send_publish_aliased(entry, now);
  } else {
    send_record(entry, now);
  }
  entry.sent = true;
  entry.ever_sent = true;
  entry.last_sent = now;
  if (!entry.uses_quota()) {
    events.acknowledge({entry.sequence, 0, QoS::at_most_once, codec::ReasonCode::success});
    outbox.erase(entry);  // a stored QoS 0 message is done
    return;
  }
  quota.take();
  if (!is_v5() && config->retransmit_interval > Duration{0}) {
    const TimePoint due = now + config->retransmit_interval;
    if (!retransmit_due || due < *retransmit_due) retransmit_due = due;
  }
}

void Session::Impl::send_record(const OutboxEntry& entry, TimePoint now) {
  if (entry.bytes) return send_shared(entry.bytes, now);
  // A PUBREL kept without bytes (nothing is stored): its four bytes come from the id.
  (void)send(codec::Pubrel{entry.packet_id, codec::ReasonCode::success, {}}, now);
}

bool Session::Impl::fits_this_broker(OutboxEntry& entry) {
  // Queued for an earlier connection, the message may break this broker's limits; those it
  // cannot be adapted to make it undeliverable, like an expired one.
  if (entry.topic_alias > aliases_out.maximum() && !strip_topic_alias(entry)) return false;
  return entry.qos <= server.maximum_qos && entry.bytes->size() <= server.maximum_packet_size;
}

void Session::Impl::complete(OutboxEntry& entry, codec::ReasonCode reason,
                             const codec::Properties& props, TimePoint now, bool downgraded) {
  if (props.empty()) {
    events.acknowledge({entry.sequence, entry.packet_id, entry.qos, reason, downgraded});
  } else {
    events.emplace_back(
        PublishCompleted{entry.packet_id, entry.qos, reason, props, downgraded, entry.sequence});
  }
  last_ack_rtt = now - entry.last_sent;
  ++acks_taken;
  quota.give_back();
  ids.release(entry.packet_id);
  outbox.erase(entry);
  // The common case after an ack: every entry went out already (see send_pending()).
  if (outbox.unsent_hint() < outbox.end_sequence()) send_pending(now);
}

bool Session::Impl::stray_ack(PacketType type, std::uint16_t packet_id, codec::ReasonCode reason,
                              TimePoint now) {
  if (abandoned.contains(packet_id)) {
    // Dropped by clear_outbox() while in flight: finish the broker's side of the exchange.
    if (type == PacketType::pubrec && !codec::is_failure(reason)) {
      send(codec::Pubrel{packet_id, codec::ReasonCode::success, {}}, now);
      return true;
    }
    abandoned.erase(packet_id);
    ids.release(packet_id);
    quota.give_back();
    return true;
  }
  // MQTT 3.x retransmission makes the broker ack some messages twice.
  if (!is_v5() && config->retransmit_interval > Duration{0}) return true;
  violation(errc::unknown_packet_id, codec::ReasonCode::protocol_error, now,
            "acknowledgement for a packet id not in flight (§4.3)");
  return false;
}

void Session::Impl::on_puback(codec::Puback& puback, TimePoint now) {
  // A failure code ends the message as refused: completed with that code, never resent. The
  // codec lets through the failure codes §2.4 does not list for PUBACK (mosquitto's 0x95).
  OutboxEntry* entry = outbox.find(puback.packet_id);
  if (!entry || !entry->sent) {
    stray_ack(PacketType::puback, puback.packet_id, puback.reason, now);
  } else if (entry->type != PacketType::publish) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "PUBACK for a QoS 2 message already in its PUBREL stage (§4.3.3)");
  } else {
    // RabbitMQ 3.x takes a QoS 2 PUBLISH as QoS 1 and answers PUBACK: the broker has the
    // message, once or more, and no PUBREL can follow. Completed as downgraded.
    const bool downgraded = entry->qos == QoS::exactly_once;
    complete(*entry, puback.reason, puback.props, now, downgraded);
  }
}

void Session::Impl::on_pubrec(codec::Pubrec& pubrec, TimePoint now) {
  OutboxEntry* entry = outbox.find(pubrec.packet_id);
  if (!entry || !entry->sent) {
    stray_ack(PacketType::pubrec, pubrec.packet_id, pubrec.reason, now);
    return;
  }
  if (entry->qos != QoS::exactly_once) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "PUBREC for a QoS 1 message (§4.3.2: QoS 1 is answered with PUBACK)");
    return;
  }
  if (entry->type == PacketType::pubrel) {
    send_record(*entry, now);  // a repeated PUBREC (our PUBLISH went out twice)
    return;
  }
  if (codec::is_failure(pubrec.reason)) {  // MQTT 5: the broker refused; the flow ends here
    complete(*entry, pubrec.reason, pubrec.props, now);
    return;
  }
  // Only a durable store needs the PUBREL's bytes; otherwise send_record() encodes them.
  std::shared_ptr<codec::Buffer> bytes;
  if (outbox.durable()) {
    bytes = std::make_shared<codec::Buffer>();
    codec::encode(codec::Pubrel{pubrec.packet_id, codec::ReasonCode::success, {}}, version, *bytes);
  }
  outbox.replace(*entry, PacketType::pubrel, std::move(bytes));
  entry->last_sent = now;
  ++acks_taken;
  send_record(*entry, now);
}

void Session::Impl::on_pubcomp(codec::Pubcomp& pubcomp, TimePoint now) {
  OutboxEntry* entry = outbox.find(pubcomp.packet_id);
  if (!entry || !entry->sent) {
    stray_ack(PacketType::pubcomp, pubcomp.packet_id, pubcomp.reason, now);
  } else if (entry->type != PacketType::pubrel) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "PUBCOMP before PUBREC (§4.3.3: PUBCOMP answers our PUBREL)");
  } else {
    complete(*entry, pubcomp.reason, pubcomp.props, now);
  }
}

void Session::Impl::retransmit(TimePoint now) {
  const Duration interval = config->retransmit_interval;
  if (is_v5() || interval <= Duration{0} || !retransmit_due || now < *retransmit_due) return;
  std::optional<TimePoint> next;
  outbox.for_each([&](OutboxEntry& entry) {
    if (!entry.sent) return;
    if (now - entry.last_sent >= interval) {
      if (entry.type == PacketType::publish) set_dup(entry, true);
      send_record(entry, now);
      entry.last_sent = now;
    }
    const TimePoint due = entry.last_sent + interval;
    if (!next || due < *next) next = due;
  });
  retransmit_due = next;
}

void Session::Impl::clear_outbox() {
  outbox.for_each([&](const OutboxEntry& entry) {
    if (entry.packet_id == 0) return;
    // In flight on this connection: its ack may still come and must not hit a reused id, and
    // the broker still counts it against its Receive Maximum.
    if (entry.sent) {
      abandoned.insert(entry.packet_id);
    } else {
      ids.release(entry.packet_id);
    }
  });
  outbox.clear();
  retransmit_due.reset();
}

}  // namespace portmqtt::session
