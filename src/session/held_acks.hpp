// Inbound QoS 1/2 messages whose PUBACK/PUBREC waits for the application (Config::manual_ack).
//
// MQTT requires PUBACK and PUBREC in the order the PUBLISHes arrived (3.1.1 §4.6, 5.0 §4.6),
// so an acknowledgement the application gives early is held until every message received
// before it is acknowledged too; release() marks, take_released() hands out the front run.
// Each held message has an ack id that is never reused for the life of the session, so an id
// from a connection that has ended is recognised as stale instead of acknowledging a
// different message that came with the same packet id.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "codec/properties.hpp"
#include "codec/reason_codes.hpp"
#include "codec/types.hpp"

namespace portmqtt::session {

struct HeldAck {
  std::uint64_t ack_id = 0;
  std::uint16_t packet_id = 0;
  codec::QoS qos = codec::QoS::at_least_once;
  bool released = false;
  codec::ReasonCode reason = codec::ReasonCode::success;
  codec::OwnedProperties props;
};

class HeldAcks {
 public:
  /// Holds the acknowledgement of a message just received; returns its ack id (never 0).
  std::uint64_t hold(std::uint16_t packet_id, codec::QoS qos) {
    if (!queue_) queue_ = std::make_unique<std::deque<HeldAck>>();
    queue_->push_back(HeldAck{next_id_, packet_id, qos, false, {}, {}});
    return next_id_++;
  }
  /// Whether a message with this packet id waits for the application.
  bool holds(std::uint16_t packet_id) const {
    if (!queue_) return false;
    for (const HeldAck& held : *queue_)
      if (held.packet_id == packet_id) return true;
    return false;
  }
  /// Marks `ack_id` acknowledged with `reason` and `props`. False when it is not held (never
  /// given, already released, or from an earlier connection).
  bool release(std::uint64_t ack_id, codec::ReasonCode reason, codec::OwnedProperties props) {
    // Ids increase along the queue: a binary search would do, but the queue is bounded by our
    // Receive Maximum and usually short.
    if (!queue_) return false;
    for (HeldAck& held : *queue_) {
      if (held.ack_id != ack_id) continue;
      if (held.released) return false;
      held.released = true;
      held.reason = reason;
      held.props = std::move(props);
      return true;
    }
    return false;
  }
  /// The oldest held message when the application has acknowledged it, removed; nothing when
  /// the queue is empty or its front still waits.
  std::optional<HeldAck> take_released() {
    if (!queue_ || queue_->empty() || !queue_->front().released) return std::nullopt;
    HeldAck front = std::move(queue_->front());
    queue_->pop_front();
    return front;
  }
  /// The connection ended: the broker sends every held message again (DUP), and the ids
  /// handed out so far become stale.
  void clear() {
    if (queue_) queue_->clear();
  }
  std::size_t size() const { return queue_ ? queue_->size() : 0; }

 private:
  // Made on the first hold: an empty std::deque already allocates about 600 bytes, which
  // every client without manual acknowledgement would pay for nothing.
  std::unique_ptr<std::deque<HeldAck>> queue_;
  std::uint64_t next_id_ = 1;
};

}  // namespace portmqtt::session
