// Output of received messages in libmosquitto's order: a QoS 1 message is printed once its
// PUBACK is written and a QoS 2 message once its PUBCOMP is (libmosquitto hands QoS 2
// messages to the application at PUBREL). A tool that exits after printing therefore never
// leaves an acknowledgement half done.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "portmqtt/event.hpp"
#include "portmqtt/packet_trace.hpp"

namespace portmqtt::tools {

class AckedOutput {
 public:
  /// A message to print: returned at once for QoS 0, held until its acknowledgement
  /// otherwise (a redelivery of the same packet id replaces the held text).
  std::optional<std::string> received(const MessageReceived& message, std::string text) {
    if (message.qos == QoS::at_most_once) return text;
    held_[message.packet_id] = Held{message.qos, std::move(text)};
    return std::nullopt;
  }

  /// What the acknowledgement `packet` (a traced packet) releases, if anything.
  std::optional<std::string> packet(const PacketTrace& packet) {
    if (packet.direction != PacketDirection::sent) return std::nullopt;
    const bool ack = packet.type == PacketType::puback || packet.type == PacketType::pubcomp;
    if (!ack) return std::nullopt;
    const auto it = held_.find(packet.packet_id);
    const QoS wanted = packet.type == PacketType::puback ? QoS::at_least_once : QoS::exactly_once;
    if (it == held_.end() || it->second.qos != wanted) return std::nullopt;
    auto text = std::move(it->second.text);
    held_.erase(it);
    return text;
  }

  /// Messages received but not yet acknowledged.
  bool pending() const { return !held_.empty(); }

 private:
  struct Held {
    QoS qos;
    std::string text;
  };
  std::map<PacketId, Held> held_;
};

}  // namespace portmqtt::tools
