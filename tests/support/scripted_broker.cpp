#include "scripted_broker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace portmqtt::test {

using Clock = std::chrono::steady_clock;

bool ScriptedPeer::read_exact(std::uint8_t* out, std::size_t n, Clock::time_point until) {
  std::size_t got = 0;
  while (got < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t r = ::recv(fd_, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

std::optional<Bytes> ScriptedPeer::read_packet(std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  Bytes packet(1);
  if (!read_exact(packet.data(), 1, until)) return std::nullopt;
  std::size_t remaining = 0;
  for (int shift = 0; shift < 28; shift += 7) {
    std::uint8_t byte = 0;
    if (!read_exact(&byte, 1, until)) return std::nullopt;
    packet.push_back(byte);
    remaining |= static_cast<std::size_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  const std::size_t header = packet.size();
  packet.resize(header + remaining);
  if (!read_exact(packet.data() + header, remaining, until)) return std::nullopt;
  return packet;
}

bool ScriptedPeer::write(const Bytes& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t w = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (w <= 0) return false;
    sent += static_cast<std::size_t>(w);
  }
  return true;
}

bool ScriptedPeer::closed_within(std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  std::uint8_t sink[4096];
  while (Clock::now() < until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 1))) <= 0) continue;
    if (::recv(fd_, sink, sizeof sink, 0) <= 0) return true;
  }
  return false;
}

ScriptedBroker::ScriptedBroker(Script script, int connections) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 4) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("scripted broker: cannot listen on 127.0.0.1");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this, script = std::move(script), connections] {
    for (int i = 0; i < connections && !stopping_; ++i) {
      pollfd p{listener_, POLLIN, 0};
      while (!stopping_ && ::poll(&p, 1, 100) <= 0) {
      }
      if (stopping_) return;
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      ++accepted_;
      ScriptedPeer peer{fd};
      script(peer);
      ::close(fd);
    }
  });
}

ScriptedBroker::~ScriptedBroker() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) ::close(listener_);
}

}  // namespace portmqtt::test
