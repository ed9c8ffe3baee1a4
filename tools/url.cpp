#include "url.hpp"

#include <cctype>
#include <charconv>

#include "options.hpp"

namespace portmqtt::tools {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string percent_decode(const std::string& text, const std::string& what,
                           const std::string& flag) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0)
      throw UsageError("Invalid percent-encoding in the " + what + " of " + flag + " '" +
                       text.substr(i, 3) + "': '%' must be followed by two hexadecimal digits.");
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
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
  UrlParts parts;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw bad("no scheme");
  const auto scheme = lower(url.substr(0, scheme_end));
  if (scheme == "mqtt")
    parts.transport = TransportKind::tcp;
  else if (scheme == "mqtts")
    parts.transport = TransportKind::tls;
  else if (scheme == "ws")
    parts.transport = TransportKind::websocket;
  else if (scheme == "wss")
    parts.transport = TransportKind::websocket_secure;
  else
    throw bad("unknown scheme '" + scheme + "'");
  const std::string rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  if (slash == std::string::npos) throw bad("no topic (the part after the host)");
  parts.topic = rest.substr(slash + 1);
  std::string authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    const auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    parts.username = percent_decode(userinfo.substr(0, colon), "user name");
    if (colon != std::string::npos)
      parts.password = percent_decode(userinfo.substr(colon + 1), "password");
  }
  auto colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) throw bad("unclosed '['");
    parts.host = authority.substr(1, close - 1);
    colon = authority.find(':', close);
    if (colon == std::string::npos && close + 1 != authority.size())
      throw bad("unexpected text after ']'");
    if (colon != std::string::npos && colon != close + 1) throw bad("unexpected text after ']'");
  } else {
    parts.host = authority.substr(0, colon);
  }
  if (colon != std::string::npos) {
    const auto text = authority.substr(colon + 1);
    int port = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, port);
    if (ec != std::errc{} || ptr != end || port < 1 || port > 65535)
      throw bad("invalid port '" + text + "' (use 1..65535)");
    parts.port = port;
  }
  if (parts.host.empty()) throw bad("no host");
  return parts;
}

}  // namespace portmqtt::tools
