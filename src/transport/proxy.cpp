#include "transport/proxy.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <charconv>
#include <vector>

#include "common/error_category.hpp"
#include "transport/system_error.hpp"
#include "transport/uri.hpp"

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;

std::string describe(proxy_errc e) {
  switch (e) {
    case proxy_errc::invalid_proxy_uri:
      return "invalid proxy URI (use http://, socks5:// or socks5h://host:port)";
    case proxy_errc::proxy_refused:
      return "the proxy refused to open a tunnel to the broker";
    case proxy_errc::proxy_authentication_failed:
      return "the proxy refused the credentials (or asked for some)";
    case proxy_errc::proxy_protocol_error:
      return "the proxy answered with something that is not HTTP CONNECT / SOCKS5";
    case proxy_errc::proxy_host_unreachable:
      return "the proxy cannot reach the broker";
  }
  return "unknown proxy error";
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto byte = [&](std::size_t k) -> unsigned {
    return k < in.size() ? static_cast<unsigned char>(in[k]) : 0u;
  };
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
  }
  return out;
}

std::string authority(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// One handshake: the buffers and the steps, kept alive by the pending operation.
struct Handshake : std::enable_shared_from_this<Handshake> {
  Handshake(asio::ip::tcp::socket& s, Proxy p, std::string h, std::uint16_t pt,
            std::function<void(std::error_code)> done)
      : socket(s), proxy(std::move(p)), host(std::move(h)), port(pt), handler(std::move(done)) {}

  asio::ip::tcp::socket& socket;
  Proxy proxy;
  std::string host;
  std::uint16_t port;
  std::function<void(std::error_code)> handler;
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> in;
  std::string text;

  void finish(std::error_code ec) {
    if (auto h = std::exchange(handler, nullptr)) h(ec);
  }

  // Writes `out`, then reads exactly `n` bytes into `in` and calls `next`.
  template <class Next>
  void exchange(std::size_t n, Next next) {
    auto self = shared_from_this();
    asio::async_write(socket, asio::buffer(out),
                      [self, n, next](boost::system::error_code ec, std::size_t) mutable {
                        if (ec) return self->finish(to_std_error(ec));
                        self->read_exactly(n, std::move(next));
                      });
  }
  template <class Next>
  void read_exactly(std::size_t n, Next next) {
    auto self = shared_from_this();
    in.resize(n);
    asio::async_read(socket, asio::buffer(in),
                     [self, next](boost::system::error_code ec, std::size_t) mutable {
                       if (ec) return self->finish(to_std_error(ec));
                       next();
                     });
  }

  // --- HTTP CONNECT ---------------------------------------------------------------------
  void http() {
    const std::string target = authority(host, port);
    text = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
    if (proxy.username) {
      text += "Proxy-Authorization: Basic " +
              base64(*proxy.username + ":" + proxy.password.value_or("")) + "\r\n";
    }
    text += "\r\n";
    auto self = shared_from_this();
    asio::async_write(
        socket, asio::buffer(text), [self](boost::system::error_code ec, std::size_t) {
          if (ec) return self->finish(to_std_error(ec));
          self->text.clear();
          // The broker never speaks first, so nothing but the proxy's answer can arrive here.
          asio::async_read_until(
              self->socket, asio::dynamic_buffer(self->text, 16 * 1024), "\r\n\r\n",
              [self](boost::system::error_code e, std::size_t) {
                if (e) {
                  return self->finish(e == asio::error::eof
                                          ? make_error_code(proxy_errc::proxy_protocol_error)
                                          : to_std_error(e));
                }
                self->http_answer();
              });
        });
  }
  void http_answer() {
    // "HTTP/1.x NNN reason"
    if (text.size() < 12 || text.compare(0, 5, "HTTP/") != 0) {
      return finish(proxy_errc::proxy_protocol_error);
    }
    const std::size_t space = text.find(' ');
    unsigned status = 0;
    if (space == std::string::npos ||
        std::from_chars(text.data() + space + 1, text.data() + text.size(), status).ec !=
            std::errc{}) {
      return finish(proxy_errc::proxy_protocol_error);
    }
    if (status >= 200 && status < 300) return finish({});
    // 407 is the proxy's own code; tinyproxy 1.11 answers wrong credentials with 401.
    if (status == 407 || status == 401) return finish(proxy_errc::proxy_authentication_failed);
    if (status == 502 || status == 504) return finish(proxy_errc::proxy_host_unreachable);
    finish(proxy_errc::proxy_refused);
  }

  // --- SOCKS5 ---------------------------------------------------------------------------
  void socks5() {
    out = {0x05, 0x01, 0x00};                            // version 5, one method: no authentication
    if (proxy.username) out = {0x05, 0x02, 0x00, 0x02};  // or username/password
    exchange(2, [this] { socks5_method(); });
  }
  void socks5_method() {
    if (in[0] != 0x05) return finish(proxy_errc::proxy_protocol_error);
    if (in[1] == 0x00) return socks5_request();
    if (in[1] != 0x02 || !proxy.username) return finish(proxy_errc::proxy_authentication_failed);
    const std::string& user = *proxy.username;
    const std::string pass = proxy.password.value_or("");
    if (user.size() > 255 || pass.size() > 255) {
      return finish(proxy_errc::proxy_authentication_failed);
    }
    out = {0x01, static_cast<std::uint8_t>(user.size())};  // RFC 1929, version 1
    out.insert(out.end(), user.begin(), user.end());
    out.push_back(static_cast<std::uint8_t>(pass.size()));
    out.insert(out.end(), pass.begin(), pass.end());
    exchange(2, [this] {
      if (in[1] != 0x00) return finish(proxy_errc::proxy_authentication_failed);
      socks5_request();
    });
  }
  void socks5_request() {
    out = {0x05, 0x01, 0x00};  // version, CONNECT, reserved
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec && address.is_v4()) {
      out.push_back(0x01);
      const auto bytes = address.to_v4().to_bytes();
      out.insert(out.end(), bytes.begin(), bytes.end());
    } else if (!ec && address.is_v6()) {
      out.push_back(0x04);
      const auto bytes = address.to_v6().to_bytes();
      out.insert(out.end(), bytes.begin(), bytes.end());
    } else {
      if (host.size() > 255) return finish(proxy_errc::proxy_refused);
      out.push_back(0x03);  // a domain name: the proxy resolves it
      out.push_back(static_cast<std::uint8_t>(host.size()));
      out.insert(out.end(), host.begin(), host.end());
    }
    out.push_back(static_cast<std::uint8_t>(port >> 8));
    out.push_back(static_cast<std::uint8_t>(port & 0xFF));
    exchange(5, [this] { socks5_reply(); });
  }
  void socks5_reply() {
    // VER REP RSV ATYP and the first byte of the bound address.
    if (in[0] != 0x05) return finish(proxy_errc::proxy_protocol_error);
    switch (in[1]) {
      case 0x00:
        break;
      case 0x03:  // network unreachable
      case 0x04:  // host unreachable
      case 0x05:  // connection refused
      case 0x06:  // TTL expired
        return finish(proxy_errc::proxy_host_unreachable);
      default:
        return finish(proxy_errc::proxy_refused);
    }
    std::size_t rest = 0;  // what follows the byte already read
    switch (in[3]) {
      case 0x01:
        rest = 3 + 2;
        break;
      case 0x04:
        rest = 15 + 2;
        break;
      case 0x03:
        rest = in[4] + 2u;
        break;
      default:
        return finish(proxy_errc::proxy_protocol_error);
    }
    read_exactly(rest, [this] { finish({}); });
  }
};

}  // namespace

