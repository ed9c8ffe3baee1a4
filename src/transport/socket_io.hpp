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
    auto done = [self = shared_from_this(), handler = std::move(handler)](
                    boost::system::error_code ec, std::size_t n) { handler(to_std_error(ec), n); };
    if (buffers.size() == 1) {
      // One buffer (a lone packet: CONNECT, PINGREQ): Asio's write of a sequence gathers up
      // to 64 buffers in an array on the stack (about 1 KiB in its send, 0.7 KiB here), which
      // made the first write the deepest point of an own-loop client's thread.
      boost::asio::async_write(socket_, boost::asio::buffer(buffers[0].data(), buffers[0].size()),
                               std::move(done));
      return;
    }
    gather_.clear();
    for (ConstByteSpan b : buffers)
      gather_.emplace_back(b.data(), b.size());
    boost::asio::async_write(socket_, gather_, std::move(done));
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
