// Beast lives in this file only. The WebSocket runs over the Transport interface (TCP or
// TLS), so TLS stays in tls.cpp and wss gets every TLS option for free.
#include "transport/ws.hpp"

#include <utility>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>

#include "transport/errc.hpp"
#include "transport/system_error.hpp"
#include "transport/tls_errc.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;

boost::system::error_code to_boost_error(std::error_code ec) {
  if (!ec) return {};
  if (ec == errc::end_of_stream) return asio::error::eof;
  if (ec == std::errc::operation_canceled) return asio::error::operation_aborted;
  return boost::system::error_code(ec);
}

// The first non-empty buffer of a sequence (Beast passes one buffer at a time anyway).
template <class Buffers>
auto first_buffer(const Buffers& buffers) {
  for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
       ++it)
    if (asio::buffer_size(*it) != 0) return *it;
  return *asio::buffer_sequence_begin(buffers);
}

// Adapts a Transport to the AsyncStream concept Beast's websocket::stream needs.
class TransportStream {
 public:
  using executor_type = asio::any_io_executor;

  TransportStream(executor_type executor, std::shared_ptr<Transport> inner)
      : executor_(std::move(executor)), inner_(std::move(inner)) {}

  executor_type get_executor() const noexcept { return executor_; }
  Transport& inner() { return *inner_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, asio::mutable_buffer b) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          inner_->async_read_some(
              ByteSpan{static_cast<std::uint8_t*>(b.data()), b.size()},
              [shared](std::error_code ec, std::size_t n) { (*shared)(to_boost_error(ec), n); });
        },
        token, asio::mutable_buffer(first_buffer(buffers)));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, asio::const_buffer b) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          write_span_ = ConstByteSpan{static_cast<const std::uint8_t*>(b.data()), b.size()};
          inner_->async_write(
              std::span<const ConstByteSpan>(&write_span_, 1),
              [shared](std::error_code ec, std::size_t n) { (*shared)(to_boost_error(ec), n); });
        },
        token, asio::const_buffer(first_buffer(buffers)));
  }

 private:
  executor_type executor_;
  std::shared_ptr<Transport> inner_;
  ConstByteSpan write_span_;
};

// Beast's closing handshake and its timeouts end with closing the layer below.
void beast_close_socket(TransportStream& stream) {
  stream.inner().close();
}

[[maybe_unused]] void teardown(beast::role_type, TransportStream& stream,
                               boost::system::error_code& ec) {
  stream.inner().close();
  ec = {};
}

template <class Handler>
void async_teardown(beast::role_type, TransportStream& stream, Handler&& handler) {
  stream.inner().close();
  asio::post(stream.get_executor(),
             [h = std::forward<Handler>(handler)]() mutable { h(boost::system::error_code{}); });
}

class WsTransport final : public Transport {
 public:
  WsTransport(asio::any_io_executor executor, const Options& options,
              std::shared_ptr<Transport> inner)
      : inner_(inner), ws_(executor, std::move(inner)), timer_(executor), options_(options) {}

  void async_connect(const Endpoint& endpoint, ConnectHandler handler) override {
    on_connect_ = std::move(handler);
    const auto started = std::chrono::steady_clock::now();
    inner_->async_connect(
        endpoint, [self = shared_from_this(), this, endpoint, started](std::error_code ec) {
          if (ec) return finish_connect(ec);
          const auto left = options_.connect_timeout - (std::chrono::steady_clock::now() - started);
          start_upgrade(endpoint, std::chrono::duration_cast<std::chrono::milliseconds>(left));
        });
  }

  void async_read_some(ByteSpan buffer, IoHandler handler) override {
    ws_.async_read_some(
        asio::buffer(buffer.data(), buffer.size()),
        [self = shared_from_this(), handler = std::move(handler)](
            boost::system::error_code ec, std::size_t n) { handler(to_io_error(ec), n); });
  }

  // Each write is one binary message; Beast fragments it as it likes.
  void async_write(std::span<const ConstByteSpan> buffers, IoHandler handler) override {
    outgoing_.clear();
    for (ConstByteSpan b : buffers)
      outgoing_.insert(outgoing_.end(), b.begin(), b.end());
    ws_.async_write(
        asio::buffer(outgoing_),
        [self = shared_from_this(), handler = std::move(handler)](
            boost::system::error_code ec, std::size_t n) { handler(to_io_error(ec), n); });
  }

  void close() override {
    timer_.cancel();
    inner_->close();
  }

  TlsDiagnostics tls_diagnostics() const override { return inner_->tls_diagnostics(); }

 private:
  void start_upgrade(const Endpoint& endpoint, std::chrono::milliseconds left) {
    timer_.expires_after(left);
    timer_.async_wait([self = shared_from_this(), this](boost::system::error_code ec) {
      if (ec) return;
      timed_out_ = true;
      inner_->close();
    });
    ws_.binary(true);
    ws_.set_option(websocket::stream_base::decorator(
        [headers = options_.ws_headers](websocket::request_type& request) {
          request.set(http::field::sec_websocket_protocol, "mqtt");
          for (const auto& [name, value] : headers)
            request.set(name, value);
        }));
    const std::string host = endpoint.host.find(':') != std::string::npos
                                 ? "[" + endpoint.host + "]:" + std::to_string(endpoint.port)
                                 : endpoint.host + ":" + std::to_string(endpoint.port);
    const std::string target = endpoint.path.empty() ? "/" : endpoint.path;
    ws_.async_handshake(response_, host, target,
                        [self = shared_from_this(), this](boost::system::error_code ec) {
                          finish_connect(ec ? upgrade_error(ec) : check_subprotocol());
                        });
  }

  std::error_code upgrade_error(const boost::system::error_code& ec) const {
    if (timed_out_) return errc::connect_timeout;
    // A refusal (any status but 101), a malformed answer, or a close before the answer.
    if (ec.category() == websocket::make_error_code(websocket::error::closed).category() ||
        ec.category() == http::make_error_code(http::error::end_of_stream).category() ||
        ec == asio::error::eof)
      return tls_errc::websocket_upgrade_failed;
    return to_io_error(ec);
  }

  std::error_code check_subprotocol() const {
    if (response_[http::field::sec_websocket_protocol] != "mqtt")
      return tls_errc::websocket_upgrade_failed;
    return {};
  }

  void finish_connect(std::error_code ec) {
    timer_.cancel();
    if (ec) inner_->close();
    if (auto done = std::exchange(on_connect_, nullptr)) done(ec);
  }

  static std::error_code to_io_error(const boost::system::error_code& ec) {
    if (!ec) return {};
    if (ec == websocket::error::closed || ec == asio::error::eof) return errc::end_of_stream;
    if (ec.category() == websocket::make_error_code(websocket::error::closed).category())
      return tls_errc::websocket_error;
    return to_std_error(ec);
  }

  std::shared_ptr<Transport> inner_;
  websocket::stream<TransportStream> ws_;
  asio::steady_timer timer_;
  Options options_;
  ConnectHandler on_connect_;
  websocket::response_type response_;
  std::vector<std::uint8_t> outgoing_;
  bool timed_out_ = false;
};

}  // namespace

std::shared_ptr<Transport> make_ws_transport(asio::any_io_executor executor, const Options& options,
                                             std::shared_ptr<Transport> inner) {
  return std::make_shared<WsTransport>(std::move(executor), options, std::move(inner));
}

}  // namespace portmqtt::transport
