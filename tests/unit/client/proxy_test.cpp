// The proxy handshakes byte by byte against a scripted proxy on loopback (plain blocking Asio
// in a thread): HTTP CONNECT (RFC 9110 §9.3.6 with RFC 7617 Basic credentials) and SOCKS5
// (RFC 1928 with RFC 1929 username/password), and proxy URI parsing.
#include "transport/proxy.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "transport/tcp.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

/// One scripted proxy connection: `script` runs on the accepted socket in a thread.
class ScriptedProxy {
 public:
  explicit ScriptedProxy(std::function<void(tcp::socket&)> script)
      : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    thread_ = std::thread([this, script = std::move(script)] {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      // Reads give up after a while, so a failed test cannot hang on its proxy.
      const timeval limit{3, 0};
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      script(socket);
    });
  }
  ~ScriptedProxy() {
    // Wakes an accept() still waiting (a test that failed before connecting).
    if (thread_.joinable()) ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    join();
  }
  /// Waits for the script to end (after its last read): its results are then safe to read.
  void join() {
    if (!thread_.joinable()) return;
    thread_.join();
    acceptor_.close();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

Bytes read_n(tcp::socket& s, std::size_t n) {
  Bytes b(n);
  boost::system::error_code ec;
  asio::read(s, asio::buffer(b), ec);
  if (ec) b.clear();
  return b;
}

void write(tcp::socket& s, const Bytes& b) {
  boost::system::error_code ec;
  asio::write(s, asio::buffer(b), ec);
}

class ProxyHandshakeTest : public ::testing::Test {
 protected:
  std::error_code connect(const std::string& proxy, const std::string& host, std::uint16_t port) {
    Options options;
    options.proxy_uri = proxy;
    options.connect_timeout = 2s;
    transport_ = make_tcp_transport(io_.get_executor(), options);
    std::optional<std::error_code> result;
    transport_->async_connect({Scheme::mqtt, host, port, ""},
                              [&](std::error_code ec) { result = ec; });
    auto deadline = std::chrono::steady_clock::now() + 3s;
    while (!result && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(10ms);
      if (io_.stopped()) io_.restart();
    }
    EXPECT_TRUE(result.has_value()) << "timed out";
    return result.value_or(std::error_code{});
  }
  // Writes through the tunnel and runs until the write completed.
  void send(const std::string& text) {
    std::optional<std::error_code> done;
    const ConstByteSpan span{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
    transport_->async_write(std::span<const ConstByteSpan>{&span, 1},
                            [&](std::error_code ec, std::size_t) { done = ec; });
    while (!done) {
      io_.run_for(10ms);
      if (io_.stopped()) io_.restart();
    }
    EXPECT_FALSE(*done);
  }

  asio::io_context io_;
  std::shared_ptr<Transport> transport_;
};

TEST_F(ProxyHandshakeTest, HttpConnectSendsTheTargetAndBasicCredentials) {
  std::string request;
  Bytes tunnelled;
  ScriptedProxy proxy([&](tcp::socket& s) {
    boost::system::error_code ec;
    asio::read_until(s, asio::dynamic_buffer(request), "\r\n\r\n", ec);
    write(s, bytes("HTTP/1.1 200 Connection established\r\n\r\n"));
    tunnelled = read_n(s, 5);
  });
  ASSERT_FALSE(connect("http://alice:wonder@127.0.0.1:" + std::to_string(proxy.port()),
                       "broker.example", 1883));
  send("hello");
  proxy.join();
  EXPECT_EQ(request,
            "CONNECT broker.example:1883 HTTP/1.1\r\n"
            "Host: broker.example:1883\r\n"
            "Proxy-Authorization: Basic YWxpY2U6d29uZGVy\r\n"  // base64("alice:wonder")
            "\r\n");
  EXPECT_EQ(tunnelled, bytes("hello"));
}

TEST_F(ProxyHandshakeTest, HttpConnectToAnIpv6LiteralUsesBrackets) {
  std::string request;
  ScriptedProxy proxy([&](tcp::socket& s) {
    boost::system::error_code ec;
    asio::read_until(s, asio::dynamic_buffer(request), "\r\n\r\n", ec);
    write(s, bytes("HTTP/1.0 200 OK\r\nX: y\r\n\r\n"));
  });
  ASSERT_FALSE(connect("http://127.0.0.1:" + std::to_string(proxy.port()), "::1", 8883));
  proxy.join();
  EXPECT_EQ(request, "CONNECT [::1]:8883 HTTP/1.1\r\nHost: [::1]:8883\r\n\r\n");
}

TEST_F(ProxyHandshakeTest, BasicCredentialsArePaddedBase64) {
  for (const auto& [userinfo, encoded] :
       {std::pair{"ab:c", "YWI6Yw=="}, std::pair{"a:", "YTo="}, std::pair{"a", "YTo="}}) {
    std::string request;
    ScriptedProxy proxy([&](tcp::socket& s) {
      boost::system::error_code ec;
      asio::read_until(s, asio::dynamic_buffer(request), "\r\n\r\n", ec);
      write(s, bytes("HTTP/1.1 200 OK\r\n\r\n"));
    });
    ASSERT_FALSE(connect(
        std::string{"http://"} + userinfo + "@127.0.0.1:" + std::to_string(proxy.port()), "b", 1));
    proxy.join();
    EXPECT_NE(request.find(std::string{"Proxy-Authorization: Basic "} + encoded + "\r\n"),
              std::string::npos)
        << request;
  }
}

TEST_F(ProxyHandshakeTest, HttpStatusesMapToProxyErrors) {
  const std::pair<const char*, proxy_errc> cases[] = {
      {"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
       proxy_errc::proxy_authentication_failed},
      {"HTTP/1.1 403 Forbidden\r\n\r\n", proxy_errc::proxy_refused},
      {"HTTP/1.1 502 Bad Gateway\r\n\r\n", proxy_errc::proxy_host_unreachable},
      {"SSH-2.0-OpenSSH\r\n\r\n", proxy_errc::proxy_protocol_error},
  };
  for (const auto& [answer, expected] : cases) {
    ScriptedProxy proxy([&, reply = std::string{answer}](tcp::socket& s) {
      std::string request;
      boost::system::error_code ec;
      asio::read_until(s, asio::dynamic_buffer(request), "\r\n\r\n", ec);
      write(s, bytes(reply));
    });
    EXPECT_EQ(connect("http://127.0.0.1:" + std::to_string(proxy.port()), "b", 1), expected)
        << answer;
  }
}

TEST_F(ProxyHandshakeTest, Socks5WithPasswordAsksForTheNameItself) {
  Bytes greeting, auth, request, tunnelled;
  ScriptedProxy proxy([&](tcp::socket& s) {
    greeting = read_n(s, 4);
    write(s, {0x05, 0x02});  // username/password, please
    auth = read_n(s, 2 + 3 + 1 + 7);
    write(s, {0x01, 0x00});  // accepted
    request = read_n(s, 4 + 1 + 9 + 2);
    write(s, {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x12, 0x34});  // succeeded, bound 127.0.0.1
    tunnelled = read_n(s, 2);
  });
  ASSERT_FALSE(connect("socks5h://bob:builder@127.0.0.1:" + std::to_string(proxy.port()),
                       "localhost", 1883));
  send("hi");
  proxy.join();
  EXPECT_EQ(greeting, (Bytes{0x05, 0x02, 0x00, 0x02}));  // v5, 2 methods: none, user/password
  EXPECT_EQ(auth, (Bytes{0x01, 3, 'b', 'o', 'b', 7, 'b', 'u', 'i', 'l', 'd', 'e', 'r'}));
  EXPECT_EQ(request, (Bytes{0x05, 0x01, 0x00,  // v5, CONNECT, reserved
                            0x03, 9,           // a domain name of 9 bytes
                            'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't',  //
                            0x07, 0x5B}));                                // port 1883
  EXPECT_EQ(tunnelled, bytes("hi"));
}

TEST_F(ProxyHandshakeTest, Socks5WithoutCredentialsAndAnIpv4Target) {
  Bytes greeting, request;
  ScriptedProxy proxy([&](tcp::socket& s) {
    greeting = read_n(s, 3);
    write(s, {0x05, 0x00});
    request = read_n(s, 4 + 4 + 2);
    // Succeeded, bound to a domain name this time (ATYP 3): its length says what follows.
    write(s, {0x05, 0x00, 0x00, 0x03, 2, 'h', 'x', 0x00, 0x01});
  });
  ASSERT_FALSE(connect("socks5://127.0.0.1:" + std::to_string(proxy.port()), "10.1.2.3", 8883));
  proxy.join();
  EXPECT_EQ(greeting, (Bytes{0x05, 0x01, 0x00}));
  EXPECT_EQ(request, (Bytes{0x05, 0x01, 0x00, 0x01, 10, 1, 2, 3, 0x22, 0xB3}));
}

TEST_F(ProxyHandshakeTest, Socks5WithoutHResolvesTheNameHere) {
  Bytes request;
  ScriptedProxy proxy([&](tcp::socket& s) {
    read_n(s, 3);
    write(s, {0x05, 0x00});
    request = read_n(s, 4 + 4 + 2);
    write(s, {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x12, 0x34});
  });
  ASSERT_FALSE(connect("socks5://127.0.0.1:" + std::to_string(proxy.port()), "localhost", 1883));
  proxy.join();
  // An IPv4 address (ATYP 1) in place of the name "localhost".
  EXPECT_EQ(request, (Bytes{0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x07, 0x5B}));
}

TEST_F(ProxyHandshakeTest, Socks5FailuresMapToProxyErrors) {
  {
    ScriptedProxy proxy([&](tcp::socket& s) {
      read_n(s, 4);
      write(s, {0x05, 0xFF});  // no acceptable method
    });
    EXPECT_EQ(connect("socks5h://u:p@127.0.0.1:" + std::to_string(proxy.port()), "b", 1),
              proxy_errc::proxy_authentication_failed);
  }
  {
    ScriptedProxy proxy([&](tcp::socket& s) {
      read_n(s, 3);
      write(s, {0x05, 0x00});
      read_n(s, 4 + 1 + 1 + 2);
      write(s, {0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0});  // connection refused by the target
    });
    EXPECT_EQ(connect("socks5h://127.0.0.1:" + std::to_string(proxy.port()), "b", 1),
              proxy_errc::proxy_host_unreachable);
  }
  {
    ScriptedProxy proxy([&](tcp::socket& s) {
      read_n(s, 3);
      write(s, {0x04, 0x5A});  // a SOCKS4 answer
    });
    EXPECT_EQ(connect("socks5h://127.0.0.1:" + std::to_string(proxy.port()), "b", 1),
              proxy_errc::proxy_protocol_error);
  }
}

TEST(ProxyUri, ParsesTheThreeSchemes) {
  Proxy p;
  ASSERT_FALSE(parse_proxy_uri("http://u:p%40ss@proxy.local:3128", p));
  EXPECT_EQ(p.kind, Proxy::Kind::http);
  EXPECT_EQ(p.host, "proxy.local");
  EXPECT_EQ(p.port, 3128);
  EXPECT_EQ(p.username, "u");
  EXPECT_EQ(p.password, "p@ss");
  ASSERT_FALSE(parse_proxy_uri("HTTP://[::1]", p));
  EXPECT_EQ(p.host, "::1");
  EXPECT_EQ(p.port, 8080);
  EXPECT_FALSE(p.username);
  ASSERT_FALSE(parse_proxy_uri("socks5h://s:1", p));
  EXPECT_EQ(p.kind, Proxy::Kind::socks5);
  EXPECT_TRUE(p.remote_dns);
  ASSERT_FALSE(parse_proxy_uri("socks5://s", p));
  EXPECT_EQ(p.port, 1080);
  EXPECT_FALSE(p.remote_dns);
  for (const char* bad : {"", "s:1", "https://s:1", "socks4://s", "http://", "http://s:0",
                          "http://s:70000", "http://s:1/x"}) {
    EXPECT_EQ(parse_proxy_uri(bad, p), proxy_errc::invalid_proxy_uri) << bad;
  }
}

}  // namespace
}  // namespace portmqtt::transport
