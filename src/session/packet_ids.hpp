// Packet identifiers we allocate (PUBLISH QoS>0, SUBSCRIBE, UNSUBSCRIBE) and the send quota
// of MQTT 5 flow control (§4.9): how many QoS>0 PUBLISHes may be unacknowledged at once.
#pragma once

#include <cstddef>
#include <cstdint>

#include "session/id_table.hpp"

namespace portmqtt::session {

/// Hands out identifiers 1..65535 that are not in use. An id stays in use from allocate() (or
/// reserve()) until release(), so an id in flight is never handed out twice. Allocation walks
/// forward from the last id given, so a just-released id is reused as late as possible.
class PacketIds {
 public:
  /// A free id, now marked in use; 0 when all 65535 are in use.
  std::uint16_t allocate();
  /// Marks a known id in use (records resumed from a store). False if it already was.
  bool reserve(std::uint16_t id);
  void release(std::uint16_t id);
  bool in_use(std::uint16_t id) const;
  std::size_t count() const { return used_.size(); }
  void clear() { used_.clear(); }
  /// Gives the table's memory back when no id is in use (see IdTable::release_if_empty).
  void release_if_empty() { used_.release_if_empty(); }

 private:
  IdSet used_;  // no per-session 8 KiB bitmap; nothing at all while idle
  std::uint16_t last_ = 0;
};

/// The in-flight window: at most `limit` QoS 1/2 PUBLISHes unacknowledged (PUBREL stage
/// included, since the message is only complete at PUBCOMP).
class SendQuota {
 public:
  void reset(std::uint16_t limit) {
    limit_ = limit;
    in_flight_ = 0;
  }
  bool available() const { return in_flight_ < limit_; }
  void take() { ++in_flight_; }
  void give_back() {
    if (in_flight_ > 0) --in_flight_;
  }
  std::size_t in_flight() const { return in_flight_; }
  std::uint16_t limit() const { return limit_; }

 private:
  std::uint16_t limit_ = 65535;
  std::size_t in_flight_ = 0;
};

}  // namespace portmqtt::session