const std::error_category& proxy_category() noexcept {
  static const detail::EnumCategory<proxy_errc> category{"portmqtt.proxy", describe};
  return category;
}

std::error_code make_error_code(proxy_errc e) noexcept {
  return {static_cast<int>(e), proxy_category()};
}

std::error_code parse_proxy_uri(std::string_view text, Proxy& out) {
  UriParts parts;
  if (parse_uri_parts(text, kProxySchemes, parts)) return proxy_errc::invalid_proxy_uri;
  if (!parts.path.empty() && parts.path != "/") return proxy_errc::invalid_proxy_uri;
  Proxy proxy;
  if (parts.scheme == "http") {
    proxy.kind = Proxy::Kind::http;
    proxy.port = 8080;
  } else {
    proxy.kind = Proxy::Kind::socks5;
    proxy.port = 1080;
    proxy.remote_dns = parts.scheme == "socks5h";
  }
  if (parts.port) proxy.port = *parts.port;
  proxy.host = std::move(parts.host);
  proxy.username = std::move(parts.username);
  proxy.password = std::move(parts.password);
  out = std::move(proxy);
  return {};
}

void async_proxy_handshake(asio::ip::tcp::socket& socket, const Proxy& proxy,
                           const std::string& host, std::uint16_t port,
                           std::function<void(std::error_code)> handler) {
  auto handshake = std::make_shared<Handshake>(socket, proxy, host, port, std::move(handler));
  if (proxy.kind == Proxy::Kind::http) {
    handshake->http();
  } else {
    handshake->socks5();
  }
}

}  // namespace portmqtt::transport
