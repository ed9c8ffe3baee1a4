// The MQTT 5 Server Reference property (§4.11): where a broker sends a client with reason
// Use another server (0x9C) or Server moved (0x9D).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portmqtt::transport {

/// One server of a reference: a host name or IP literal (IPv6 without its brackets) and the
/// port when one was given.
struct ServerAddress {
  std::string host;
  std::optional<std::uint16_t> port;

  friend bool operator==(const ServerAddress&, const ServerAddress&) = default;
};

/// Parses a Server Reference. The specification leaves the format open and shows
/// space-separated entries of `host[:port]`, IPv6 literals in brackets:
///   "myserver.xyz.org", "myserver.xyz.org:8883", "10.10.151.22:8883 [fe80::9610:3eff:fe1c]:1883".
/// Entries are taken in order; runs of blanks separate them. An entry that is not of this form
/// (a URI with a scheme, an empty host, a bad or zero port, unbalanced brackets, an unbracketed
/// IPv6 literal with a port) is skipped, so the result may be empty.
std::vector<ServerAddress> parse_server_reference(std::string_view text);

/// "host:port", with brackets around an IPv6 literal; the port only when known.
std::string to_string(const ServerAddress& address);

}  // namespace portmqtt::transport
