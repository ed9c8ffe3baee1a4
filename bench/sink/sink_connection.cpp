#include "sink_connection.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "v5_properties.hpp"

namespace portmqtt::bench {

using wire::PacketType;
using wire::Parse;

namespace {

/// Locates the MQTT 5 property list that starts (with its length) at `in[0..size)`: sets
/// `list` and `list_size`, and returns the bytes taken by length and list, or 0 if malformed.
std::size_t locate_properties(const std::uint8_t* in, std::size_t size, const std::uint8_t*& list,
                              std::size_t& list_size) {
  std::uint32_t length = 0;
  std::size_t used = 0;
  if (wire::decode_varint(in, size, length, used) != Parse::ok) return 0;
  if (length > size - used) return 0;
  list = in + used;
  list_size = length;
  return used + length;
}

/// Bytes taken by the MQTT 5 property length and list at `in[0..size)`, or 0 if malformed.
std::size_t properties_size(const std::uint8_t* in, std::size_t size) {
  const std::uint8_t* list = nullptr;
  std::size_t list_size = 0;
  return locate_properties(in, size, list, list_size);
}

bool has_wildcard(const std::uint8_t* filter, std::size_t size) {
  const auto* end = filter + size;
  return std::find_if(filter, end, [](std::uint8_t c) { return c == '+' || c == '#'; }) != end;
}

}  // namespace

void SinkConnection::restore_carry(std::uint8_t* buffer) {
  if (!carry_.empty()) std::memcpy(buffer, carry_.data(), carry_.size());
  carry_.clear();
}

bool SinkConnection::consume(const std::uint8_t* data, std::size_t size) {
  std::size_t pos = 0;
  if (skip_ > 0) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, size));
    skip_ -= k;
    pos = k;
  }
  while (pos < size) {
    wire::FixedHeader h;
    const Parse p = wire::decode_fixed_header(data + pos, size - pos, h);
    if (p == Parse::malformed) return fail();
    if (p == Parse::need_more) break;
    const std::uint8_t* body = data + pos + h.header_size;
    const std::size_t avail = size - pos - h.header_size;
    if (h.type() == PacketType::publish) {
      std::size_t used = 0;
      const Step step = consume_publish(h, body, avail, used);
      if (step == Step::close) return false;
      if (step == Step::need_more) break;
      pos += h.header_size + used;
      continue;
    }
    if (h.remaining > kMaxControlPacket) return fail();
    if (avail < h.remaining) break;
    if (!handle_control(h, body)) return false;
    pos += h.header_size + h.remaining;
  }
  carry_.assign(data + pos, data + size);
  return true;
}

// Parses the variable header up to the payload, answers QoS 1/2 and skips the payload.
SinkConnection::Step SinkConnection::consume_publish(const wire::FixedHeader& h,
                                                     const std::uint8_t* body, std::size_t avail,
                                                     std::size_t& used) {
  const int qos = (h.flags() >> 1) & 3;
  if (level_ == 0 || qos == 3) return malformed();
  const std::size_t limit = h.remaining;
  const std::size_t visible = std::min(avail, limit);
  // Each field must lie inside the packet (else malformed) and inside this read (else wait).
  auto check = [&](std::size_t end) {
    if (end > limit) return malformed();
    return end > visible ? Step::need_more : Step::next;
  };
  if (Step s = check(2); s != Step::next) return s;
  const std::size_t id_at = 2 + wire::get_u16(body);
  std::size_t head = id_at + (qos > 0 ? 2 : 0);
  if (Step s = check(head); s != Step::next) return s;
  std::size_t properties = 0;
  if (level_ == wire::kLevel5) {
    if (Step s = check(head + 1); s != Step::next) return s;
    std::uint32_t length = 0;
    std::size_t length_size = 0;
    const Parse p = wire::decode_varint(body + head, visible - head, length, length_size);
    if (p == Parse::malformed || (p == Parse::need_more && visible == limit)) return malformed();
    if (p == Parse::need_more) return Step::need_more;
    head += length_size;
    properties = length;
    if (head + properties > limit) return malformed();
  }
  ++stats_.publishes_in;
  stats_.payload_bytes_in += limit - head - properties;
  if (qos > 0) {
    append_ack(qos == 1 ? wire::kPubackByte : wire::kPubrecByte, wire::get_u16(body + id_at));
  }
  // Properties and payload are skipped alike; only their size matters to a sink.
  const std::size_t rest = limit - head;
  const std::size_t here = std::min(rest, avail - head);
  skip_ = rest - here;
  used = head + here;
  return Step::next;
}

