// Walking an MQTT 5 property list, enough for the sink to find Receive Maximum in CONNECT.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wire.hpp"

namespace portmqtt::bench::wire {

/// Returns the size of the value of property `id` starting at `in[0..size)`, or 0 when the
/// id is unknown or the value does not fit (both malformed for the sink).
inline std::size_t property_value_size(std::uint8_t id, const std::uint8_t* in, std::size_t size) {
  auto fixed = [size](std::size_t n) { return n <= size ? n : 0; };
  auto prefixed = [in, size]() -> std::size_t {  // Two Byte length + data
    if (size < 2) return 0;
    const std::size_t n = 2 + get_u16(in);
    return n <= size ? n : 0;
  };
  switch (id) {
    case 0x01:
    case 0x17:
    case 0x19:
    case 0x24:
    case 0x25:
    case 0x28:
    case 0x29:
    case 0x2A:
      return fixed(1);
    case 0x13:
    case 0x21:
    case 0x22:
    case 0x23:
      return fixed(2);
    case 0x02:
    case 0x11:
    case 0x18:
    case 0x27:
      return fixed(4);
    case 0x0B: {
      std::uint32_t value = 0;
      std::size_t used = 0;
      return decode_varint(in, size, value, used) == Parse::ok ? used : 0;
    }
    case 0x03:
    case 0x08:
    case 0x09:
    case 0x12:
    case 0x15:
    case 0x16:
    case 0x1A:
    case 0x1C:
    case 0x1F:
      return prefixed();
    case 0x26: {  // User Property: a string pair
      const std::size_t key = prefixed();
      if (key == 0) return 0;
      const std::size_t rest = size - key;
      if (rest < 2) return 0;
      const std::size_t value = 2 + get_u16(in + key);
      return value <= rest ? key + value : 0;
    }
    default:
      return 0;
  }
}

/// Reads Receive Maximum (0x21) from the property bytes `in[0..size)` into `value`, leaving
/// it untouched when absent. Returns false when the list is malformed or the value is 0.
inline bool find_receive_maximum(const std::uint8_t* in, std::size_t size, std::uint32_t& value) {
  std::size_t pos = 0;
  while (pos < size) {
    const std::uint8_t id = in[pos++];
    const std::size_t n = property_value_size(id, in + pos, size - pos);
    if (n == 0) return false;
    if (id == 0x21) {
      value = get_u16(in + pos);
      if (value == 0) return false;  // a protocol error (MQTT 5 §3.1.2.11.3)
    }
    pos += n;
  }
  return true;
}

}  // namespace portmqtt::bench::wire
