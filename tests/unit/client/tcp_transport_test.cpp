// The TCP transport against a loopback peer made with plain Asio in the test.
#include "transport/tcp.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "transport/attempt_memory.hpp"
#include "transport/errc.hpp"
#include "transport/shared_resolver.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class TcpTransportTest : public ::testing::Test {
 protected:
  // Runs the io_context until `done` holds or two seconds pass.
  template <class Pred>
  void run_until(Pred done) {
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(10ms);
      if (io_.stopped()) io_.restart();
    }
    ASSERT_TRUE(done()) << "timed out";
  }

  std::error_code connect(const std::string& host, std::uint16_t port, Options options = {}) {
    transport_ = make_tcp_transport(io_.get_executor(), options);
    std::optional<std::error_code> result;
    transport_->async_connect({Scheme::mqtt, host, port, ""},
                              [&](std::error_code ec) { result = ec; });
    run_until([&] { return result.has_value(); });
    return result.value_or(std::error_code{});
  }

  // A loopback listener whose connections get a 4 KiB receive buffer, set before the
  // handshake so that the window they announce is small.
  tcp::acceptor listen_with_small_receive_buffer() {
    tcp::acceptor acceptor{io_};
    acceptor.open(tcp::v4());
    acceptor.set_option(asio::socket_base::receive_buffer_size(4096));
    acceptor.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor.listen();
    return acceptor;
  }

  // Accepts one connection on `acceptor` while the transport connects.
  std::error_code connect_and_accept(tcp::acceptor& acceptor, const std::string& host,
                                     Options options = {}) {
    acceptor.async_accept(peer_, [](boost::system::error_code) {});
    return connect(host, acceptor.local_endpoint().port(), options);
  }

  // Writes `buffers` again and again, each write started by the last one's completion, until
  // one fails; its error lands in `error`.
  void write_until_error(std::vector<ConstByteSpan> buffers,
                         std::optional<std::error_code>& error) {
    write_more_ = [this, buffers = std::move(buffers), &error] {
      transport_->async_write(buffers, [this, &error](std::error_code ec, std::size_t) {
        if (ec)
          error = ec;
        else
          write_more_();
      });
    };
    write_more_();
  }

  asio::io_context io_;
  std::shared_ptr<Transport> transport_;
  std::function<void()> write_more_;
  tcp::socket peer_{io_};
};

TEST_F(TcpTransportTest, ConnectsToIpv4Literal) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  EXPECT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
}

TEST_F(TcpTransportTest, ConnectsToIpv6Literal) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("::1"), 0}};
  EXPECT_FALSE(connect_and_accept(acceptor, "::1"));
}

TEST_F(TcpTransportTest, TheConnectorLivesInAttemptMemoryUntilConnected) {
  // A connect storm frees every connector once connected: from the slabs of attempts, that
  // leaves no holes between what the connections keep (attempt_memory.hpp).
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  acceptor.async_accept(peer_, [](boost::system::error_code) {});
  const std::size_t before = attempt_memory_use().blocks;
  transport_ = make_tcp_transport(io_.get_executor(), {});
  EXPECT_EQ(attempt_memory_use().blocks, before + 1);  // the connector
  std::optional<std::error_code> result;
  transport_->async_connect({Scheme::mqtt, "127.0.0.1", acceptor.local_endpoint().port(), ""},
                            [&](std::error_code ec) { result = ec; });
  EXPECT_GT(attempt_memory_use().blocks, before + 1);  // its owners, deadline and first step
  run_until([&] { return result.has_value(); });
  ASSERT_FALSE(result.value_or(std::error_code{}));
  // The deadline's cancelled wait runs last, and with it goes the connector.
  run_until([&] { return attempt_memory_use().blocks == before; });
  // The connection works without it.
  const std::string hello = "hello";
  const std::vector<ConstByteSpan> buffers{bytes_of(hello)};
  std::optional<std::error_code> written;
  transport_->async_write(buffers, [&](std::error_code ec, std::size_t) { written = ec; });
  run_until([&] { return written.has_value(); });
  EXPECT_FALSE(written.value_or(std::error_code{}));
  EXPECT_EQ(attempt_memory_use().blocks, before);
}

