// The buffers of one gather write as iovecs, and how far the kernel has taken them.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "transport/transport.hpp"

namespace portmqtt::transport {

/// The buffers of one gather write, as the iovec array sendmsg() takes, with a position: a
/// partial send leaves the cursor inside a buffer, and the next send starts there.
///
/// Why not Asio's async_write(): for a sequence of buffers it sends at most 16 of them per
/// system call. A window of QoS 1 messages is one buffer per packet (each is kept for its
/// retransmission), so 1,000 messages of 16 bytes took 63 sendmsg() calls; through loopback
/// each costs the sender several microseconds of the receiver's TCP processing, more than half
/// of the client's CPU against a fast broker. The cursor hands the kernel up to IOV_MAX.
class GatherCursor {
 public:
  /// Starts a write of `buffers`, in order. Reuses the room of the previous write.
  void assign(std::span<const ConstByteSpan> buffers);
  /// The iovecs still to send: at most kMaxIovecs of them, and no more once they reach
  /// kMaxBytes (as Asio's writes, so that one call stays short); empty once all was sent.
  std::span<iovec> pending();
  /// Takes note that the kernel took `n` more bytes (n <= what pending() offered).
  void consume(std::size_t n);
  /// Bytes sent since assign().
  std::size_t sent() const noexcept { return sent_; }

  /// The most iovecs one sendmsg() accepts on Linux (IOV_MAX; UIO_MAXIOV in the kernel).
  static constexpr std::size_t kMaxIovecs = 1024;
  /// Bytes after which pending() offers no further buffer (the first is always offered whole).
  static constexpr std::size_t kMaxBytes = 64 * 1024;

 private:
  iovec* data() noexcept { return count_ == 1 ? &one_ : many_.data(); }

  // One buffer (CONNECT, PINGREQ, a lone ack) stays inline: an idle connection's last write
  // leaves no array behind.
  iovec one_{};
  std::vector<iovec> many_;
  std::uint32_t count_ = 0;  // iovecs of this write (4 G of them would be 64 GiB of spans)
  std::uint32_t next_ = 0;   // the first one not fully sent
  std::size_t sent_ = 0;
};

}  // namespace portmqtt::transport
