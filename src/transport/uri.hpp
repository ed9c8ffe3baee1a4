// Broker and proxy URIs: scheme://[user[:password]@]host[:port][/path][?query]. The one reader
// of URIs in portmqtt: the C++ API (BrokerConfig, portmqtt::parse_uri), the proxy setting, the
// ESP facade and the command-line tools all come here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace portmqtt::transport {

/// The four URI schemes, and a Unix-domain socket (no URI form; BrokerConfig only).
enum class Scheme : std::uint8_t { mqtt, mqtts, ws, wss, unix_socket };

/// 1883, 8883, 80, 443; 0 for a Unix-domain socket.
std::uint16_t default_port(Scheme scheme) noexcept;
/// "mqtt", "mqtts", "ws", "wss", "unix".
std::string_view to_string(Scheme scheme) noexcept;

/// The schemes of a broker URI, and of a proxy URI.
inline constexpr std::string_view kBrokerSchemes[] = {"mqtt", "mqtts", "ws", "wss"};
inline constexpr std::string_view kProxySchemes[] = {"http", "socks5", "socks5h"};

/// The parts of `scheme://[user[:password]@]host[:port][/path][?query]`, whatever the scheme.
struct UriParts {
  std::string scheme;                   ///< lower case
  std::optional<std::string> username;  ///< percent-decoded; absent without userinfo
  std::optional<std::string> password;  ///< percent-decoded; absent without ":password"
  std::string host;                     ///< decoded name, or an IP literal (IPv6 without brackets)
  std::optional<std::uint16_t> port;    ///< absent when the URI gives none (or an empty one)
  /// Path and query joined as ESP does ("/p?q"; "/?q" when only a query), still
  /// percent-encoded because it goes into the WebSocket request line. Empty when neither.
  std::string path;
};

/// A broker URI: UriParts with its scheme known.
struct Uri {
  Scheme scheme = Scheme::mqtt;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string host;
  std::optional<std::uint16_t> port;
  std::string path;

  std::uint16_t port_or_default() const noexcept { return port ? *port : default_port(scheme); }
};

/// The part of a URI a diagnostic is about.
enum class UriPart : std::uint8_t { whole, scheme, username, password, host, port, path };

/// Which part of a URI is wrong, for people: the 0-based offset of that part, a sentence
/// naming it ("port 99999 at position 12 is not in 1..65535"), and the offending text itself
/// (the scheme, the port, the bad "%xx" escape) for callers that word it their own way.
struct UriDiagnostic {
  std::size_t position = 0;
  std::string message;
  UriPart part = UriPart::whole;
  std::string text;
};

/// Parses `text` with a scheme among `schemes` (lower case; compared in any case; empty: any
/// scheme). A fragment is ignored. Fails with errc::invalid_uri, bad_percent_encoding,
/// unsupported_scheme, missing_host or invalid_port (0 or above 65535); then `why`, when
/// given, says which part and where. `out` is untouched on failure.
std::error_code parse_uri_parts(std::string_view text, std::span<const std::string_view> schemes,
                                UriParts& out, UriDiagnostic* why = nullptr);

/// parse_uri_parts() with the broker schemes (mqtt, mqtts, ws, wss).
std::error_code parse_uri(std::string_view text, Uri& out, UriDiagnostic* why = nullptr);

}  // namespace portmqtt::transport
