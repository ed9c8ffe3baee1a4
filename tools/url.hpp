// The -L URL of the tools: scheme://[user[:password]@]host[:port]/topic, as mosquitto's tools
// take it (with ws and wss added).
#pragma once

#include <optional>
#include <string>

#include "portmqtt/config.hpp"

namespace portmqtt::tools {

struct UrlParts {
  TransportKind transport = TransportKind::tcp;
  std::string host;
  int port = 0;  ///< 0: not given
  std::optional<std::string> username, password;
  std::string topic;
};

/// Decodes %XX escapes. Throws UsageError naming `what` (and the option, `flag`) on a '%' not
/// followed by two hexadecimal digits.
std::string percent_decode(const std::string& text, const std::string& what,
                           const std::string& flag = "-L");

/// Escapes every byte but RFC 3986's unreserved characters as %XX (for a URI's user info).
std::string percent_encode(const std::string& text);

/// `host:port`, with an IPv6 literal in brackets.
std::string host_port(const std::string& host, int port);

/// A broker of a list in the form BrokerConfig::failover_uris takes:
/// scheme://[user[:password]@]host[:port] (no port when `port` is 0).
std::string broker_uri(TransportKind transport, const std::string& host, int port,
                       const std::optional<std::string>& username,
                       const std::optional<std::string>& password);

/// Splits a -L URL; throws UsageError with the reason on anything else.
UrlParts parse_url(const std::string& url);

}  // namespace portmqtt::tools