TEST_F(TcpTransportTest, ResolvesNames) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  EXPECT_FALSE(connect_and_accept(acceptor, "localhost"));
}

// The threads of this process (/proc/self/status), or -1.
long thread_count() {
  long threads = -1;
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f) != nullptr) {
      if (std::sscanf(line, "Threads: %ld", &threads) == 1) break;
    }
    std::fclose(f);
  }
  return threads;
}

TEST_F(TcpTransportTest, ConnectingToAnAddressStartsNoThread) {
  // A name would start Asio's resolver thread for this io_context (a client with its own loop
  // would pay it for its whole life); an address is used as it is.
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  const long before = thread_count();
  ASSERT_GT(before, 0);
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  EXPECT_EQ(thread_count(), before);
}

TEST_F(TcpTransportTest, NamesOfManyLoopsAreResolvedOnOneThread) {
  // Asio's resolver would start a thread for each io_context and keep it until the context
  // ends: two loops, two threads. The process's resolver thread serves both.
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  const long before = thread_count();
  ASSERT_GT(before, 0);
  ASSERT_FALSE(connect_and_accept(acceptor, "localhost"));
  asio::io_context other;
  auto second = make_tcp_transport(other.get_executor(), {});
  std::optional<std::error_code> result;
  tcp::socket other_peer{io_};
  acceptor.async_accept(other_peer, [](boost::system::error_code) {});
  second->async_connect({Scheme::mqtt, "localhost", acceptor.local_endpoint().port(), ""},
                        [&](std::error_code ec) { result = ec; });
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!result && std::chrono::steady_clock::now() < deadline) {
    other.run_for(10ms);
    if (other.stopped()) other.restart();
    io_.poll();
  }
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(*result);
  EXPECT_LE(thread_count(), before + 1);
}

TEST(SharedResolver, TheIoContextMayGoAsSoonAsTheHandlerRan) {
  // A client's loop may end, and its io_context be destroyed, the moment the last handler
  // returns. The resolver thread must not be holding a copy of the strand then: destroying it
  // would touch the destroyed io_context (AddressSanitizer reports a use after free; the race
  // is tight here because run() returns right after the handler; busy threads make the
  // resolver thread lose its core between posting and letting go, as a loaded machine does).
  std::atomic<bool> done{false};
  std::vector<std::thread> busy;
  for (unsigned i = 0; i < 2 * std::max(1U, std::thread::hardware_concurrency()); ++i)
    busy.emplace_back([&] {
      while (!done.load(std::memory_order_relaxed)) {
      }
    });
  for (int round = 0; round < 500; ++round) {
    std::optional<boost::system::error_code> result;
    {
      asio::io_context context;
      const auto strand = asio::make_strand(context);
      resolve_on_shared_thread("localhost", 1883, strand,
                               [&](boost::system::error_code ec, tcp::resolver::results_type) {
                                 EXPECT_TRUE(strand.running_in_this_thread());
                                 result = ec;
                               });
      context.run();  // returns once the handler ran: the lookup's work was all there was
    }
    EXPECT_TRUE(result.has_value() && !*result) << "round " << round;
  }
  done = true;
  for (auto& thread : busy)
    thread.join();
}

TEST_F(TcpTransportTest, CloseRightAfterConnectingToAnAddressAbortsTheConnect) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  bool accepted = false;
  acceptor.async_accept(peer_, [&](boost::system::error_code ec) { accepted = !ec; });
  transport_ = make_tcp_transport(io_.get_executor(), {});
  std::optional<std::error_code> result;
  transport_->async_connect({Scheme::mqtt, "127.0.0.1", acceptor.local_endpoint().port(), ""},
                            [&](std::error_code ec) { result = ec; });
  EXPECT_FALSE(result.has_value()) << "the handler must not run inside async_connect";
  transport_->close();
  run_until([&] { return result.has_value(); });
  EXPECT_EQ(*result, std::error_code(ECANCELED, std::system_category()));
  io_.run_for(50ms);
  EXPECT_FALSE(accepted) << "a closed transport connected anyway";
}

