#include "transport/gather_cursor.hpp"

#include <algorithm>
#include <cassert>

namespace portmqtt::transport {

namespace {

iovec to_iovec(ConstByteSpan bytes) {
  // sendmsg() does not write through iov_base; the cast only meets its signature.
  return {const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
}

}  // namespace

void GatherCursor::assign(std::span<const ConstByteSpan> buffers) {
  count_ = static_cast<std::uint32_t>(buffers.size());
  next_ = 0;
  sent_ = 0;
  if (count_ == 1) {
    one_ = to_iovec(buffers[0]);
    return;
  }
  many_.clear();
  many_.reserve(count_);
  for (ConstByteSpan bytes : buffers)
    many_.push_back(to_iovec(bytes));
}

std::span<iovec> GatherCursor::pending() {
  // Empty buffers have nothing to send: skipped, so that the span is empty once the bytes are out.
  while (next_ < count_ && data()[next_].iov_len == 0)
    ++next_;
  const std::size_t most = std::min<std::size_t>(count_ - next_, kMaxIovecs);
  std::size_t n = 0;
  std::size_t bytes = 0;
  while (n < most && (n == 0 || bytes < kMaxBytes))
    bytes += data()[next_ + n++].iov_len;
  return {data() + next_, n};
}

void GatherCursor::consume(std::size_t n) {
  sent_ += n;
  iovec* iov = data();
  while (n > 0) {
    assert(next_ < count_);
    iovec& first = iov[next_];
    if (n < first.iov_len) {
      first.iov_base = static_cast<std::uint8_t*>(first.iov_base) + n;
      first.iov_len -= n;
      return;
    }
    n -= first.iov_len;
    ++next_;
  }
}

}  // namespace portmqtt::transport
