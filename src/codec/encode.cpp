// encode() and encoded_size() for the Packet variant. Callers that know the packet type call
// the per-type overloads directly and skip the variant dispatch.
#include <variant>

#include "codec/codec.hpp"
#include "codec/encoder.hpp"

namespace portmqtt::codec {

std::error_code encode(const Packet& packet, ProtocolVersion version, Buffer& out) {
  return std::visit([&](const auto& p) { return encode(p, version, out); }, packet);
}

std::size_t encoded_size(const Packet& packet, ProtocolVersion version) {
  return std::visit(
      [&](const auto& p) -> std::size_t {
        const detail::PacketSize size = detail::measure(p, version);
        return size.ok() ? detail::packet_size(size.remaining) : 0;
      },
      packet);
}

}  // namespace portmqtt::codec
