#include "transport/tcp_connector.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <utility>

#include "transport/attempt_memory.hpp"
#include "transport/errc.hpp"
#include "transport/shared_resolver.hpp"
#include "transport/system_error.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::error_code set_int_option(int fd, int level, int name, int value) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0)
    return {errno, std::system_category()};
  return {};
}

std::error_code apply_keep_alive(int fd, const KeepAlive& keep_alive) {
  if (!keep_alive.enabled) return {};
  if (auto ec = set_int_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1)) return ec;
  if (auto ec =
          set_int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, static_cast<int>(keep_alive.idle.count())))
    return ec;
  if (auto ec = set_int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL,
                               static_cast<int>(keep_alive.interval.count())))
    return ec;
  return set_int_option(fd, IPPROTO_TCP, TCP_KEEPCNT, keep_alive.count);
}

// Set before connect() so that the handshakes (TLS, WebSocket, proxy) are covered too.
std::error_code apply_user_timeout(int fd, std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return {};
  const auto ms = std::min<std::chrono::milliseconds::rep>(timeout.count(), INT_MAX);
  return set_int_option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, static_cast<int>(ms));
}

// The operations of a connect (its deadline, its steps) live as long as the attempt: their
// memory comes from the slabs of attempts (attempt_memory.hpp), not from between the objects
// that the connection keeps.
template <class Handler>
auto for_attempt(Handler&& handler) {
  return asio::bind_allocator(AttemptAllocator<void>{}, std::forward<Handler>(handler));
}

std::error_code bind_to_device(int fd, const std::string& name) {
  if (name.empty()) return {};
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name.c_str(),
                   static_cast<socklen_t>(name.size() + 1)) != 0)
    return {errno, std::system_category()};
  return {};
}

}  // namespace

void acknowledge_promptly(tcp::socket& socket) {
  if (!socket.is_open()) return;
  // Best effort: a failure only means ACKs may be delayed as usual.
  (void)set_int_option(socket.native_handle(), IPPROTO_TCP, TCP_QUICKACK, 1);
}

TcpConnector::TcpConnector(asio::any_io_executor executor, const Options& options)
    : timer_(executor),
      options_{.connect_timeout = options.connect_timeout,
               .keep_alive = options.keep_alive,
               .user_timeout = options.user_timeout,
               .no_delay = options.no_delay} {
  if (options.proxy_uri.empty() && options.interface_name.empty() && options.bind_address.empty())
    return;
  uncommon_ = std::make_unique<Uncommon>();
  uncommon_->interface_name = options.interface_name;
  uncommon_->bind_address = options.bind_address;
  if (!options.proxy_uri.empty())
    proxy_error_ = parse_proxy_uri(options.proxy_uri, uncommon_->proxy);
}

void TcpConnector::async_connect(tcp::socket& socket, const Endpoint& endpoint,
                                 std::shared_ptr<void> owner, ConnectHandler handler) {
  socket_ = &socket;
  on_connect_ = std::move(handler);
  timed_out_ = false;
  cancelled_ = false;
  last_error_ = errc::host_not_found;
  if (proxy_error_) {
    asio::post(timer_.get_executor(), for_attempt([owner, this] { complete(proxy_error_); }));
    return;
  }
  std::string host = endpoint.host;
  std::uint16_t port = endpoint.port;
  const bool proxied = uncommon_ && uncommon_->proxy.kind != Proxy::Kind::none;
  if (proxied) {
    uncommon_->target_host = std::exchange(host, uncommon_->proxy.host);
    uncommon_->target_port = std::exchange(port, uncommon_->proxy.port);
  }
  timer_.expires_after(options_.connect_timeout);
  timer_.async_wait(for_attempt([owner, this](boost::system::error_code ec) {
    // Cancelled, or expired in the same turn as the connect finished: the connection stays.
    if (ec || finished_) return;
    timed_out_ = true;
    boost::system::error_code ignored;
    socket_->close(ignored);
    // A lookup cannot be interrupted: the connect ends now, and its result is dropped (one
    // still waiting for the resolver thread is not made at all).
    if (std::exchange(resolving_, false)) {
      abandon_lookup();
      complete(errc::connect_timeout);
    }
  }));
  if (proxied && uncommon_->proxy.kind == Proxy::Kind::socks5 && !uncommon_->proxy.remote_dns) {
    boost::system::error_code not_literal;
    (void)asio::ip::make_address(uncommon_->target_host, not_literal);
    if (not_literal) return resolve_target_locally(std::move(host), port, std::move(owner));
  }
  resolve_and_connect(host, port, std::move(owner));
}

namespace {

// An IPv4 address when there is one: what any proxy can reach, and not "::1" for "localhost"
// when the broker listens on 127.0.0.1.
std::string preferred_address(const tcp::resolver::results_type& results) {
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint().address().to_string();
  }
  return results.begin()->endpoint().address().to_string();
}

}  // namespace

