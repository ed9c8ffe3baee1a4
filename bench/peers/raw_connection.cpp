#include "raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wire.hpp"

namespace portmqtt::bench {

namespace {

void append_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

void append_string(std::vector<std::uint8_t>& out, const std::string& s) {
  append_u16(out, static_cast<std::uint16_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// Prefixes `body` with a fixed header.
std::vector<std::uint8_t> packet(std::uint8_t first_byte, const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> out(5);
  out[0] = first_byte;
  const std::size_t n = wire::encode_varint(static_cast<std::uint32_t>(body.size()), &out[1]);
  out.resize(1 + n);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace

PublishTemplate::PublishTemplate(const std::string& topic, const std::string& payload, int qos,
                                 std::uint8_t level) {
  std::vector<std::uint8_t> body;
  append_string(body, topic);
  if (qos > 0) {
    id_offset = body.size();
    append_u16(body, 0);
  }
  if (level == wire::kLevel5) body.push_back(0);  // no properties
  body.insert(body.end(), payload.begin(), payload.end());
  bytes = packet(static_cast<std::uint8_t>(0x30 | (qos << 1)), body);
  id_offset += bytes.size() - body.size();
}

RawConnection::RawConnection(const PeerOptions& options, const char* name)
    : options_(options),
      name_(name),
      level_(options.version == 5 ? wire::kLevel5 : wire::kLevel311) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail(name_, std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.host.c_str(), &addr.sin_addr) != 1) fail(name_, "bad --host");
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    fail(name_, std::string("connect: ") + std::strerror(errno));
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) {
    const std::uint8_t disconnect[] = {0xE0, 0x00};
    [[maybe_unused]] const ssize_t n = ::send(fd_, disconnect, sizeof disconnect, MSG_NOSIGNAL);
    ::close(fd_);
  }
}

void RawConnection::handshake() {
  std::vector<std::uint8_t> body;
  append_string(body, "MQTT");
  body.push_back(level_);
  body.push_back(0x02);  // clean session / clean start
  append_u16(body, 60);  // keep alive
  if (level_ == wire::kLevel5) {
    body.push_back(3);     // property length
    body.push_back(0x21);  // Receive Maximum
    append_u16(body, static_cast<std::uint16_t>(options_.window));
  }
  append_string(body, client_id_for(name_));
  std::vector<std::uint8_t> connect = packet(0x10, body);
  iovec part{connect.data(), connect.size()};
  write_all(&part, 1);
  // CONNACK is 4 bytes on 3.1.1; on 5 it may carry properties, so read the whole packet.
  std::uint8_t in[512];
  std::size_t have = 0;
  wire::FixedHeader h;
  for (;;) {
    have += read_some(in + have, sizeof in - have, true);
    const wire::Parse p = wire::decode_fixed_header(in, have, h);
    if (p == wire::Parse::malformed) fail(name_, "malformed CONNACK");
    if (p == wire::Parse::ok && have >= h.header_size + h.remaining) break;
    if (have == sizeof in) fail(name_, "CONNACK too large");
  }
  if (h.type() != wire::PacketType::connack || h.remaining < 2 || in[h.header_size + 1] != 0) {
    fail(name_, "connection refused");
  }
}

void RawConnection::subscribe() {
  std::vector<std::uint8_t> body;
  append_u16(body, 1);                             // packet id
  if (level_ == wire::kLevel5) body.push_back(0);  // no properties
  append_string(body, options_.topic);
  body.push_back(static_cast<std::uint8_t>(options_.qos));
  std::vector<std::uint8_t> subscribe = packet(0x82, body);
  iovec part{subscribe.data(), subscribe.size()};
  write_all(&part, 1);
}

void RawConnection::write_all(iovec* parts, int count) {
  while (count > 0) {
    const ssize_t n = ::writev(fd_, parts, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(name_, std::string("write: ") + std::strerror(errno));
    }
    auto left = static_cast<std::size_t>(n);
    while (count > 0 && left >= parts->iov_len) {
      left -= parts->iov_len;
      ++parts;
      --count;
    }
    if (count > 0) {
      parts->iov_base = static_cast<std::uint8_t*>(parts->iov_base) + left;
      parts->iov_len -= left;
    }
  }
}

std::size_t RawConnection::read_some(std::uint8_t* out, std::size_t size, bool block) {
  for (;;) {
    const ssize_t n = ::recv(fd_, out, size, block ? 0 : MSG_DONTWAIT);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n == 0) fail(name_, "connection closed by broker");
    if (errno == EINTR) continue;
    if (!block && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    fail(name_, std::string("read: ") + std::strerror(errno));
  }
}

}  // namespace portmqtt::bench
