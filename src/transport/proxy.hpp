// Reaching the broker through a proxy: HTTP CONNECT (RFC 9110 §9.3.6, Basic authentication
// per RFC 7617) or SOCKS5 (RFC 1928, username/password per RFC 1929). The proxy resolves the
// broker's name (SOCKS5 asks with the domain name, "remote DNS"), so the broker's name never
// has to resolve locally. TLS and WebSocket run inside the tunnel unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/asio/ip/tcp.hpp>

namespace portmqtt::transport {

/// Proxy failures. Each names the proxy's part: the broker's own errors keep their codes.
enum class proxy_errc {
  invalid_proxy_uri = 1,        ///< not http:// socks5:// or socks5h:// with a host
  proxy_refused,                ///< the proxy would not open the tunnel (HTTP status, SOCKS reply)
  proxy_authentication_failed,  ///< credentials missing or refused (HTTP 407, SOCKS auth)
  proxy_protocol_error,         ///< the proxy's answer is not HTTP / SOCKS5
  proxy_host_unreachable,       ///< the proxy cannot reach the broker (SOCKS 3/4/5, HTTP 502/504)
};
const std::error_category& proxy_category() noexcept;
std::error_code make_error_code(proxy_errc e) noexcept;

struct Proxy {
  enum class Kind : std::uint8_t { none, http, socks5 };
  Kind kind = Kind::none;
  std::string host;  ///< IPv6 literals without brackets
  std::uint16_t port = 0;
  std::optional<std::string> username;  ///< percent-decoded
  std::optional<std::string> password;
  /// socks5h:// and http://: the proxy resolves the broker's name. socks5://: it is resolved
  /// here and the proxy is given the address (curl's convention for the two SOCKS5 schemes).
  bool remote_dns = true;
};

/// Parses `http://[user[:password]@]host[:port]` (port 8080 when absent) or
/// `socks5://...` / `socks5h://...` (port 1080; socks5h lets the proxy resolve the broker's
/// name, socks5 resolves it here). Fails with proxy_errc::invalid_proxy_uri.
std::error_code parse_proxy_uri(std::string_view text, Proxy& out);

/// Turns `socket`, connected to the proxy, into a tunnel to host:port. No deadline of its own:
/// the caller closes the socket when its deadline passes, which ends the handshake.
void async_proxy_handshake(boost::asio::ip::tcp::socket& socket, const Proxy& proxy,
                           const std::string& host, std::uint16_t port,
                           std::function<void(std::error_code)> handler);

}  // namespace portmqtt::transport

template <>
struct std::is_error_code_enum<portmqtt::transport::proxy_errc> : std::true_type {};
