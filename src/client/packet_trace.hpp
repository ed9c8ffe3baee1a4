// Config::packet_trace on the loop: decodes what the runtime wrote or read a second time and
// reports each packet. Only touched on the client's strand.
#pragma once

#include <span>

#include "codec/types.hpp"
#include "portmqtt/config.hpp"

namespace portmqtt::detail {

class PacketTracer {
 public:
  /// Takes the handler and protocol version of a new connection attempt.
  void configure(const Config& config);
  bool enabled() const noexcept { return static_cast<bool>(handler_); }

  /// Whole packets read from the connection (what the session consumed).
  void received(codec::ByteView bytes) const;
  /// Whole packets written in one gather write.
  void sent(std::span<const codec::ByteView> buffers) const;

 private:
  void report(codec::ByteView bytes, PacketDirection direction) const;

  PacketTraceHandler handler_;
  codec::ProtocolVersion version_ = codec::ProtocolVersion::v3_1_1;
};

}  // namespace portmqtt::detail
