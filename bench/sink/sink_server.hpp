// The sink broker's event loop: one thread, one epoll instance, loopback only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "flood.hpp"
#include "sink_connection.hpp"

namespace portmqtt::bench {

/// Accepts MQTT clients on 127.0.0.1 and answers them as fast as one core allows.
class SinkServer {
 public:
  /// `exit_after_clients` > 0 makes run() return once that many connections have closed.
  SinkServer(FloodConfig flood, std::uint64_t exit_after_clients);
  ~SinkServer();
  SinkServer(const SinkServer&) = delete;
  SinkServer& operator=(const SinkServer&) = delete;

  /// Binds 127.0.0.1:`port` (0 picks a free port) and returns the bound port. Throws
  /// std::system_error on failure.
  std::uint16_t listen(std::uint16_t port);

  /// Serves until SIGINT/SIGTERM (which the caller has blocked) or the client limit.
  void run();

  /// Totals so far.
  const SinkStats& stats() const { return stats_; }

 private:
  struct Client;

  void accept_all();
  void serve(std::size_t fd, std::uint32_t events);
  void on_readable(Client& c);
  void flush(Client& c);
  void update_interest(Client& c);
  void close_client(Client& c);

  FloodConfig flood_;
  std::uint64_t exit_after_clients_;
  SinkStats stats_;
  int epoll_fd_ = -1;
  int listen_fd_ = -1;
  int signal_fd_ = -1;
  bool stop_ = false;
  std::vector<std::unique_ptr<Client>> clients_;  // indexed by file descriptor
  std::vector<std::uint8_t> read_buffer_;
};

}  // namespace portmqtt::bench
