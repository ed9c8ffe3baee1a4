// What happens to queued messages between connections: resending after a reconnect (§4.4),
// the lost-session policy, expiry, resuming records from a store, and re-encoding records when
// the protocol version or the broker's limits change.
#include <algorithm>

#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {

using codec::PacketType;
using codec::QoS;

constexpr std::uint8_t kDupFlag = 0x08;

}  // namespace

void Session::Impl::resume_outbox(bool session_present, TimePoint now) {
  quota.reset(std::min(server.receive_maximum, config->max_inflight));
  outbox.for_each([&](OutboxEntry& entry) {
    if (!entry.ever_sent) return;
    if (session_present) {
      if (entry.type == PacketType::publish) set_dup(entry, true);
    } else if (entry.type == PacketType::pubrel) {
      // The broker had acknowledged receipt with PUBREC, but its session is gone: whether the
      // message reached subscribers nobody can tell, and there is nothing left to release.
      events.emplace_back(MessageExpired{entry.packet_id, PacketType::publish,
                                         DropReason::outcome_unknown, entry.sequence});
      ids.release(entry.packet_id);
      outbox.erase(entry);
    } else if (config->lost_session_policy == LostSessionPolicy::discard) {
      events.emplace_back(MessageExpired{entry.packet_id, PacketType::publish,
                                         DropReason::session_lost, entry.sequence});
      ids.release(entry.packet_id);
      outbox.erase(entry);
    } else {
      // resend_as_new: the broker never saw this message as far as it knows.
      set_dup(entry, false);
      entry.ever_sent = false;
    }
  });
  outbox.set_unsent_hint(0);
  send_pending(now, /*every_pubrel=*/true);
}

void Session::Impl::set_dup(OutboxEntry& entry, bool dup) {
  if (entry.type != PacketType::publish || entry.qos == QoS::at_most_once) return;
  if (!entry.bytes || entry.bytes->empty()) return;
  const std::uint8_t first = entry.bytes->data()[0];
  if (((first & kDupFlag) != 0) == dup) return;
  // A copy, not an edit: a batch the runtime is still writing may point at the old bytes.
  auto copy = std::make_shared<codec::Buffer>(*entry.bytes);
  copy->data()[0] = static_cast<std::uint8_t>(dup ? first | kDupFlag : first & ~kDupFlag);
  outbox.replace(entry, PacketType::publish, std::move(copy));
}

bool Session::Impl::expirable(const OutboxEntry& entry) const {
  // In flight on this connection: the ack is on its way. A QoS 2 message the broker may have
  // seen keeps its id until PUBCOMP, or a new message reusing the id could be taken for a
  // duplicate and dropped by the broker.
  return entry.type == PacketType::publish && !entry.sent &&
         !(entry.qos == QoS::exactly_once && entry.ever_sent);
}

void Session::Impl::expire(TimePoint now) {
  if (config->outbox_expiry <= Duration{0}) return;
  // Entries are in queue order, so `created` only grows along the scan.
  outbox.for_each_from(outbox.unsent_hint(), [&](OutboxEntry& entry) {
    if (!expirable(entry)) return true;
    if (now - entry.created < config->outbox_expiry) return false;
    events.emplace_back(
        MessageExpired{entry.packet_id, PacketType::publish, DropReason::expired, entry.sequence});
    if (entry.packet_id != 0) ids.release(entry.packet_id);
    outbox.erase(entry);
    return true;
  });
}

std::optional<TimePoint> Session::Impl::expiry_deadline() const {
  if (config->outbox_expiry <= Duration{0} || loaded_unstamped) return std::nullopt;
  std::optional<TimePoint> deadline;
  outbox.for_each_from(outbox.unsent_hint(), [&](const OutboxEntry& entry) {
    if (!expirable(entry)) return true;
    deadline = entry.created + config->outbox_expiry;
    return false;
  });
  return deadline;
}

