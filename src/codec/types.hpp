// Basic vocabulary of the MQTT wire format shared by every packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace portmqtt::codec {

/// A read-only view of bytes. Decoded packets borrow from the input through these views.
using ByteView = std::span<const std::uint8_t>;

/// The protocol level byte of CONNECT. MQTT 3.1 uses the protocol name "MQIsdp".
enum class ProtocolVersion : std::uint8_t { v3_1 = 3, v3_1_1 = 4, v5 = 5 };

enum class QoS : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

/// Control packet types (high nibble of the first byte).
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
  auth = 15,  // MQTT 5 only
};

/// Largest Remaining Length a four-byte variable byte integer can hold.
inline constexpr std::uint32_t kMaxRemainingLength = 268'435'455;
/// Largest whole packet: one type byte, four length bytes, kMaxRemainingLength.
inline constexpr std::uint32_t kMaxPacketSize = kMaxRemainingLength + 5;

/// Retain Handling subscription option (MQTT 5 §3.8.3.1).
enum class RetainHandling : std::uint8_t {
  send_on_subscribe = 0,
  send_if_new_subscription = 1,
  do_not_send = 2,
};

}  // namespace portmqtt::codec