TEST_F(TcpTransportTest, ASecondConnectOnOneTransportFails) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  std::optional<std::error_code> again;
  transport_->async_connect({Scheme::mqtt, "127.0.0.1", acceptor.local_endpoint().port(), ""},
                            [&](std::error_code ec) { again = ec; });
  EXPECT_FALSE(again.has_value());
  run_until([&] { return again.has_value(); });
  EXPECT_EQ(*again, std::make_error_code(std::errc::already_connected));
}

TEST_F(TcpTransportTest, RefusedConnectionKeepsErrno) {
  std::uint16_t port;
  {
    tcp::acceptor closed{io_, {asio::ip::make_address("127.0.0.1"), 0}};
    port = closed.local_endpoint().port();
  }
  std::error_code ec = connect("127.0.0.1", port);
  EXPECT_EQ(ec, std::error_code(ECONNREFUSED, std::system_category()));
  EXPECT_EQ(errno_of(ec), ECONNREFUSED);
}

TEST_F(TcpTransportTest, ConnectTimesOutWhenTheListenQueueIsFull) {
  // Backlog 0 and nobody accepting: once the queue is full Linux drops further SYNs, so the
  // transport's connect hangs until its own timeout.
  tcp::acceptor acceptor{io_};
  acceptor.open(tcp::v4());
  acceptor.bind({asio::ip::make_address("127.0.0.1"), 0});
  acceptor.listen(0);
  std::vector<std::unique_ptr<tcp::socket>> fillers;
  for (int i = 0; i < 4; ++i) {
    auto s = std::make_unique<tcp::socket>(io_);
    s->open(tcp::v4());
    s->non_blocking(true);
    // A raw non-blocking connect: Asio's synchronous connect would wait for completion.
    auto target = acceptor.local_endpoint();
    (void)::connect(s->native_handle(), target.data(), static_cast<socklen_t>(target.size()));
    fillers.push_back(std::move(s));
  }
  Options options;
  options.connect_timeout = 300ms;
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(connect("127.0.0.1", acceptor.local_endpoint().port(), options), errc::connect_timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
}

TEST_F(TcpTransportTest, GatherWriteSendsBuffersInOrder) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  std::string a = "hello", b{"\0\1", 2}, c = " world";
  std::vector<ConstByteSpan> buffers{bytes_of(a), bytes_of(b), bytes_of(c)};
  std::optional<std::size_t> written;
  transport_->async_write(buffers, [&](std::error_code ec, std::size_t n) {
    EXPECT_FALSE(ec);
    written = n;
  });
  run_until([&] { return written.has_value(); });
  EXPECT_EQ(*written, 13u);
  std::string received(13, '?');
  asio::read(peer_, asio::buffer(received));
  EXPECT_EQ(received, std::string("hello\0\1 world", 13));
}

