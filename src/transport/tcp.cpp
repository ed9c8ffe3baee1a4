#include "transport/tcp.hpp"

#include <memory>
#include <system_error>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include "transport/attempt_memory.hpp"
#include "transport/errc.hpp"
#include "transport/factory_scope.hpp"
#include "transport/socket_io.hpp"
#include "transport/system_error.hpp"
#include "transport/tcp_connector.hpp"
#include "transport/tls.hpp"
#include "transport/unix.hpp"
#include "transport/ws.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class TcpTransport final : public SocketTransport<tcp::socket> {
 public:
  TcpTransport(asio::any_io_executor executor, const Options& options)
      : SocketTransport(executor),
        connector_(std::allocate_shared<TcpConnector>(AttemptAllocator<TcpConnector>{}, executor,
                                                      options)) {}

  void async_connect(const Endpoint& endpoint, ConnectHandler handler) override {
    if (!connector_) {
      // One attempt per transport (transport.hpp); a second one has nothing to connect with.
      asio::post(socket_.get_executor(), [handler = std::move(handler)] {
        handler(std::make_error_code(std::errc::already_connected));
      });
      return;
    }
    on_connect_ = std::move(handler);
    // Every pending handler of the connector (its deadline's included) keeps both the
    // transport and the connector alive, so the transport may let go of the connector first.
    struct Owners {
      std::shared_ptr<Transport> transport;
      std::shared_ptr<TcpConnector> connector;
    };
    auto owners = std::allocate_shared<Owners>(AttemptAllocator<Owners>{},
                                               Owners{shared_from_this(), connector_});
    connector_->async_connect(socket_, endpoint, std::move(owners), [this](std::error_code ec) {
      ec = connector_->finish(ec);
      // An established connection needs none of the connector (deadline, proxy and socket
      // settings: most of this object): each idle connection carries only its socket. It is
      // freed when its last pending handler has run. After a failure the transport keeps it.
      if (!ec) connector_.reset();
      if (auto done = std::exchange(on_connect_, nullptr)) done(ec);
    });
  }

  void acknowledge_promptly() override { transport::acknowledge_promptly(socket_); }

 private:
  void cancel_connect() override {
    if (connector_) connector_->cancel();
  }

  std::shared_ptr<TcpConnector> connector_;
  ConnectHandler on_connect_;
};

}  // namespace

std::shared_ptr<Transport> make_tcp_transport(asio::any_io_executor executor,
                                              const Options& options) {
  return std::make_shared<TcpTransport>(std::move(executor), options);
}

std::error_code make_transport(Scheme scheme, asio::any_io_executor executor,
                               const Options& options, std::shared_ptr<Transport>& out,
                               TlsDiagnostics* setup) {
  if (auto factory = installed_factory()) return (*factory)(scheme, executor, options, out, setup);
  switch (scheme) {
    case Scheme::mqtt:
      out = make_tcp_transport(std::move(executor), options);
      return {};
    case Scheme::mqtts:
      return make_tls_transport(std::move(executor), options, out, setup);
    case Scheme::ws:
      out = make_ws_transport(executor, options, make_tcp_transport(executor, options));
      return {};
    case Scheme::wss: {
      std::shared_ptr<Transport> tls;
      if (auto ec = make_tls_transport(executor, options, tls, setup)) return ec;
      out = make_ws_transport(std::move(executor), options, std::move(tls));
      return {};
    }
    case Scheme::unix_socket:
      out = make_unix_transport(std::move(executor), options);
      return {};
  }
  return errc::not_implemented;
}

}  // namespace portmqtt::transport
