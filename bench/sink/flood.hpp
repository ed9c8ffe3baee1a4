// The sink's sending side: after a client subscribes, it is flooded with PUBLISH packets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace portmqtt::bench {

/// What to send to every client that subscribes; disabled when `qos` is negative.
struct FloodConfig {
  int qos = -1;              ///< QoS of the flood, or -1 for no flood
  std::uint64_t count = 0;   ///< PUBLISH packets per subscribing client
  std::size_t payload = 16;  ///< payload bytes per PUBLISH
  std::string topic;         ///< topic name; empty: the first filter without wildcards
};

/// The flood to one client: an encoded PUBLISH template, packet ids and the in-flight window.
class Flood {
 public:
  /// Prepares `count` PUBLISH of `payload` bytes on `topic` at `qos` (0..2) for a client that
  /// speaks protocol `level`, with at most `window` QoS 1/2 messages unacknowledged.
  Flood(int qos, std::uint64_t count, std::size_t payload, const std::string& topic,
        std::uint8_t level, std::uint32_t window);

  /// Appends encoded PUBLISH packets to `out` until `out` holds `budget` bytes, the window is
  /// full or all have been sent. Returns how many were appended.
  std::uint64_t fill(std::vector<std::uint8_t>& out, std::size_t budget);

  /// True while more PUBLISH can be sent now (not finished, window open).
  bool can_send() const;

  /// The client sent PUBACK (QoS 1). Returns false for an id we are not waiting on.
  bool on_puback(std::uint16_t id);

  /// The client sent PUBREC (QoS 2). Returns false for an id we are not waiting on.
  /// `failed` (a v5 reason code >= 0x80) ends the exchange; otherwise a PUBREL must follow.
  bool on_pubrec(std::uint16_t id, bool failed);

  /// The client sent PUBCOMP (QoS 2). Returns false for an id we are not waiting on.
  bool on_pubcomp(std::uint16_t id);

  /// True once every PUBLISH was written (QoS 0) or acknowledged (QoS 1/2).
  bool done() const;

  /// PUBLISH packets encoded so far.
  std::uint64_t sent() const { return sent_; }

  /// Exchanges completed by the client (QoS 1/2).
  std::uint64_t completed() const { return completed_; }

 private:
  bool release(std::uint16_t id);
  bool next_id_free() const { return !in_use_[next_id_]; }

  int qos_;
  std::uint64_t count_;
  std::uint32_t window_;
  std::vector<std::uint8_t> packet_;  // one encoded PUBLISH; the id is patched per copy
  std::size_t id_offset_ = 0;         // where the packet id sits inside packet_
  std::vector<bool> in_use_;          // by packet id, for QoS 1/2
  std::uint16_t next_id_ = 1;
  std::uint32_t in_flight_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t completed_ = 0;
};

}  // namespace portmqtt::bench
