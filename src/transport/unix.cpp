#include "transport/unix.hpp"

#include <sys/un.h>

#include <utility>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/errc.hpp"
#include "transport/socket_io.hpp"
#include "transport/system_error.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
using asio::local::stream_protocol;

class UnixTransport final : public SocketTransport<stream_protocol::socket> {
 public:
  UnixTransport(asio::any_io_executor executor, const Options& options)
      : SocketTransport(executor), timer_(executor), timeout_(options.connect_timeout) {}

  void async_connect(const Endpoint& endpoint, ConnectHandler handler) override {
    on_connect_ = std::move(handler);
    // sun_path holds the name and its terminating NUL; a longer name cannot be connected to.
    if (endpoint.path.empty() || endpoint.path.size() >= sizeof(sockaddr_un::sun_path))
      return asio::post(socket_.get_executor(), [self = shared_from_this(), this] {
        finish(std::make_error_code(std::errc::filename_too_long));
      });
    timer_.expires_after(timeout_);
    timer_.async_wait([self = shared_from_this(), this](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the connect finished first
      timed_out_ = true;
      boost::system::error_code ignored;
      socket_.close(ignored);
    });
    socket_.async_connect(stream_protocol::endpoint(endpoint.path),
                          [self = shared_from_this(), this](boost::system::error_code ec) {
                            timer_.cancel();
                            if (ec && timed_out_) return finish(errc::connect_timeout);
                            finish(to_std_error(ec));
                          });
  }

 private:
  void cancel_connect() override { timer_.cancel(); }

  void finish(std::error_code error) {
    if (auto done = std::exchange(on_connect_, nullptr)) done(error);
  }

  asio::steady_timer timer_;
  std::chrono::milliseconds timeout_;
  bool timed_out_ = false;
  ConnectHandler on_connect_;
};

}  // namespace

std::shared_ptr<Transport> make_unix_transport(asio::any_io_executor executor,
                                               const Options& options) {
  return std::make_shared<UnixTransport>(std::move(executor), options);
}

}  // namespace portmqtt::transport
