// Resolving and connecting a TCP socket under one deadline, shared by the TCP, TLS and
// WebSocket transports (the latter two run their handshakes under the same deadline).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/proxy.hpp"
#include "transport/transport.hpp"

namespace portmqtt::transport {

/// Asks the kernel to acknowledge what was received (a delayed ACK pending goes out now) and
/// what arrives next at once instead of after the delayed-ACK timer.
///
/// A broker that leaves Nagle's algorithm on (mosquitto does unless set_tcp_nodelay is set)
/// holds back its second small ack until the first is acknowledged; a client with nothing to
/// send meanwhile (it waits for those acks) then delays that ACK by up to 40 ms, and every
/// window of in-flight messages stalls that long: 20 QoS 1 messages took 44 ms against
/// mosquitto here. It is not asked for while the client writes: its segments carry the ACK,
/// and quick ACKs then only make the broker send smaller segments and wake the client more
/// often (mosquitto spent 7-21 % more CPU per message with a quick ACK after every read).
/// Linux clears TCP_QUICKACK by itself, hence per call; until it does (our next write), each
/// read sends the ACK of what it took, which is why the runtime spaces its reads of acks
/// while many messages are in flight (client/read_pacing.hpp).
void acknowledge_promptly(boost::asio::ip::tcp::socket& socket);

class TcpConnector {
 public:
  TcpConnector(boost::asio::any_io_executor executor, const Options& options);

  /// Starts the deadline (options.connect_timeout), resolves `endpoint` (a name on the
  /// process's one resolver thread, an IP address literal without a lookup) and connects
  /// `socket`, trying every address in turn. With options.proxy_uri it connects to the proxy
  /// instead and has it open a tunnel to `endpoint` (the proxy resolves the name, except with
  /// socks5://, where it is resolved here first). `owner` (the
  /// transport) is held by every pending handler. The deadline keeps running after the handler
  /// until finish(): when it fires it closes `socket`, which ends any handshake running on it.
  void async_connect(boost::asio::ip::tcp::socket& socket, const Endpoint& endpoint,
                     std::shared_ptr<void> owner, ConnectHandler handler);
  /// Stops the deadline. `error` is the outcome of the whole connect; it becomes
  /// errc::connect_timeout when the deadline fired.
  std::error_code finish(std::error_code error);
  /// Stops the deadline; the result of a lookup in progress is then dropped.
  void cancel();
  bool timed_out() const { return timed_out_; }

 private:
  /// The flag the resolver thread checks before this connector's lookup (made on first use).
  std::shared_ptr<const std::atomic<bool>> lookup_abandoned();
  void abandon_lookup();
  void resolve_target_locally(std::string proxy_host, std::uint16_t proxy_port,
                              std::shared_ptr<void> owner);
  void resolve_and_connect(const std::string& host, std::uint16_t port,
                           std::shared_ptr<void> owner);
  void try_next_endpoint(const std::shared_ptr<void>& owner);
  std::error_code open_socket(const boost::asio::ip::tcp::endpoint& endpoint);
  void complete(std::error_code error);

  // The part of Options a socket needs: the connection keeps this for its whole life, so
  // not a copy of the TLS settings as well.
  struct SocketOptions {
    std::chrono::milliseconds connect_timeout;
    KeepAlive keep_alive;
    std::chrono::milliseconds user_timeout;
    bool no_delay;
  };

  // Settings most connections do not use, made only when one is set: a connect storm holds
  // one connector per attempt at once, and these were 40 % of one (and left as many bytes of
  // holes between the idle connections once freed).
  struct Uncommon {
    Proxy proxy;              // options.proxy_uri
    std::string target_host;  // the broker, when going through the proxy
    std::uint16_t target_port = 0;
    std::string interface_name;  // options.interface_name
    std::string bind_address;    // options.bind_address
  };
  std::unique_ptr<Uncommon> uncommon_;
  std::error_code proxy_error_;  // a bad options.proxy_uri
  boost::asio::steady_timer timer_;
  SocketOptions options_;
  boost::asio::ip::tcp::socket* socket_ = nullptr;
  ConnectHandler on_connect_;
  // An address literal: the one endpoint, without a resolver's result list (two more heap
  // blocks per attempt).
  std::optional<boost::asio::ip::tcp::endpoint> literal_;
  boost::asio::ip::tcp::resolver::results_type endpoints_;
  boost::asio::ip::tcp::resolver::results_type::const_iterator next_;
  std::error_code last_error_;
  bool timed_out_ = false;
  bool finished_ = false;  // finish() ran: a deadline that fires now changes nothing
  // Set when the connect gives up: a lookup still queued on the resolver thread is skipped.
  std::shared_ptr<std::atomic<bool>> abandoned_;
  bool resolving_ = false;  // a lookup is on the resolver thread
  bool cancelled_ = false;  // cancel() ran: a lookup's result or a literal's connect is dropped
};

}  // namespace portmqtt::transport
