// Why a hand-written sink instead of a real broker: a benchmark of clients is only fair when the
// client under test is the bottleneck. A general broker spends more CPU per message than the
// fastest clients (routing, session state, logging), so it would hide their differences. This
// sink does the minimum per packet: it frames by hand, never copies a payload, reads up to
// 256 KiB per system call, answers every packet of one read with one write, and runs on a
// single thread so that it takes one core at most, leaving the other to the client.
#include "sink_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace portmqtt::bench {

namespace {

constexpr std::size_t kReadSize = 256 * 1024;
constexpr std::size_t kWriteChunk = 256 * 1024;
// Writes per wake-up for a flooding client before others get their turn.
constexpr int kWriteRoundsPerWakeup = 8;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::uint64_t tag_of(int fd) {
  return static_cast<std::uint64_t>(fd);
}

}  // namespace

struct SinkServer::Client {
  Client(int socket, const FloodConfig& flood, SinkStats& stats)
      : fd(socket), connection(flood, stats) {}
  int fd;
  SinkConnection connection;
  std::uint32_t events = EPOLLIN;
};

SinkServer::SinkServer(FloodConfig flood, std::uint64_t exit_after_clients)
    : flood_(std::move(flood)),
      exit_after_clients_(exit_after_clients),
      read_buffer_(kMaxCarry + kReadSize) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("epoll_create1");
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  signal_fd_ = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) throw_errno("signalfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag_of(signal_fd_);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev) != 0) throw_errno("epoll_ctl");
}

SinkServer::~SinkServer() {
  for (auto& c : clients_) {
    if (c) ::close(c->fd);
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

std::uint16_t SinkServer::listen(std::uint16_t port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw_errno("socket");
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw_errno("bind");
  if (::listen(listen_fd_, SOMAXCONN) != 0) throw_errno("listen");
  socklen_t len = sizeof addr;
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw_errno("getsockname");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag_of(listen_fd_);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) throw_errno("epoll_ctl");
  return ntohs(addr.sin_port);
}

void SinkServer::run() {
  std::vector<epoll_event> events(256);
  while (!stop_) {
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("epoll_wait");
    }
    for (int i = 0; i < n && !stop_; ++i) {
      const epoll_event& ev = events[static_cast<std::size_t>(i)];
      const int fd = static_cast<int>(ev.data.u64);
      if (fd == signal_fd_) {
        stop_ = true;
      } else if (fd == listen_fd_) {
        accept_all();
      } else {
        serve(static_cast<std::size_t>(fd), ev.events);
      }
    }
  }
}

void SinkServer::serve(std::size_t fd, std::uint32_t events) {
  // A descriptor closed earlier in this batch has no client any more.
  if (fd >= clients_.size() || !clients_[fd]) return;
  Client& c = *clients_[fd];
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
    on_readable(c);
    if (!clients_[fd]) return;  // closed
  }
  if ((events & EPOLLOUT) != 0) flush(c);
}

void SinkServer::accept_all() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: try again on the next wake-up
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto index = static_cast<std::size_t>(fd);
    if (clients_.size() <= index) clients_.resize(index + 1);
    clients_[index] = std::make_unique<Client>(fd, flood_, stats_);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag_of(fd);
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      clients_[index].reset();
      ::close(fd);
      continue;
    }
    ++stats_.connections;
  }
}

void SinkServer::on_readable(Client& c) {
  std::uint8_t* buffer = read_buffer_.data();
  const std::size_t carried = c.connection.carry_size();
  ssize_t n;
  do {
    n = ::read(c.fd, buffer + carried, kReadSize);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {
    close_client(c);
    return;
  }
  c.connection.restore_carry(buffer);
  stats_.bytes_in += static_cast<std::uint64_t>(n);
  const bool keep = c.connection.consume(buffer, carried + static_cast<std::size_t>(n));
  flush(c);  // replies to everything in this read go out in one write
  if (!keep) close_client(c);
}

void SinkServer::flush(Client& c) {
  for (int round = 0; round < kWriteRoundsPerWakeup; ++round) {
    if (c.connection.output_size() < kWriteChunk) c.connection.fill_flood(kWriteChunk);
    const std::size_t size = c.connection.output_size();
    if (size == 0) break;
    const ssize_t n = ::send(c.fd, c.connection.output(), size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) c.connection.consumed_output(size);  // peer gone
      break;
    }
    stats_.bytes_out += static_cast<std::uint64_t>(n);
    c.connection.consumed_output(static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < size) break;  // the socket buffer is full
  }
  update_interest(c);
}

void SinkServer::update_interest(Client& c) {
  const bool want_out = c.connection.output_size() > 0 || c.connection.flood_can_send();
  const std::uint32_t events = EPOLLIN | (want_out ? EPOLLOUT : 0u);
  if (events == c.events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag_of(c.fd);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev) == 0) c.events = events;
}

void SinkServer::close_client(Client& c) {
  const auto index = static_cast<std::size_t>(c.fd);
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  clients_[index].reset();
  ++stats_.closed;
  if (exit_after_clients_ > 0 && stats_.closed >= exit_after_clients_) stop_ = true;
}

}  // namespace portmqtt::bench
