#include "transport/tcp.hpp"

#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "transport/errc.hpp"
#include "transport/system_error.hpp"
#include "transport/tcp_connector.hpp"
#include "transport/tls.hpp"
#include "transport/ws.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class TcpTransport final : public Transport {
 public:
  TcpTransport(asio::any_io_executor executor, const Options& options)
      : socket_(executor), connector_(executor, options) {}

  void async_connect(const Endpoint& endpoint, ConnectHandler handler) override {
    on_connect_ = std::move(handler);
    connector_.async_connect(socket_, endpoint, shared_from_this(), [this](std::error_code ec) {
      ec = connector_.finish(ec);
      if (auto done = std::exchange(on_connect_, nullptr)) done(ec);
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
    connector_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
  TcpConnector connector_;
  ConnectHandler on_connect_;
  std::vector<asio::const_buffer> gather_;
};

}  // namespace

std::shared_ptr<Transport> make_tcp_transport(asio::any_io_executor executor,
                                              const Options& options) {
  return std::make_shared<TcpTransport>(std::move(executor), options);
}

std::error_code make_transport(Scheme scheme, asio::any_io_executor executor,
                               const Options& options, std::shared_ptr<Transport>& out) {
  switch (scheme) {
    case Scheme::mqtt:
      out = make_tcp_transport(std::move(executor), options);
      return {};
    case Scheme::mqtts:
      return make_tls_transport(std::move(executor), options, out);
    case Scheme::ws:
      out = make_ws_transport(executor, options, make_tcp_transport(executor, options));
      return {};
    case Scheme::wss: {
      std::shared_ptr<Transport> tls;
      if (auto ec = make_tls_transport(executor, options, tls)) return ec;
      out = make_ws_transport(std::move(executor), options, std::move(tls));
      return {};
    }
  }
  return errc::not_implemented;
}

}  // namespace portmqtt::transport
