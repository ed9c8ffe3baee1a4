#include "transport/server_reference.hpp"

#include <charconv>

namespace portmqtt::transport {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [at, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc{} || at != end || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

bool plain_host(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    // A host name or IPv4 literal: no separators a URI or userinfo would bring.
    if (c == '/' || c == '@' || c == '[' || c == ']' || c == '?' || c == '#' ||
        static_cast<unsigned char>(c) <= 0x20) {
      return false;
    }
  }
  return true;
}

std::optional<ServerAddress> parse_entry(std::string_view entry) {
  ServerAddress address;
  std::string_view rest;
  if (entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    address.host.assign(entry.substr(1, close - 1));
    if (address.host.find_first_of("[]/@ ") != std::string::npos) return std::nullopt;
    rest = entry.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
  } else {
    const auto colon = entry.find(':');
    // Two colons without brackets: an IPv6 literal with no room for a port.
    if (colon != std::string_view::npos && entry.find(':', colon + 1) != std::string_view::npos) {
      if (!plain_host(entry)) return std::nullopt;
      address.host.assign(entry);
      return address;
    }
    address.host.assign(entry.substr(0, colon));
    if (!plain_host(address.host)) return std::nullopt;
    if (colon != std::string_view::npos) rest = entry.substr(colon);
  }
  if (!rest.empty()) {
    address.port = parse_port(rest.substr(1));
    if (!address.port) return std::nullopt;
  }
  return address;
}

}  // namespace

std::vector<ServerAddress> parse_server_reference(std::string_view text) {
  std::vector<ServerAddress> servers;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t begin = text.find_first_not_of(" \t", at);
    if (begin == std::string_view::npos) break;
    std::size_t end = text.find_first_of(" \t", begin);
    if (end == std::string_view::npos) end = text.size();
    if (auto address = parse_entry(text.substr(begin, end - begin))) {
      servers.push_back(std::move(*address));
    }
    at = end;
  }
  return servers;
}

std::string to_string(const ServerAddress& address) {
  std::string text =
      address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host;
  if (address.port) text += ":" + std::to_string(*address.port);
  return text;
}

}  // namespace portmqtt::transport