TEST_F(TcpTransportTest, AGatherWriteOfThousandsOfBuffersBeyondTheSocketBufferArrivesInOrder) {
  // More buffers than one sendmsg() takes (1,024) and more bytes than the socket buffers hold
  // while the peer is not reading: the write resumes inside a buffer, after waiting for room.
  tcp::acceptor acceptor = listen_with_small_receive_buffer();
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  // More than the kernel lets our send buffer grow to (tcp_wmem's maximum).
  std::size_t send_buffer_max = 4 << 20;
  if (std::FILE* f = std::fopen("/proc/sys/net/ipv4/tcp_wmem", "r")) {
    std::size_t low = 0, initial = 0;
    if (std::fscanf(f, "%zu %zu %zu", &low, &initial, &send_buffer_max) != 3)
      send_buffer_max = 4 << 20;
    std::fclose(f);
  }
  std::vector<std::string> pieces;
  std::string expected;
  for (std::size_t i = 0; expected.size() < send_buffer_max + (1 << 20); ++i) {
    // Every byte differs from its neighbours (a count modulo a prime), so that a resend or a
    // skip anywhere shows.
    std::string piece(1 + i % 600, '\0');
    for (char& c : piece)
      c = static_cast<char>(expected.size() % 251 + (&c - piece.data()) % 251);
    pieces.push_back(piece);
    expected += piece;
  }
  std::vector<ConstByteSpan> buffers;
  for (const std::string& piece : pieces)
    buffers.push_back(bytes_of(piece));
  std::optional<std::size_t> written;
  transport_->async_write(buffers, [&](std::error_code ec, std::size_t n) {
    EXPECT_FALSE(ec) << ec.message();
    written = n;
  });
  // The write cannot be done yet: more than the buffers hold waits for the peer to read.
  io_.run_for(50ms);
  EXPECT_FALSE(written.has_value());
  std::string received(expected.size(), '?');
  std::optional<boost::system::error_code> read_result;
  asio::async_read(peer_, asio::buffer(received),
                   [&](boost::system::error_code ec, std::size_t) { read_result = ec; });
  run_until([&] { return written.has_value() && read_result.has_value(); });
  EXPECT_EQ(*written, expected.size());
  EXPECT_FALSE(*read_result);
  EXPECT_TRUE(received == expected) << "the bytes arrived out of order or changed";
}

TEST_F(TcpTransportTest, AsyncWriteMakesOneSystemCallAndGoesOnFromTheExecutor) {
  // The runtime starts writes under its client's mutex: inside async_write() at most one
  // sendmsg() of about 64 KiB runs, the rest once the executor runs the operation.
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  const std::string chunk(64 * 1024, 'z');
  const std::vector<ConstByteSpan> buffers(4, bytes_of(chunk));
  std::optional<std::size_t> written;
  transport_->async_write(buffers, [&](std::error_code ec, std::size_t n) {
    EXPECT_FALSE(ec);
    written = n;
  });
  EXPECT_FALSE(written.has_value());  // the handler never runs inside the call
  int readable = 0;
  ASSERT_EQ(::ioctl(peer_.native_handle(), FIONREAD, &readable), 0);
  EXPECT_LE(readable, 64 * 1024);  // loopback delivers at once: this is what the call sent
  std::string received(4 * chunk.size(), '?');
  std::optional<boost::system::error_code> read_result;
  asio::async_read(peer_, asio::buffer(received),
                   [&](boost::system::error_code ec, std::size_t) { read_result = ec; });
  run_until([&] { return written.has_value() && read_result.has_value(); });
  EXPECT_EQ(*written, 4 * chunk.size());
  EXPECT_EQ(received, std::string(4 * chunk.size(), 'z'));
}

TEST_F(TcpTransportTest, AWriteToAPeerThatResetTheConnectionFails) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  peer_.set_option(asio::socket_base::linger(true, 0));  // close() sends RST
  peer_.close();
  const std::string chunk(64 * 1024, 'x');
  std::optional<std::error_code> failed;
  write_until_error({bytes_of(chunk), bytes_of(chunk)}, failed);
  run_until([&] { return failed.has_value(); });
  EXPECT_TRUE(*failed == std::error_code(ECONNRESET, std::system_category()) ||
              *failed == std::error_code(EPIPE, std::system_category()))
      << failed->message();
}

TEST_F(TcpTransportTest, ReadsWhatThePeerWrites) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  asio::write(peer_, asio::buffer(std::string("\x20\x02\x00\x00", 4)));
  std::vector<std::uint8_t> buffer(16);
  std::size_t total = 0;
  std::function<void()> read_more = [&] {
    transport_->async_read_some({buffer.data() + total, buffer.size() - total},
                                [&](std::error_code ec, std::size_t n) {
                                  ASSERT_FALSE(ec);
                                  total += n;
                                  if (total < 4) read_more();
                                });
  };
  read_more();
  run_until([&] { return total >= 4; });
  EXPECT_EQ(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + 4),
            (std::vector<std::uint8_t>{0x20, 0x02, 0x00, 0x00}));
}

