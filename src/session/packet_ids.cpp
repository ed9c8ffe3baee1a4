#include "session/packet_ids.hpp"

#include <algorithm>

namespace portmqtt::session {

std::uint16_t PacketIds::allocate() {
  if (used_.size() >= 65535) return 0;
  // Ids are handed out walking forward, so the next one is usually above every id in use:
  // append it without a search.
  if (last_ != 65535 && (used_.empty() || used_.back() <= last_)) {
    last_ = static_cast<std::uint16_t>(last_ + 1);
    used_.push_back(last_);
    return last_;
  }
  std::uint16_t candidate = last_;
  for (;;) {
    candidate = candidate == 65535 ? 1 : static_cast<std::uint16_t>(candidate + 1);
    auto at = std::lower_bound(used_.begin(), used_.end(), candidate);
    if (at == used_.end() || *at != candidate) {
      used_.insert(at, candidate);
      last_ = candidate;
      return candidate;
    }
  }
}

bool PacketIds::reserve(std::uint16_t id) {
  if (id == 0) return false;
  auto at = std::lower_bound(used_.begin(), used_.end(), id);
  if (at != used_.end() && *at == id) return false;
  used_.insert(at, id);
  return true;
}

void PacketIds::release(std::uint16_t id) {
  auto at = std::lower_bound(used_.begin(), used_.end(), id);
  if (at != used_.end() && *at == id) used_.erase(at);
}

bool PacketIds::in_use(std::uint16_t id) const {
  return std::binary_search(used_.begin(), used_.end(), id);
}

void PacketIds::clear() {
  used_.clear();
}

}  // namespace portmqtt::session
