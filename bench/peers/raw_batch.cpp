// The upper bound: a hand-written client that encodes PUBLISH packets straight into one big
// buffer, writes each batch with a single writev and counts acknowledgements. No library,
// no threads, no allocation per message.
#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "peer_common.hpp"
#include "raw_connection.hpp"
#include "wire.hpp"

namespace {

using portmqtt::bench::PeerOptions;
using portmqtt::bench::RawConnection;
namespace wire = portmqtt::bench::wire;

constexpr const char* kName = "raw_batch";
constexpr std::size_t kBatchBytes = 256 * 1024;

// Bytes received but not yet parsed; grows only for a packet larger than the buffer.
class Inbound {
 public:
  Inbound() : buffer_(kBatchBytes) {}

  // Reads once and calls `handle(header, body)` for each complete packet.
  template <typename Handler>
  void read_and_parse(RawConnection& connection, bool block, Handler&& handle) {
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    end_ += connection.read_some(buffer_.data() + end_, buffer_.size() - end_, block);
    std::size_t pos = 0;
    for (;;) {
      wire::FixedHeader h;
      const wire::Parse p = wire::decode_fixed_header(buffer_.data() + pos, end_ - pos, h);
      if (p == wire::Parse::malformed) portmqtt::bench::fail(kName, "malformed packet");
      if (p == wire::Parse::need_more || end_ - pos < h.header_size + h.remaining) break;
      handle(h, buffer_.data() + pos + h.header_size);
      pos += h.header_size + h.remaining;
    }
    std::memmove(buffer_.data(), buffer_.data() + pos, end_ - pos);
    end_ -= pos;
  }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t end_ = 0;
};

// Sender side of QoS 1/2: packet ids in use and the window.
class Window {
 public:
  explicit Window(std::uint32_t limit) : limit_(limit), in_use_(65536, false) {}
  bool open() const { return in_flight_ < limit_ && !in_use_[next_]; }
  std::uint16_t take() {
    const std::uint16_t id = next_;
    in_use_[id] = true;
    ++in_flight_;
    next_ = static_cast<std::uint16_t>(next_ == 65535 ? 1 : next_ + 1);
    return id;
  }
  bool release(std::uint16_t id) {
    if (!in_use_[id]) return false;
    in_use_[id] = false;
    --in_flight_;
    return true;
  }

 private:
  std::uint32_t limit_;
  std::vector<bool> in_use_;
  std::uint16_t next_ = 1;
  std::uint32_t in_flight_ = 0;
};

struct Publisher {
  Publisher(RawConnection& c, const PeerOptions& o)
      : connection(c),
        options(o),
        message(o.topic, portmqtt::bench::make_payload(o.size), o.qos, c.level()),
        marker(o.topic, "end", 1, c.level()),
        window(o.window) {
    batch.reserve(kBatchBytes + message.bytes.size());
  }

  bool can_encode() const { return sent < options.count && (options.qos == 0 || window.open()); }

  // Encodes as many PUBLISH as fit the batch and the window.
  void encode_batch() {
    batch.clear();
    const auto& m = message.bytes;
    while (can_encode() && (batch.empty() || batch.size() + m.size() <= kBatchBytes)) {
      const std::size_t at = batch.size();
      batch.insert(batch.end(), m.begin(), m.end());
      if (options.qos > 0) wire::put_u16(batch.data() + at + message.id_offset, window.take());
      ++sent;
    }
    if (options.qos == 0 && sent == options.count && !marker_sent) {
      const std::size_t at = batch.size();
      batch.insert(batch.end(), marker.bytes.begin(), marker.bytes.end());
      wire::put_u16(batch.data() + at + marker.id_offset, 1);
      marker_sent = true;
    }
  }

  void on_packet(const wire::FixedHeader& h, const std::uint8_t* body) {
    if (h.remaining < 2) return;
    const std::uint16_t id = wire::get_u16(body);
    switch (h.type()) {
      case wire::PacketType::puback:
        if (options.qos == 0) {
          finished = finished || id == 1;
        } else if (window.release(id)) {
          ++completed;
        }
        break;
      case wire::PacketType::pubrec: {
        const std::size_t at = pubrels.size();
        pubrels.resize(at + 4);
        wire::put_ack(pubrels.data() + at, wire::kPubrelByte, id);
        break;
      }
      case wire::PacketType::pubcomp:
        if (window.release(id)) ++completed;
        break;
      default:
        break;
    }
    if (options.qos > 0 && completed >= options.count) finished = true;
  }

  void run() {
    Inbound inbound;
    auto handle = [this](const wire::FixedHeader& h, const std::uint8_t* body) {
      on_packet(h, body);
    };
    while (!finished) {
      if (can_encode() || (options.qos == 0 && !marker_sent)) encode_batch();
      if (!batch.empty() || !pubrels.empty()) {
        iovec parts[2] = {{pubrels.data(), pubrels.size()}, {batch.data(), batch.size()}};
        connection.write_all(parts, 2);
        pubrels.clear();
        batch.clear();
      }
      // Block only when nothing more may be sent; otherwise just collect what has arrived.
      const bool block = !can_encode();
      if (!finished) inbound.read_and_parse(connection, block, handle);
    }
  }

  RawConnection& connection;
  const PeerOptions& options;
  portmqtt::bench::PublishTemplate message;
  portmqtt::bench::PublishTemplate marker;
  Window window;
  std::vector<std::uint8_t> batch;
  std::vector<std::uint8_t> pubrels;  // written before the next batch
  std::uint64_t sent = 0;
  std::uint64_t completed = 0;
  bool marker_sent = false;
  bool finished = false;
};

double publish_all(RawConnection& connection, const PeerOptions& o) {
  Publisher publisher(connection, o);
  portmqtt::bench::Stopwatch clock;
  publisher.run();
  return clock.seconds();
}

// Counts PUBLISH on arrival and answers the QoS flows with one write per read.
double receive_all(RawConnection& connection, const PeerOptions& o) {
  Inbound inbound;
  std::vector<std::uint8_t> acks;
  std::uint64_t received = 0;
  auto handle = [&](const wire::FixedHeader& h, const std::uint8_t* body) {
    if (h.type() == wire::PacketType::publish) {
      ++received;
      const int qos = (h.flags() >> 1) & 3;
      if (qos == 0) return;
      const std::uint16_t id = wire::get_u16(body + 2 + wire::get_u16(body));
      const std::size_t at = acks.size();
      acks.resize(at + 4);
      wire::put_ack(acks.data() + at, qos == 1 ? wire::kPubackByte : wire::kPubrecByte, id);
    } else if (h.type() == wire::PacketType::pubrel && h.remaining >= 2) {
      const std::size_t at = acks.size();
      acks.resize(at + 4);
      wire::put_ack(acks.data() + at, wire::kPubcompByte, wire::get_u16(body));
    }
  };
  portmqtt::bench::Stopwatch clock;
  connection.subscribe();
  while (received < o.count) {
    inbound.read_and_parse(connection, true, handle);
    if (!acks.empty()) {
      iovec part{acks.data(), acks.size()};
      connection.write_all(&part, 1);
      acks.clear();
    }
  }
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  const PeerOptions o = portmqtt::bench::parse_peer_options(argc, argv);
  double seconds = 0;
  {
    RawConnection connection(o, kName);
    connection.handshake();
    seconds = o.recv ? receive_all(connection, o) : publish_all(connection, o);
  }
  portmqtt::bench::print_report(kName, o, seconds);
  return 0;
}