SinkConnection::Step SinkConnection::malformed() {
  fail();
  return Step::close;
}

bool SinkConnection::fail() {
  ++stats_.malformed;
  return false;
}

bool SinkConnection::handle_control(const wire::FixedHeader& h, const std::uint8_t* body) {
  const std::size_t size = h.remaining;
  // Reserved flag bits must be exactly as the specification fixes them (§2.1.3).
  const std::uint8_t expected_flags =
      (h.type() == PacketType::pubrel || h.type() == PacketType::subscribe ||
       h.type() == PacketType::unsubscribe)
          ? 2
          : 0;
  if (h.flags() != expected_flags) return fail();
  if (level_ == 0) return h.type() == PacketType::connect ? handle_connect(body, size) : fail();
  switch (h.type()) {
    case PacketType::pubrel:
      if (size < 2) return fail();
      append_ack(wire::kPubcompByte, wire::get_u16(body));
      return true;
    case PacketType::puback:
    case PacketType::pubrec:
    case PacketType::pubcomp:
      return handle_flood_ack(h, body);
    case PacketType::subscribe:
      return handle_subscribe(body, size);
    case PacketType::unsubscribe:
      return handle_unsubscribe(body, size);
    case PacketType::pingreq: {
      if (size != 0) return fail();
      const std::uint8_t pingresp[] = {0xD0, 0x00};
      out_.insert(out_.end(), pingresp, pingresp + 2);
      return true;
    }
    case PacketType::disconnect:
      return false;
    default:  // a second CONNECT, server-to-client packets, AUTH: not for a sink
      return fail();
  }
}

bool SinkConnection::handle_connect(const std::uint8_t* body, std::size_t size) {
  if (size < 2) return fail();
  const std::size_t name_size = wire::get_u16(body);
  std::size_t pos = 2 + name_size;
  if (pos + 4 > size) return fail();  // level, flags, keep alive
  const std::string_view name(reinterpret_cast<const char*>(body + 2), name_size);
  const std::uint8_t level = body[pos];
  const bool known = (level == wire::kLevel31 && name == "MQIsdp") ||
                     ((level == wire::kLevel311 || level == wire::kLevel5) && name == "MQTT");
  if (!known) return fail();
  pos += 4;
  if (level == wire::kLevel5) {
    const std::uint8_t* list = nullptr;
    std::size_t list_size = 0;
    if (locate_properties(body + pos, size - pos, list, list_size) == 0) return fail();
    if (!wire::find_receive_maximum(list, list_size, receive_maximum_)) return fail();
  }
  level_ = level;
  if (level == wire::kLevel5) {
    // Session Present 0, Success, no properties: Receive Maximum defaults to 65535.
    const std::uint8_t connack[] = {0x20, 0x03, 0x00, 0x00, 0x00};
    out_.insert(out_.end(), connack, connack + sizeof connack);
  } else {
    const std::uint8_t connack[] = {0x20, 0x02, 0x00, 0x00};
    out_.insert(out_.end(), connack, connack + sizeof connack);
  }
  return true;
}

bool SinkConnection::handle_subscribe(const std::uint8_t* body, std::size_t size) {
  if (size < 2) return fail();
  const std::uint16_t id = wire::get_u16(body);
  std::size_t pos = 2;
  if (level_ == wire::kLevel5) {
    const std::size_t n = properties_size(body + pos, size - pos);
    if (n == 0) return fail();
    pos += n;
  }
  std::vector<std::uint8_t> granted;
  const std::uint8_t* first_filter = nullptr;
  std::size_t first_size = 0;
  while (pos < size) {
    if (pos + 2 > size) return fail();
    const std::size_t filter_size = wire::get_u16(body + pos);
    if (pos + 2 + filter_size + 1 > size) return fail();
    if (first_filter == nullptr) {
      first_filter = body + pos + 2;
      first_size = filter_size;
    }
    const std::uint8_t qos = body[pos + 2 + filter_size] & 3;
    if (qos == 3) return fail();
    granted.push_back(qos);
    pos += 2 + filter_size + 1;
  }
  if (granted.empty()) return fail();
  const bool v5 = level_ == wire::kLevel5;
  const std::size_t remaining = 2 + (v5 ? 1 : 0) + granted.size();
  std::uint8_t header[5 + 3];
  std::size_t n = 0;
  header[n++] = 0x90;
  n += wire::encode_varint(static_cast<std::uint32_t>(remaining), header + n);
  wire::put_u16(header + n, id);
  n += 2;
  if (v5) header[n++] = 0;  // no properties
  out_.insert(out_.end(), header, header + n);
  out_.insert(out_.end(), granted.begin(), granted.end());
  if (flood_config_.qos >= 0 && !flood_) {
    start_flood(first_filter, first_size, granted.front());
  }
  return true;
}