TEST_F(TcpTransportTest, PeerCloseIsEndOfStream) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  peer_.close();
  std::vector<std::uint8_t> buffer(16);
  std::optional<std::error_code> result;
  transport_->async_read_some(buffer, [&](std::error_code ec, std::size_t) { result = ec; });
  run_until([&] { return result.has_value(); });
  EXPECT_EQ(*result, errc::end_of_stream);
}

TEST_F(TcpTransportTest, CloseAbortsPendingReadAndTransportMayBeDroppedAtOnce) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  std::vector<std::uint8_t> buffer(16);
  std::optional<std::error_code> result;
  transport_->async_read_some(buffer, [&](std::error_code ec, std::size_t) { result = ec; });
  transport_->close();
  transport_.reset();  // pending handler keeps the object alive
  run_until([&] { return result.has_value(); });
  EXPECT_EQ(*result, std::error_code(ECANCELED, std::system_category()));
}

TEST_F(TcpTransportTest, WaitsForBytesWithoutABufferAndReadsThemAfterwards) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  std::optional<std::error_code> readable;
  ASSERT_TRUE(transport_->async_wait_readable([&](std::error_code ec) { readable = ec; }));
  io_.run_for(50ms);
  if (io_.stopped()) io_.restart();
  EXPECT_FALSE(readable.has_value());  // nothing sent yet: still waiting
  asio::write(peer_, asio::buffer(std::string("\xd0\x00", 2)));
  run_until([&] { return readable.has_value(); });
  EXPECT_FALSE(*readable);
  // The wait consumed nothing: the bytes are all there for the read.
  std::vector<std::uint8_t> buffer(16);
  std::optional<std::size_t> got;
  transport_->async_read_some(buffer, [&](std::error_code ec, std::size_t n) {
    EXPECT_FALSE(ec);
    got = n;
  });
  run_until([&] { return got.has_value(); });
  ASSERT_EQ(*got, 2u);
  EXPECT_EQ(buffer[0], 0xd0);
  EXPECT_EQ(buffer[1], 0x00);
}

TEST_F(TcpTransportTest, CloseAbortsAWaitForBytes) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  std::optional<std::error_code> result;
  ASSERT_TRUE(transport_->async_wait_readable([&](std::error_code ec) { result = ec; }));
  transport_->close();
  transport_.reset();  // the pending handler keeps the object alive
  run_until([&] { return result.has_value(); });
  EXPECT_EQ(*result, std::error_code(ECANCELED, std::system_category()));
}

TEST_F(TcpTransportTest, KeepAliveOptionsAreAccepted) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  Options options;
  options.keep_alive = {.enabled = true, .idle = 7s, .interval = 3s, .count = 4};
  EXPECT_FALSE(connect_and_accept(acceptor, "127.0.0.1", options));
}

TEST_F(TcpTransportTest, BindsToLoopbackInterface) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  Options options;
  options.interface_name = "lo";
  std::error_code ec = connect_and_accept(acceptor, "127.0.0.1", options);
  if (ec == std::error_code(EPERM, std::system_category())) GTEST_SKIP() << "needs CAP_NET_RAW";
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(TcpTransportTest, UnknownInterfaceFailsWithErrno) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  Options options;
  options.interface_name = "nosuchif0";
  std::error_code ec = connect("127.0.0.1", acceptor.local_endpoint().port(), options);
  EXPECT_TRUE(ec == std::error_code(ENODEV, std::system_category()) ||
              ec == std::error_code(EPERM, std::system_category()))
      << ec.message();
  EXPECT_NE(errno_of(ec), 0);
}

