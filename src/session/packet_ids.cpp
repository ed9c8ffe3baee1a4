#include "session/packet_ids.hpp"

namespace portmqtt::session {

std::uint16_t PacketIds::allocate() {
  if (used_.size() >= 65535) return 0;
  // Walking forward from the last id given, the next one is free in the normal case, since
  // the oldest ids are acknowledged first.
  std::uint16_t candidate = last_;
  do {
    candidate = candidate == 65535 ? 1 : static_cast<std::uint16_t>(candidate + 1);
  } while (used_.contains(candidate));
  used_.insert_absent(candidate);  // the loop just found it absent
  last_ = candidate;
  return candidate;
}

bool PacketIds::reserve(std::uint16_t id) {
  return used_.insert(id);
}

void PacketIds::release(std::uint16_t id) {
  used_.erase(id);
}

bool PacketIds::in_use(std::uint16_t id) const {
  return used_.contains(id);
}

}  // namespace portmqtt::session
