#include "proxy_url.hpp"

#include "options.hpp"
#include "portmqtt/uri.hpp"
#include "url.hpp"

namespace portmqtt::tools {

ProxyUrl parse_proxy_url(const std::string& text) {
  const auto unsupported = [&] {
    return UsageError("Unsupported proxy protocol: " + text +
                      " (use socks5h://, socks5:// or http://).");
  };
  const auto invalid = [&](const std::string& why) {
    return UsageError("Invalid proxy '" + text + "': " + why +
                      ". Use socks5h://[username[:password]@]hostname[:port].");
  };
  UriParts uri;
  if (auto problem = parse_uri(text, uri, kProxyUriSchemes)) {
    if (problem->part == UriPart::scheme) throw unsupported();
    if (problem->part == UriPart::port)
      throw UsageError("Invalid proxy port '" + problem->text + "' in '" + text +
                       "' (use 1..65535).");
    if (problem->part == UriPart::host) throw invalid("no host name");
    throw uri_usage_error(*problem, "--proxy", invalid);
  }
  if (!uri.path.empty() && uri.path != "/") throw invalid("a path after the host");
  if (uri.username && uri.username->empty()) throw invalid("an empty user name");
  // A decoded name that would read differently once written into a URL again.
  if (uri.host.find_first_of(" \t@[]/?#%") != std::string::npos)
    throw invalid("'" + uri.host + "' is not a host name");
  ProxyUrl proxy;
  proxy.scheme = std::move(uri.scheme);
  proxy.host = std::move(uri.host);
  proxy.port = uri.port.value_or(proxy.scheme == "http" ? 8080 : 1080);
  proxy.username = std::move(uri.username);
  proxy.password = std::move(uri.password);
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