TEST_F(TcpTransportTest, EverySchemeHasATransport) {
  for (Scheme scheme : {Scheme::mqtt, Scheme::mqtts, Scheme::ws, Scheme::wss}) {
    std::shared_ptr<Transport> t;
    EXPECT_FALSE(make_transport(scheme, io_.get_executor(), {}, t));
    EXPECT_NE(t, nullptr);
  }
}

// The socket of this process whose local port is `port`, found among our open descriptors
// (the transport does not expose its socket).
int socket_with_local_port(std::uint16_t port) {
  for (int fd = 0; fd < 1024; ++fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
    if (address.ss_family != AF_INET) continue;
    if (ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port) == port) return fd;
  }
  return -1;
}

TEST_F(TcpTransportTest, UserTimeoutReachesTheSocketForEveryScheme) {
  for (Scheme scheme : {Scheme::mqtt, Scheme::mqtts, Scheme::ws, Scheme::wss}) {
    SCOPED_TRACE(static_cast<int>(scheme));
    tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
    Options options;
    options.user_timeout = 1500ms;
    options.tls.skip_verification = true;
    std::shared_ptr<Transport> t;
    ASSERT_FALSE(make_transport(scheme, io_.get_executor(), options, t));
    tcp::socket peer{io_};
    bool accepted = false;
    acceptor.async_accept(peer, [&](boost::system::error_code ec) { accepted = !ec; });
    // The TLS and WebSocket handshakes wait for a peer that never answers: the option is
    // set before connect(), so it is on the socket while they wait.
    t->async_connect({scheme, "127.0.0.1", acceptor.local_endpoint().port(), "/"},
                     [](std::error_code) {});
    run_until([&] { return accepted; });
    const int fd = socket_with_local_port(peer.remote_endpoint().port());
    ASSERT_GE(fd, 0);
    unsigned int value = 0;
    socklen_t length = sizeof value;
    ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &value, &length), 0);
    EXPECT_EQ(value, 1500U);
    t->close();
    io_.run_for(20ms);
  }
}

TEST_F(TcpTransportTest, WithoutUserTimeoutTheSystemDefaultStays) {
  tcp::acceptor acceptor{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1"));
  const int fd = socket_with_local_port(peer_.remote_endpoint().port());
  ASSERT_GE(fd, 0);
  unsigned int value = 1;
  socklen_t length = sizeof value;
  ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &value, &length), 0);
  EXPECT_EQ(value, 0U);
}

TEST_F(TcpTransportTest, UserTimeoutEndsAConnectionWhosePeerStopsReading) {
  // A peer that accepts but never reads, with a small receive buffer: our writes fill its
  // window, the kernel probes the closed window, and TCP_USER_TIMEOUT ends the connection
  // with ETIMEDOUT, where Linux alone would keep probing for as long as the peer answers.
  tcp::acceptor acceptor = listen_with_small_receive_buffer();
  Options options;
  options.user_timeout = 500ms;
  ASSERT_FALSE(connect_and_accept(acceptor, "127.0.0.1", options));
  std::vector<std::uint8_t> buffer(16);
  std::optional<std::error_code> read_result;
  transport_->async_read_some(buffer, [&](std::error_code ec, std::size_t) { read_result = ec; });
  const std::string chunk(64 * 1024, 'x');
  std::optional<std::error_code> write_error;
  write_until_error({bytes_of(chunk)}, write_error);
  // Bounded: the kernel gives up about 0.5 s after the window closed.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!(read_result || write_error) && std::chrono::steady_clock::now() < deadline) {
    io_.run_for(10ms);
    if (io_.stopped()) io_.restart();
  }
  const std::error_code timed_out(ETIMEDOUT, std::system_category());
  ASSERT_TRUE(read_result || write_error) << "the connection was not dropped";
  EXPECT_TRUE(read_result == timed_out || write_error == timed_out)
      << (read_result ? read_result->message() : write_error->message());
  transport_->close();
  io_.run_for(20ms);
}

}  // namespace
}  // namespace portmqtt::transport
