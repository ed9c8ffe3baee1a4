#include "proxy_url.hpp"

#include <charconv>

#include "options.hpp"
#include "url.hpp"

namespace portmqtt::tools {
namespace {

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

int default_port(const std::string& scheme) {
  return scheme == "http" ? 8080 : 1080;
}

}  // namespace

ProxyUrl parse_proxy_url(const std::string& text) {
  const auto unsupported = [&] {
    return UsageError("Unsupported proxy protocol: " + text +
                      " (use socks5h://, socks5:// or http://).");
  };
  const auto invalid = [&](const std::string& why) {
    return UsageError("Invalid proxy '" + text + "': " + why +
                      ". Use socks5h://[username[:password]@]hostname[:port].");
  };
  ProxyUrl proxy;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) throw unsupported();
  proxy.scheme = lower(text.substr(0, scheme_end));
  if (proxy.scheme != "socks5h" && proxy.scheme != "socks5" && proxy.scheme != "http")
    throw unsupported();
  std::string authority = text.substr(scheme_end + 3);
  if (const auto slash = authority.find('/'); slash != std::string::npos) {
    if (slash + 1 != authority.size()) throw invalid("a path after the host");
    authority.resize(slash);
  }
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    const auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    proxy.username = percent_decode(userinfo.substr(0, colon), "user name", "--proxy");
    if (colon != std::string::npos)
      proxy.password = percent_decode(userinfo.substr(colon + 1), "password", "--proxy");
    if (proxy.username->empty()) throw invalid("an empty user name");
  }
  auto colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) throw invalid("unclosed '['");
    proxy.host = authority.substr(1, close - 1);
    colon = close + 1 < authority.size() ? close + 1 : std::string::npos;
    if (colon != std::string::npos && authority[colon] != ':')
      throw invalid("unexpected text after ']'");
  } else {
    proxy.host = authority.substr(0, colon);
  }
  if (proxy.host.empty()) throw invalid("no host name");
  if (proxy.host.find_first_of(" \t@[]") != std::string::npos)
    throw invalid("'" + proxy.host + "' is not a host name");
  proxy.port = default_port(proxy.scheme);
  if (colon != std::string::npos) {
    const auto digits = authority.substr(colon + 1);
    int port = 0;
    const auto* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, port);
    if (ec != std::errc{} || ptr != end || port < 1 || port > 65535)
      throw UsageError("Invalid proxy port '" + digits + "' in '" + text + "' (use 1..65535).");
    proxy.port = port;
  }
  return proxy;
}

std::string proxy_uri(const ProxyUrl& proxy) {
  std::string uri = proxy.scheme + "://";
  if (proxy.username) {
    uri += percent_encode(*proxy.username);
    if (proxy.password) uri += ":" + percent_encode(*proxy.password);
    uri += "@";
  }
  return uri + host_port(proxy.host, proxy.port);
}

}  // namespace portmqtt::tools
