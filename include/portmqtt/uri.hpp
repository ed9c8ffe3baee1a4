/// \file
/// URIs as portmqtt reads them: `scheme://[user[:password]@]host[:port][/path][?query]`.
/// BrokerConfig::uri, BrokerConfig::failover_uris and NetworkConfig::proxy are read by these
/// rules; applications and the ESP facade use the same reader to look into a URI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace portmqtt {

/// The part of a URI a problem is about.
enum class UriPart : std::uint8_t {
  whole,     ///< no single part (e.g. a character that is nowhere allowed)
  scheme,    ///< missing, or not one of the accepted schemes
  username,  ///< e.g. a bad %xx escape in the user name
  password,  ///< e.g. a bad %xx escape in the password
  host,      ///< missing
  port,      ///< not a number in 1..65535
  path,      ///< e.g. a bad %xx escape in the path or query
};

/// Why a URI cannot be used, and which part of it is wrong.
struct UriProblem {
  std::error_code error;     ///< errc::invalid_uri or errc::unsupported_transport
  std::size_t position = 0;  ///< 0-based offset of the wrong part in the URI
  std::string message;       ///< e.g. "port 99999 is not a number in 1..65535 (at position 20)"
  UriPart part = UriPart::whole;
  /// The wrong text as written, when it is one piece: the scheme, the port, or the bad escape
  /// ("%zz"; "%4" when the part ends after two characters). Empty otherwise.
  std::string text;
};

/// The parts of a URI.
struct UriParts {
  std::string scheme;                   ///< lower case
  std::optional<std::string> username;  ///< percent-decoded; absent without user info
  std::optional<std::string> password;  ///< percent-decoded; absent without ":password"
  std::string host;                     ///< decoded name, or an IP literal (IPv6 without brackets)
  std::optional<std::uint16_t> port;    ///< absent when the URI gives none (or an empty one)
  /// Path and query joined ("/p?q"; "/?q" when only a query), still percent-encoded. Empty
  /// when the URI has neither. A fragment is ignored.
  std::string path;
};

/// The schemes of BrokerConfig::uri and of NetworkConfig::proxy.
inline constexpr std::string_view kBrokerUriSchemes[] = {"mqtt", "mqtts", "ws", "wss"};
inline constexpr std::string_view kProxyUriSchemes[] = {"http", "socks5", "socks5h"};

/// Splits `uri`, whose scheme must be one of `schemes` (lower case, matched in any case; empty
/// accepts any scheme). Nothing on success (`out` filled); otherwise which part is wrong
/// (missing scheme, unsupported scheme, bad percent-encoding, missing host, bad port, a
/// character not allowed) with its position, and `out` untouched. Any thread.
std::optional<UriProblem> parse_uri(std::string_view uri, UriParts& out,
                                    std::span<const std::string_view> schemes = kBrokerUriSchemes);

/// Checks `uri` by the rules of BrokerConfig::uri. Nothing when it is usable; otherwise what
/// start(), set_uri() and set_config() would fail with, and which part is wrong. Any thread.
std::optional<UriProblem> check_uri(std::string_view uri);

}  // namespace portmqtt
