// The -L URL of the tools: scheme://[user[:password]@]host[:port]/topic, as mosquitto's tools
// take it (with ws and wss added).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "options.hpp"
#include "portmqtt/config.hpp"
#include "portmqtt/uri.hpp"

namespace portmqtt::tools {

struct UrlParts {
  TransportKind transport = TransportKind::tcp;
  std::string host;
  int port = 0;  ///< 0: not given
  std::optional<std::string> username, password;
  std::string topic;
};

/// The UsageError for a URI the library's parser refused, given as option `flag`: a bad
/// escape in the user info in the tools' words, else `bad(reason)` with the reason ("no
/// scheme", "unknown scheme 'foo'", "no host", "invalid port '99999' (use 1..65535)").
UsageError uri_usage_error(const UriProblem& problem, const std::string& flag,
                           const std::function<UsageError(const std::string&)>& bad);

/// Escapes every byte but RFC 3986's unreserved characters as %XX (for a URI's user info).
std::string percent_encode(const std::string& text);

/// `host:port`, with an IPv6 literal in brackets.
std::string host_port(const std::string& host, int port);

/// A broker of a list in the form BrokerConfig::failover_uris takes:
/// scheme://[user[:password]@]host[:port] (no port when `port` is 0).
std::string broker_uri(TransportKind transport, const std::string& host, int port,
                       const std::optional<std::string>& username,
                       const std::optional<std::string>& password);

/// Splits a -L URL (portmqtt::parse_uri reads the broker part); throws UsageError with the
/// reason on anything else.
UrlParts parse_url(const std::string& url);

}  // namespace portmqtt::tools
