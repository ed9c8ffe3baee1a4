// Reading, gather-writing and closing a connected Asio stream socket: what the TCP and the
// Unix-domain transports share. Each adds its own async_connect().
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <memory>
#include <span>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>

#include "transport/gather_cursor.hpp"
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
    cursor_.assign(buffers);
    send_pending(std::move(handler), /*initiating=*/true);
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
  // Sends what the cursor holds until the socket's buffer is full, then waits until it can
  // take more (GatherCursor says why this is not Asio's async_write()). The handler travels
  // with the operation, as in Asio's: an idle connection keeps no room for one.
  void send_pending(IoHandler handler, bool initiating = false) {
    for (int calls = 0;; ++calls) {
      const std::span<iovec> iov = cursor_.pending();
      if (iov.empty()) return finish_write(std::move(handler), {});
      // One system call inside async_write(), the rest from the executor: the caller may
      // hold a lock (the runtime starts writes under its client's mutex), and every further
      // call through loopback keeps it several microseconds longer. Going on inline made a
      // QoS 0 publisher of 1 KiB messages sleep on that mutex four times as often.
      if (initiating && calls == 1) {
        boost::asio::post(socket_.get_executor(), [self = shared_from_this(), this,
                                                   handler = std::move(handler)]() mutable {
          send_pending(std::move(handler));
        });
        return;
      }
      msghdr message{};
      message.msg_iov = iov.data();
      message.msg_iovlen = iov.size();
      const ssize_t n = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        cursor_.consume(static_cast<std::size_t>(n));
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        return finish_write(std::move(handler), {errno, std::system_category()});
      socket_.async_wait(Socket::wait_write,
                         [self = shared_from_this(), this,
                          handler = std::move(handler)](boost::system::error_code ec) mutable {
                           if (ec) return finish_write(std::move(handler), to_std_error(ec));
                           send_pending(std::move(handler));
                         });
      return;
    }
  }

  // The handler runs from the executor, never inside async_write() (as with Asio's own
  // operations): the caller may hold a lock the handler takes.
  void finish_write(IoHandler handler, std::error_code ec) {
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this(), handler = std::move(handler), ec,
                       sent = cursor_.sent()]() mutable { handler(ec, sent); });
  }

  GatherCursor cursor_;
};

}  // namespace portmqtt::transport
