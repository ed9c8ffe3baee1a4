#include "url.hpp"

#include <cctype>

namespace portmqtt::tools {

UsageError uri_usage_error(const UriProblem& problem, const std::string& flag,
                           const std::function<UsageError(const std::string&)>& bad) {
  if (!problem.text.empty() && problem.text.front() == '%' &&
      (problem.part == UriPart::username || problem.part == UriPart::password))
    return UsageError("Invalid percent-encoding in the " +
                      std::string{problem.part == UriPart::username ? "user name" : "password"} +
                      " of " + flag + " '" + problem.text +
                      "': '%' must be followed by two hexadecimal digits.");
  switch (problem.part) {
    case UriPart::scheme:
      return bad(problem.text.empty() ? "no scheme" : "unknown scheme '" + problem.text + "'");
    case UriPart::host:
      return bad("no host");
    case UriPart::port:
      return bad("invalid port '" + problem.text + "' (use 1..65535)");
    default:
      return bad(problem.message);
  }
}

std::string percent_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

std::string host_port(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string broker_uri(TransportKind transport, const std::string& host, int port,
                       const std::optional<std::string>& username,
                       const std::optional<std::string>& password) {
  std::string uri = transport == TransportKind::tls                ? "mqtts://"
                    : transport == TransportKind::websocket        ? "ws://"
                    : transport == TransportKind::websocket_secure ? "wss://"
                                                                   : "mqtt://";
  if (username) {
    uri += percent_encode(*username);
    if (password) uri += ":" + percent_encode(*password);
    uri += "@";
  }
  if (port != 0) return uri + host_port(host, port);
  return uri + (host.find(':') != std::string::npos ? "[" + host + "]" : host);
}

UrlParts parse_url(const std::string& url) {
  const auto bad = [&](const std::string& why) {
    return UsageError("Invalid URL for -L '" + url + "': " + why +
                      ". Use scheme://[user[:password]@]host[:port]/topic with scheme mqtt, "
                      "mqtts, ws or wss.");
  };
  // The topic is everything after the first '/' behind the host, taken as written: it is a
  // topic (with '#', '+', spaces), not a URI path. The broker part before it is a URI.
  const auto authority = url.find("://");
  const auto slash = authority == std::string::npos ? url.size() : url.find('/', authority + 3);
  UriParts uri;
  if (auto problem = parse_uri(std::string_view{url}.substr(0, slash), uri, kBrokerUriSchemes))
    throw uri_usage_error(*problem, "-L", bad);
  if (slash == std::string::npos) throw bad("no topic (the part after the host)");
  UrlParts parts;
  parts.transport = uri.scheme == "mqtts" ? TransportKind::tls
                    : uri.scheme == "ws"  ? TransportKind::websocket
                    : uri.scheme == "wss" ? TransportKind::websocket_secure
                                          : TransportKind::tcp;
  parts.host = std::move(uri.host);
  parts.port = uri.port.value_or(0);
  parts.username = std::move(uri.username);
  parts.password = std::move(uri.password);
  parts.topic = url.substr(slash + 1);
  return parts;
}

}  // namespace portmqtt::tools