// socks5://: the broker's name becomes an address here, and the proxy is asked for that
// address; then the proxy itself is resolved and connected.
void TcpConnector::resolve_target_locally(std::string proxy_host, std::uint16_t proxy_port,
                                          std::shared_ptr<void> owner) {
  auto resolved = [owner, this, proxy_host = std::move(proxy_host), proxy_port](
                      boost::system::error_code ec, tcp::resolver::results_type results) {
    if (!std::exchange(resolving_, false)) return;  // the deadline ended the connect
    if (cancelled_) ec = asio::error::operation_aborted;
    if (ec) return complete(to_std_error(ec));
    if (results.empty()) return complete(errc::host_not_found);
    uncommon_->target_host = preferred_address(results);
    resolve_and_connect(proxy_host, proxy_port, owner);
  };
  resolving_ = true;
  resolve_on_shared_thread(uncommon_->target_host, uncommon_->target_port, timer_.get_executor(),
                           std::move(resolved), lookup_abandoned());
}

void TcpConnector::resolve_and_connect(const std::string& host, std::uint16_t port,
                                       std::shared_ptr<void> owner) {
  boost::system::error_code not_literal;
  const auto address = asio::ip::make_address(host, not_literal);
  if (!not_literal) {
    // An address needs no lookup: no trip through the resolver thread. Posted, so the
    // handler never runs inside async_connect().
    literal_ = tcp::endpoint(address, port);
    auto connect = [owner, this] {
      if (cancelled_) return complete(to_std_error(asio::error::operation_aborted));
      try_next_endpoint(owner);
    };
    asio::post(timer_.get_executor(), for_attempt(std::move(connect)));
    return;
  }
  // Names go to the process's one resolver thread (shared_resolver.hpp): Asio's resolver would
  // start a thread per io_context, a second thread for each client with its own loop.
  resolving_ = true;
  resolve_on_shared_thread(
      host, port, timer_.get_executor(),
      [owner, this](boost::system::error_code ec, tcp::resolver::results_type results) {
        if (!std::exchange(resolving_, false)) return;  // the deadline ended the connect
        if (cancelled_) ec = asio::error::operation_aborted;
        if (ec) return complete(to_std_error(ec));
        endpoints_ = std::move(results);
        next_ = endpoints_.begin();
        try_next_endpoint(owner);
      },
      lookup_abandoned());
}

std::error_code TcpConnector::finish(std::error_code error) {
  finished_ = true;
  timer_.cancel();
  endpoints_ = {};  // the addresses are not needed again; the connection may live for long
  next_ = {};
  literal_.reset();
  if (error && timed_out_) return errc::connect_timeout;
  return error;
}

void TcpConnector::cancel() {
  cancelled_ = true;
  abandon_lookup();
  timer_.cancel();
}

std::shared_ptr<const std::atomic<bool>> TcpConnector::lookup_abandoned() {
  if (!abandoned_) abandoned_ = std::make_shared<std::atomic<bool>>(false);
  return abandoned_;
}

void TcpConnector::abandon_lookup() {
  if (abandoned_) abandoned_->store(true);
}

void TcpConnector::try_next_endpoint(const std::shared_ptr<void>& owner) {
  if (timed_out_) return complete(errc::connect_timeout);
  tcp::endpoint ep;
  if (literal_) {
    ep = *std::exchange(literal_, std::nullopt);
  } else {
    if (endpoints_.empty() || next_ == endpoints_.end()) return complete(last_error_);
    ep = next_->endpoint();
    ++next_;
  }
  boost::system::error_code ignored;
  socket_->close(ignored);
  if (auto ec = open_socket(ep)) {
    // E.g. an IPv6 broker address with an IPv4 bind_address: another address may fit.
    last_error_ = ec;
    return try_next_endpoint(owner);
  }
  auto connected = [owner, this](boost::system::error_code ec) {
    if (!ec && uncommon_ && uncommon_->proxy.kind != Proxy::Kind::none) {
      // Under the same deadline: its timer closes the socket, which ends the handshake.
      return async_proxy_handshake(*socket_, uncommon_->proxy, uncommon_->target_host,
                                   uncommon_->target_port,
                                   [owner, this](std::error_code e) { complete(e); });
    }
    if (!ec) return complete({});
    last_error_ = to_std_error(ec);
    try_next_endpoint(owner);
  };
  socket_->async_connect(ep, for_attempt(std::move(connected)));
}

// Options that must be in place before connect() (binding to a device) go here.
std::error_code TcpConnector::open_socket(const tcp::endpoint& ep) {
  boost::system::error_code ec;
  socket_->open(ep.protocol(), ec);
  if (ec) return to_std_error(ec);
  int fd = socket_->native_handle();
  const std::string no_name;
  if (auto e = bind_to_device(fd, uncommon_ ? uncommon_->interface_name : no_name)) return e;
  if (uncommon_ && !uncommon_->bind_address.empty()) {
    const auto local = asio::ip::make_address(uncommon_->bind_address, ec);
    if (ec) return std::make_error_code(std::errc::invalid_argument);
    if (local.is_v4() != ep.address().is_v4())
      return std::make_error_code(std::errc::address_family_not_supported);
    socket_->bind(tcp::endpoint(local, 0), ec);
    if (ec) return to_std_error(ec);
  }
  if (auto e = apply_keep_alive(fd, options_.keep_alive)) return e;
  if (auto e = apply_user_timeout(fd, options_.user_timeout)) return e;
  if (options_.no_delay) return set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  return {};
}

void TcpConnector::complete(std::error_code error) {
  if (error) {
    error = finish(error);
    boost::system::error_code ignored;
    socket_->close(ignored);
  }
  if (auto handler = std::exchange(on_connect_, nullptr)) handler(error);
}

}  // namespace portmqtt::transport
