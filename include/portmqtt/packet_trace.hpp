// An opt-in record of every MQTT packet a Client writes and reads, for debugging output such
// as `portmqtt sub -d` ("Client x sending PINGREQ"). Off unless Config::packet_trace is set;
// when off it costs nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "portmqtt/message.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"

namespace portmqtt {

/// The MQTT control packet types, with their wire values.
enum class PacketType : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,
};

/// "CONNECT", "PUBLISH", ... as the specification names the packet.
std::string_view to_string(PacketType type) noexcept;

/// Whether a traced packet went to the broker or came from it.
enum class PacketDirection : std::uint8_t { sent, received };

/// One filter of a traced SUBSCRIBE or UNSUBSCRIBE.
struct TracedFilter {
  std::string_view filter;
  /// SUBSCRIBE: the subscription options byte as sent (QoS in bits 0-1, No Local bit 2,
  /// Retain As Published bit 3, Retain Handling bits 4-5). UNSUBSCRIBE: 0.
  std::uint8_t options = 0;
};

/// A packet, as written to or read from the connection. Fields that the packet type does not
/// carry keep their defaults. Views point into the client's buffers and live only for the
/// duration of the call.
struct PacketTrace {
  PacketDirection direction = PacketDirection::sent;
  PacketType type = PacketType::connect;
  /// PUBLISH (0 for QoS 0), PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE,
  /// UNSUBACK.
  PacketId packet_id = 0;
  QoS qos = QoS::at_most_once;   ///< PUBLISH
  bool retain = false;           ///< PUBLISH
  bool dup = false;              ///< PUBLISH
  std::string_view topic;        ///< PUBLISH (empty when only a Topic Alias names it)
  std::size_t payload_size = 0;  ///< PUBLISH
  /// CONNACK (3.1.1 return codes mapped as in ReasonCode), PUBACK, PUBREC, PUBREL, PUBCOMP,
  /// DISCONNECT and AUTH (MQTT 5; success on 3.x).
  ReasonCode reason = ReasonCode::success;
  bool session_present = false;           ///< CONNACK
  std::span<const TracedFilter> filters;  ///< SUBSCRIBE, UNSUBSCRIBE
  std::span<const ReasonCode> reasons;    ///< SUBACK, UNSUBACK (MQTT 5)
  const Properties& properties;           ///< MQTT 5 properties of the packet; empty on 3.x
};

/// Called on the client's loop thread, outside every lock of the client, once per packet:
/// for a sent packet once the write that carried it completed, for a received one before the
/// events it causes reach the handlers. It must not block; it may call the Client.
using PacketTraceHandler = std::function<void(const PacketTrace&)>;

}  // namespace portmqtt
