// Reading, gather-writing and closing a connected Asio stream socket: what the TCP and the
// Unix-domain transports share. Each adds its own async_connect().
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "transport/system_error.hpp"
#include "transport/transport.hpp"

namespace portmqtt::transport {

template <class Socket>
class SocketTransport : public Transport {
 public:
  explicit SocketTransport(boost::asio::any_io_executor executor) : socket_(std::move(executor)) {}

  void async_read_some(ByteSpan buffer, IoHandler handler) override {
    socket_.async_read_some(
        boost::asio::buffer(buffer.data(), buffer.size()),
        [self = shared_from_this(), handler = std::move(handler)](
            boost::system::error_code ec, std::size_t n) { handler(to_std_error(ec), n); });
  }

  bool async_wait_readable(ConnectHandler handler) override {
    socket_.async_wait(Socket::wait_read,
                       [self = shared_from_this(), handler = std::move(handler)](
                           boost::system::error_code ec) { handler(to_std_error(ec)); });
    return true;
  }

  void async_write(std::span<const ConstByteSpan> buffers, IoHandler handler) override {
    gather_.clear();
    for (ConstByteSpan b : buffers)
      gather_.emplace_back(b.data(), b.size());
    boost::asio::async_write(
        socket_, gather_,
        [self = shared_from_this(), handler = std::move(handler)](
            boost::system::error_code ec, std::size_t n) { handler(to_std_error(ec), n); });
  }

  void close() override {
    boost::system::error_code ignored;
    cancel_connect();
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 protected:
  /// Stops a connect in progress (its timer, its resolver).
  virtual void cancel_connect() = 0;

  Socket socket_;

 private:
  std::vector<boost::asio::const_buffer> gather_;
};

}  // namespace portmqtt::transport
