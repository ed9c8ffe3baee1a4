#include "flood.hpp"

#include <algorithm>
#include <cstring>

#include "wire.hpp"

namespace portmqtt::bench {

Flood::Flood(int qos, std::uint64_t count, std::size_t payload, const std::string& topic,
             std::uint8_t level, std::uint32_t window)
    : qos_(qos), count_(count), window_(window), in_use_(65536, false) {
  const bool v5 = level == wire::kLevel5;
  const std::size_t remaining =
      2 + topic.size() + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0) + payload;  // topic, id, props, payload
  packet_.resize(1 + 4 + remaining);
  std::size_t pos = 0;
  packet_[pos++] = static_cast<std::uint8_t>(0x30 | (qos << 1));
  pos += wire::encode_varint(static_cast<std::uint32_t>(remaining), packet_.data() + pos);
  wire::put_u16(packet_.data() + pos, static_cast<std::uint16_t>(topic.size()));
  pos += 2;
  std::memcpy(packet_.data() + pos, topic.data(), topic.size());
  pos += topic.size();
  if (qos > 0) {
    id_offset_ = pos;
    pos += 2;
  }
  if (v5) packet_[pos++] = 0;  // property length: no properties
  std::fill_n(packet_.begin() + static_cast<std::ptrdiff_t>(pos), payload, std::uint8_t{'x'});
  packet_.resize(pos + payload);
}

bool Flood::can_send() const {
  if (sent_ >= count_) return false;
  return qos_ == 0 || (in_flight_ < window_ && next_id_free());
}

std::uint64_t Flood::fill(std::vector<std::uint8_t>& out, std::size_t budget) {
  std::uint64_t appended = 0;
  // One packet is always allowed so that payloads larger than the budget still go out.
  while (can_send() && (appended == 0 || out.size() + packet_.size() <= budget)) {
    const std::size_t at = out.size();
    out.insert(out.end(), packet_.begin(), packet_.end());
    if (qos_ > 0) {
      wire::put_u16(out.data() + at + id_offset_, next_id_);
      in_use_[next_id_] = true;
      ++in_flight_;
      next_id_ = static_cast<std::uint16_t>(next_id_ == 65535 ? 1 : next_id_ + 1);
    }
    ++sent_;
    ++appended;
  }
  return appended;
}

bool Flood::release(std::uint16_t id) {
  if (id == 0 || !in_use_[id]) return false;
  in_use_[id] = false;
  --in_flight_;
  ++completed_;
  return true;
}

bool Flood::on_puback(std::uint16_t id) {
  return qos_ == 1 && release(id);
}

bool Flood::on_pubrec(std::uint16_t id, bool failed) {
  if (qos_ != 2 || id == 0 || !in_use_[id]) return false;
  if (failed) release(id);
  return true;
}

bool Flood::on_pubcomp(std::uint16_t id) {
  return qos_ == 2 && release(id);
}

bool Flood::done() const {
  if (qos_ == 0) return sent_ >= count_;
  return completed_ >= count_;
}

}  // namespace portmqtt::bench