void Session::Impl::load_store() {
  if (Store* store = outbox.store()) {
    for (std::uint16_t id : store->load_inbound())
      inbound_qos2.insert(id);
  }
  for (auto& record : outbox.load_stored()) {
    OutboxEntry entry;
    entry.store_key = record.sequence;
    entry.bytes = record.bytes;
    bool usable = false;
    if (record.bytes) {
      codec::DecodeResult decoded = codec::decode(record.bytes->view(), version);
      usable =
          decoded.status == codec::DecodeStatus::packet && decoded.size == record.bytes->size();
      if (usable && std::holds_alternative<codec::Publish>(decoded.packet)) {
        const auto& publish = std::get<codec::Publish>(decoded.packet);
        entry.type = PacketType::publish;
        entry.qos = publish.qos;
        // A record stored without a packet id never went in flight; its id is a placeholder.
        entry.packet_id = record.packet_id == 0 ? 0 : publish.packet_id;
        if (auto alias = publish.props.number(codec::PropertyId::topic_alias)) {
          entry.topic_alias = static_cast<std::uint16_t>(*alias);
        }
        // Whether it went out before the process ended is unknown: assume it did, so it is
        // resent with DUP and a QoS 2 id is not given up early.
        entry.ever_sent = publish.qos != QoS::at_most_once && entry.packet_id != 0;
      } else if (usable && std::holds_alternative<codec::Pubrel>(decoded.packet)) {
        entry.type = PacketType::pubrel;
        entry.qos = QoS::exactly_once;
        entry.packet_id = std::get<codec::Pubrel>(decoded.packet).packet_id;
        entry.ever_sent = true;
      } else {
        usable = false;
      }
    }
    if (usable && entry.packet_id != 0 && !ids.reserve(entry.packet_id)) usable = false;
    if (!usable) {
      outbox.forget_stored(record.sequence);
      continue;
    }
    outbox.adopt(std::move(entry));
    loaded_unstamped = true;
  }
}

void Session::Impl::stamp_loaded(TimePoint now) {
  // Nothing but resumed records can exist before the first call that brings a `now`.
  outbox.for_each([&](OutboxEntry& entry) { entry.created = now; });
  loaded_unstamped = false;
}

void Session::Impl::reencode_outbox(codec::ProtocolVersion from) {
  outbox.for_each([&](OutboxEntry& entry) {
    if (!entry.bytes) return;  // a PUBREL encoded when sent, in the version of that moment
    auto bytes = std::make_shared<codec::Buffer>();
    codec::DecodeResult decoded = codec::decode(entry.bytes->view(), from);
    std::error_code error = make_error_code(errc::malformed_packet);
    if (decoded.status == codec::DecodeStatus::packet) {
      error = codec::encode(decoded.packet, version, *bytes);
    }
    if (error) {
      events.emplace_back(MessageExpired{entry.packet_id, PacketType::publish,
                                         DropReason::not_deliverable, entry.sequence});
      if (entry.packet_id != 0) ids.release(entry.packet_id);
      outbox.erase(entry);
      return;
    }
    if (!is_v5()) entry.topic_alias = 0;
    outbox.replace(entry, entry.type, std::move(bytes));
  });
}

bool Session::Impl::strip_topic_alias(OutboxEntry& entry) {
  codec::DecodeResult decoded = codec::decode(entry.bytes->view(), version);
  if (decoded.status != codec::DecodeStatus::packet ||
      !std::holds_alternative<codec::Publish>(decoded.packet)) {
    return false;
  }
  codec::Publish publish = std::get<codec::Publish>(decoded.packet);
  codec::Properties kept;
  for (const auto& property : publish.props) {
    if (property.id != codec::PropertyId::topic_alias) kept.push_back(property);
  }
  publish.props = kept;
  auto bytes = std::make_shared<codec::Buffer>();
  if (codec::encode(publish, version, *bytes)) return false;
  outbox.replace(entry, PacketType::publish, std::move(bytes));
  entry.topic_alias = 0;
  return true;
}

}  // namespace portmqtt::session
