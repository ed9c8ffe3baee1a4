// The --proxy URL of the tools. mosquitto 2's tools take socks5h://[user[:password]@]host[:port]
// (SOCKS5, the proxy resolves the broker's name, port 1080); portmqtt takes socks5:// (the
// broker's name resolved here) and http:// (HTTP CONNECT with Basic authentication, port 8080)
// as well.
#pragma once

#include <optional>
#include <string>

namespace portmqtt::tools {

struct ProxyUrl {
  std::string scheme;                             ///< socks5h, socks5 or http (lower case)
  std::string host;                               ///< IPv6 literals without brackets
  int port = 0;                                   ///< the scheme's default when the URL gives none
  std::optional<std::string> username, password;  ///< percent-decoded
};

/// Splits a --proxy URL; throws UsageError in mosquitto's words ("Unsupported proxy protocol",
/// "Invalid proxy", "Invalid proxy port") with the reason.
ProxyUrl parse_proxy_url(const std::string& text);

/// The URL again in the form NetworkConfig::proxy takes: scheme://[user[:password]@]host:port
/// with the user name and password percent-encoded.
std::string proxy_uri(const ProxyUrl& proxy);

}  // namespace portmqtt::tools
