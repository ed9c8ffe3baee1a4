// Broker URIs: mqtt://, mqtts://, ws://, wss:// as ESP-MQTT accepts them.
#pragma once

#include <cstdint>
#include <optional>
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

/// The parts of `scheme://[user[:password]@]host[:port][/path][?query]`.
struct Uri {
  Scheme scheme = Scheme::mqtt;
  std::optional<std::string> username;  ///< percent-decoded; absent without userinfo
  std::optional<std::string> password;  ///< percent-decoded; absent without ":password"
  std::string host;                     ///< decoded name, or an IP literal (IPv6 without brackets)
  std::optional<std::uint16_t> port;    ///< absent when the URI gives none (or an empty one)
  /// Path and query joined as ESP does ("/p?q"; "/?q" when only a query), still
  /// percent-encoded because it goes into the WebSocket request line. Empty when neither.
  std::string path;

  std::uint16_t port_or_default() const noexcept { return port ? *port : default_port(scheme); }
};

/// Which part of a URI is wrong, for people: the 0-based offset of that part and a sentence
/// naming it ("port 99999 at position 12 is not in 1..65535").
struct UriDiagnostic {
  std::size_t position = 0;
  std::string message;
};

/// Parses `text`. Schemes are case-insensitive. A fragment is ignored.
/// Fails with errc::invalid_uri, bad_percent_encoding, unsupported_scheme, missing_host or
/// invalid_port (0 or above 65535); then `why`, when given, says which part and where.
std::error_code parse_uri(std::string_view text, Uri& out, UriDiagnostic* why = nullptr);

}  // namespace portmqtt::transport