bool SinkConnection::handle_unsubscribe(const std::uint8_t* body, std::size_t size) {
  if (size < 2) return fail();
  const std::uint16_t id = wire::get_u16(body);
  std::size_t pos = 2;
  if (level_ == wire::kLevel5) {
    const std::size_t n = properties_size(body + pos, size - pos);
    if (n == 0) return fail();
    pos += n;
  }
  std::size_t filters = 0;
  while (pos < size) {
    if (pos + 2 > size) return fail();
    pos += 2u + wire::get_u16(body + pos);
    if (pos > size) return fail();
    ++filters;
  }
  if (filters == 0) return fail();
  if (level_ != wire::kLevel5) {
    append_ack(0xB0, id);
    return true;
  }
  std::uint8_t header[5 + 3];
  std::size_t n = 0;
  header[n++] = 0xB0;
  n += wire::encode_varint(static_cast<std::uint32_t>(3 + filters), header + n);
  wire::put_u16(header + n, id);
  n += 2;
  header[n++] = 0;  // no properties
  out_.insert(out_.end(), header, header + n);
  out_.insert(out_.end(), filters, std::uint8_t{0});  // Success per filter
  return true;
}

bool SinkConnection::handle_flood_ack(const wire::FixedHeader& h, const std::uint8_t* body) {
  if (h.remaining < 2 || !flood_) return fail();
  const std::uint16_t id = wire::get_u16(body);
  bool known = false;
  bool completed = false;
  if (h.type() == PacketType::puback) {
    known = completed = flood_->on_puback(id);
  } else if (h.type() == PacketType::pubcomp) {
    known = completed = flood_->on_pubcomp(id);
  } else {
    const bool failed = h.remaining >= 3 && body[2] >= 0x80;  // v5 reason code
    known = flood_->on_pubrec(id, failed);
    completed = known && failed;
    if (known && !failed) append_ack(wire::kPubrelByte, id);
  }
  if (!known) return fail();
  if (completed) ++stats_.flood_completed;
  return true;
}

void SinkConnection::start_flood(const std::uint8_t* first_filter, std::size_t filter_size,
                                 std::uint8_t granted_qos) {
  std::string topic = flood_config_.topic;
  if (topic.empty()) {
    topic = has_wildcard(first_filter, filter_size)
                ? std::string("bench/flood")
                : std::string(reinterpret_cast<const char*>(first_filter), filter_size);
  }
  // A subscriber receives at most the QoS it asked for (MQTT 5 §3.8.4).
  const int qos = std::min<int>(flood_config_.qos, granted_qos);
  const std::uint32_t window = level_ == wire::kLevel5 ? receive_maximum_ : 65535;
  flood_ = std::make_unique<Flood>(qos, flood_config_.count, flood_config_.payload, topic, level_,
                                   window);
}

void SinkConnection::fill_flood(std::size_t budget) {
  if (!flood_) return;
  stats_.flood_out += flood_->fill(out_, out_head_ + budget);
}

void SinkConnection::append_ack(std::uint8_t first_byte, std::uint16_t id) {
  const std::size_t at = out_.size();
  out_.resize(at + 4);
  wire::put_ack(out_.data() + at, first_byte, id);
}

void SinkConnection::consumed_output(std::size_t n) {
  out_head_ += n;
  if (out_head_ == out_.size()) {
    out_.clear();
    out_head_ = 0;
  } else if (out_head_ > 256 * 1024 && out_head_ * 2 > out_.size()) {
    // Compact rarely so that appending never grows the buffer without bound.
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_head_));
    out_head_ = 0;
  }
}

}  // namespace portmqtt::bench
