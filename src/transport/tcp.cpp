#include "transport/tcp.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "transport/errc.hpp"
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

std::error_code bind_to_device(int fd, const std::string& name) {
  if (name.empty()) return {};
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name.c_str(),
                   static_cast<socklen_t>(name.size() + 1)) != 0)
    return {errno, std::system_category()};
  return {};
}

class TcpTransport final : public Transport {
 public:
  TcpTransport(asio::any_io_executor executor, const Options& options)
      : resolver_(executor), socket_(executor), timer_(executor), options_(options) {}

  void async_connect(const Endpoint& endpoint, ConnectHandler handler) override {
    on_connect_ = std::move(handler);
    timed_out_ = false;
    last_error_ = errc::host_not_found;
    timer_.expires_after(options_.connect_timeout);
    timer_.async_wait([self = shared_from_this(), this](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the connect finished first
      timed_out_ = true;
      resolver_.cancel();
      boost::system::error_code ignored;
      socket_.close(ignored);
    });
    resolver_.async_resolve(endpoint.host, std::to_string(endpoint.port),
                            tcp::resolver::numeric_service,
                            [self = shared_from_this(), this](boost::system::error_code ec,
                                                              tcp::resolver::results_type results) {
                              if (ec) return finish_connect(to_std_error(ec));
                              endpoints_ = std::move(results);
                              next_ = endpoints_.begin();
                              try_next_endpoint();
                            });
  }

  void async_read_some(ByteSpan buffer, IoHandler handler) override {
    socket_.async_read_some(
        asio::buffer(buffer.data(), buffer.size()),
        [self = shared_from_this(), handler = std::move(handler)](
            boost::system::error_code ec, std::size_t n) { handler(to_std_error(ec), n); });
  }

  void async_write(std::span<const ConstByteSpan> buffers, IoHandler handler) override {
    gather_.clear();
    for (ConstByteSpan b : buffers)
      gather_.emplace_back(b.data(), b.size());
    asio::async_write(
        socket_, gather_,
        [self = shared_from_this(), handler = std::move(handler)](
            boost::system::error_code ec, std::size_t n) { handler(to_std_error(ec), n); });
  }

  void close() override {
    boost::system::error_code ignored;
    timer_.cancel();
    resolver_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void try_next_endpoint() {
    if (timed_out_) return finish_connect(errc::connect_timeout);
    if (next_ == endpoints_.end()) return finish_connect(last_error_);
    tcp::endpoint ep = next_->endpoint();
    ++next_;
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (auto ec = open_socket(ep)) return finish_connect(ec);
    socket_.async_connect(ep, [self = shared_from_this(), this](boost::system::error_code ec) {
      if (!ec) return finish_connect({});
      last_error_ = to_std_error(ec);
      try_next_endpoint();
    });
  }

  // Options that must be in place before connect() (binding to a device) go here.
  std::error_code open_socket(const tcp::endpoint& ep) {
    boost::system::error_code ec;
    socket_.open(ep.protocol(), ec);
    if (ec) return to_std_error(ec);
    int fd = socket_.native_handle();
    if (auto e = bind_to_device(fd, options_.interface_name)) return e;
    if (auto e = apply_keep_alive(fd, options_.keep_alive)) return e;
    if (options_.no_delay) return set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    return {};
  }

  void finish_connect(std::error_code ec) {
    if (ec && timed_out_) ec = errc::connect_timeout;
    timer_.cancel();
    if (ec) {
      boost::system::error_code ignored;
      socket_.close(ignored);
    }
    if (auto handler = std::exchange(on_connect_, nullptr)) handler(ec);
  }

  tcp::resolver resolver_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  Options options_;
  ConnectHandler on_connect_;
  tcp::resolver::results_type endpoints_;
  tcp::resolver::results_type::const_iterator next_;
  std::error_code last_error_;
  bool timed_out_ = false;
  std::vector<asio::const_buffer> gather_;
};

}  // namespace

std::shared_ptr<Transport> make_tcp_transport(asio::any_io_executor executor,
                                              const Options& options) {
  return std::make_shared<TcpTransport>(std::move(executor), options);
}

std::error_code make_transport(Scheme scheme, asio::any_io_executor executor,
                               const Options& options, std::shared_ptr<Transport>& out) {
  if (scheme != Scheme::mqtt) return errc::not_implemented;
  out = make_tcp_transport(std::move(executor), options);
  return {};
}

}  // namespace portmqtt::transport
