// One client connection of the sink broker, without I/O: bytes in, replies out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "flood.hpp"
#include "wire.hpp"

namespace portmqtt::bench {

/// Counters summed over all connections of one sink.
struct SinkStats {
  std::uint64_t connections = 0;       ///< accepted
  std::uint64_t closed = 0;            ///< closed for any reason
  std::uint64_t malformed = 0;         ///< closed because of a malformed or unexpected packet
  std::uint64_t publishes_in = 0;      ///< PUBLISH received
  std::uint64_t payload_bytes_in = 0;  ///< payload bytes of those PUBLISH
  std::uint64_t bytes_in = 0;          ///< bytes read from sockets
  std::uint64_t bytes_out = 0;         ///< bytes written to sockets
  std::uint64_t flood_out = 0;         ///< PUBLISH sent by floods
  std::uint64_t flood_completed = 0;   ///< flood QoS 1/2 exchanges the clients completed
};

/// Largest non-PUBLISH packet accepted. A sink has no use for bigger SUBSCRIBE/CONNECT packets,
/// and the bound keeps a partial packet small enough to carry between reads.
inline constexpr std::size_t kMaxControlPacket = 64 * 1024;

/// Largest prefix of a packet that may have to wait for the next read: a PUBLISH up to its
/// payload (fixed header, topic up to 65535 bytes, id, property length) or a control packet.
inline constexpr std::size_t kMaxCarry = 5 + kMaxControlPacket + 16;

/// Protocol state of one client. The PUBLISH payload is never buffered: once the variable
/// header is parsed, the payload is counted and skipped, also across reads.
class SinkConnection {
 public:
  /// `flood` is shared configuration; `stats` outlives the connection.
  SinkConnection(const FloodConfig& flood, SinkStats& stats)
      : flood_config_(flood), stats_(stats) {}

  /// Bytes left over from the previous read: an incomplete packet, at most kMaxCarry.
  std::size_t carry_size() const { return carry_.size(); }

  /// Copies the bytes left over from the previous read to the start of `buffer`, where the
  /// next read was placed right after them (at carry_size()).
  void restore_carry(std::uint8_t* buffer);

  /// Consumes `size` bytes (carry included) and appends replies to the output. Returns false
  /// when the connection must be closed (DISCONNECT, malformed or unexpected input).
  bool consume(const std::uint8_t* data, std::size_t size);

  /// Appends flood PUBLISH packets until the output holds `budget` bytes or the flood waits.
  void fill_flood(std::size_t budget);

  /// True when a flood could send more right now.
  bool flood_can_send() const { return flood_ && flood_->can_send(); }

  /// Bytes waiting to be written.
  const std::uint8_t* output() const { return out_.data() + out_head_; }
  /// Number of bytes waiting to be written.
  std::size_t output_size() const { return out_.size() - out_head_; }
  /// Drops the first `n` waiting bytes after they were written.
  void consumed_output(std::size_t n);

 private:
  enum class Step : std::uint8_t { next, need_more, close };

  Step consume_publish(const wire::FixedHeader& h, const std::uint8_t* body, std::size_t avail,
                       std::size_t& used);
  bool handle_control(const wire::FixedHeader& h, const std::uint8_t* body);
  bool handle_connect(const std::uint8_t* body, std::size_t size);
  bool handle_subscribe(const std::uint8_t* body, std::size_t size);
  bool handle_unsubscribe(const std::uint8_t* body, std::size_t size);
  bool handle_flood_ack(const wire::FixedHeader& h, const std::uint8_t* body);
  void start_flood(const std::uint8_t* first_filter, std::size_t filter_size,
                   std::uint8_t granted_qos);
  void append_ack(std::uint8_t first_byte, std::uint16_t id);
  Step malformed();
  bool fail();

  const FloodConfig& flood_config_;
  SinkStats& stats_;
  std::uint8_t level_ = 0;  // protocol level; 0 until CONNECT
  std::uint32_t receive_maximum_ = 65535;
  std::uint64_t skip_ = 0;  // payload bytes of the current PUBLISH still to come
  std::vector<std::uint8_t> carry_;
  std::vector<std::uint8_t> out_;
  std::size_t out_head_ = 0;
  std::unique_ptr<Flood> flood_;
};

}  // namespace portmqtt::bench
