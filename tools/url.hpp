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

/// Decodes %XX escapes. Throws UsageError naming `what` on a '%' not followed by two
/// hexadecimal digits.
std::string percent_decode(const std::string& text, const std::string& what);

/// Splits a -L URL; throws UsageError with the reason on anything else.
UrlParts parse_url(const std::string& url);

}  // namespace portmqtt::tools
