// GatherCursor: the iovecs of one gather write and where a partial sendmsg() left them.
#include "transport/gather_cursor.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace portmqtt::transport {
namespace {

ConstByteSpan bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string text_of(const iovec& iov) {
  return {static_cast<const char*>(iov.iov_base), iov.iov_len};
}

TEST(GatherCursor, OffersEveryBufferInOrder) {
  const std::string a = "ab", b = "cde", c = "f";
  const std::vector<ConstByteSpan> buffers{bytes_of(a), bytes_of(b), bytes_of(c)};
  GatherCursor cursor;
  cursor.assign(buffers);
  const std::span<iovec> iov = cursor.pending();
  ASSERT_EQ(iov.size(), 3u);
  EXPECT_EQ(text_of(iov[0]), "ab");
  EXPECT_EQ(text_of(iov[1]), "cde");
  EXPECT_EQ(text_of(iov[2]), "f");
  EXPECT_FALSE(cursor.pending().empty());
}

TEST(GatherCursor, APartialSendResumesInsideABuffer) {
  const std::string a = "ab", b = "cde", c = "f";
  const std::vector<ConstByteSpan> buffers{bytes_of(a), bytes_of(b), bytes_of(c)};
  GatherCursor cursor;
  cursor.assign(buffers);
  cursor.consume(3);  // "ab" and the "c" of "cde"
  std::span<iovec> iov = cursor.pending();
  ASSERT_EQ(iov.size(), 2u);
  EXPECT_EQ(text_of(iov[0]), "de");
  EXPECT_EQ(text_of(iov[1]), "f");
  EXPECT_EQ(cursor.sent(), 3u);
  cursor.consume(3);
  EXPECT_TRUE(cursor.pending().empty());
  EXPECT_EQ(cursor.sent(), 6u);
}

TEST(GatherCursor, OffersAtMostIovMaxAtATime) {
  const std::string one = "x";
  const std::vector<ConstByteSpan> buffers(GatherCursor::kMaxIovecs + 10, bytes_of(one));
  GatherCursor cursor;
  cursor.assign(buffers);
  EXPECT_EQ(cursor.pending().size(), GatherCursor::kMaxIovecs);
  cursor.consume(GatherCursor::kMaxIovecs);
  EXPECT_EQ(cursor.pending().size(), 10u);
  cursor.consume(10);
  EXPECT_TRUE(cursor.pending().empty());
}

TEST(GatherCursor, OffersAboutSixtyFourKibibytesAtATime) {
  // Buffers are offered until they reach 64 KiB: 40 + 40 KiB, then the third alone.
  const std::string big(40 * 1024, 'x');
  const std::vector<ConstByteSpan> buffers(3, bytes_of(big));
  GatherCursor cursor;
  cursor.assign(buffers);
  EXPECT_EQ(cursor.pending().size(), 2u);
  cursor.consume(2 * big.size());
  EXPECT_EQ(cursor.pending().size(), 1u);
  // A buffer larger than the limit still goes out whole, in one call.
  const std::string huge(200 * 1024, 'y');
  const std::vector<ConstByteSpan> one{bytes_of(huge)};
  cursor.assign(one);
  ASSERT_EQ(cursor.pending().size(), 1u);
  EXPECT_EQ(cursor.pending()[0].iov_len, huge.size());
}

TEST(GatherCursor, EmptyBuffersAreSteppedOver) {
  const std::string empty, a = "ab";
  const std::vector<ConstByteSpan> buffers{bytes_of(empty), bytes_of(a), bytes_of(empty)};
  GatherCursor cursor;
  cursor.assign(buffers);
  const std::span<iovec> iov = cursor.pending();
  ASSERT_EQ(iov.size(), 2u);  // "ab" and the trailing empty one: harmless to the kernel
  EXPECT_EQ(text_of(iov[0]), "ab");
  cursor.consume(2);
  EXPECT_TRUE(cursor.pending().empty());
}

TEST(GatherCursor, OneBufferAndANewWriteAfterAPartialOne) {
  const std::string a = "abcdef", b = "gh", c = "ij";
  GatherCursor cursor;
  const std::vector<ConstByteSpan> first{bytes_of(a)};
  cursor.assign(first);
  cursor.consume(4);
  ASSERT_EQ(cursor.pending().size(), 1u);
  EXPECT_EQ(text_of(cursor.pending()[0]), "ef");
  // A new write starts from its own first byte, whatever the last one left.
  const std::vector<ConstByteSpan> second{bytes_of(b), bytes_of(c)};
  cursor.assign(second);
  EXPECT_EQ(cursor.sent(), 0u);
  ASSERT_EQ(cursor.pending().size(), 2u);
  EXPECT_EQ(text_of(cursor.pending()[0]), "gh");
  cursor.assign(std::span<const ConstByteSpan>{});
  EXPECT_TRUE(cursor.pending().empty());
}

}  // namespace
}  // namespace portmqtt::transport
