// Connection options shared by `portmqtt pub`, `portmqtt sub` and `portmqtt bench`, spelled
// as mosquitto_pub / mosquitto_sub spell them, and their translation into a portmqtt::Config.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "portmqtt/config.hpp"

namespace portmqtt::tools {

/// One `-D command identifier value [value]` as typed.
struct PropertyArg {
  std::string command;
  std::string identifier;
  std::vector<std::string> values;
};

struct TlsOptions {
  std::string cafile, capath, cert, key, keyform, tls_version, alpn, psk, psk_identity, ciphers;
  bool use_os_certs = false;
  bool insecure = false;
};

struct WillOptions {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

/// Everything a connection needs, before validation.
struct ConnectionOptions {
  /// -h, in the order given; empty: localhost. More than one is a broker list (failover).
  std::vector<std::string> hosts;
  std::optional<int> port;  ///< -p; unset: 1883, or 8883 with TLS (or the -L port)
  /// -p came before the last -L: as in mosquitto's tools, where the last one given sets the
  /// port, the URLs then keep their own ports (or their scheme's default).
  bool port_before_url = false;
  /// -L, in the order given. More than one is a broker list; -h is then ignored.
  std::vector<std::string> urls;
  std::string proxy;  ///< --proxy URL as typed
  std::string client_id;
  std::string id_prefix;
  std::optional<std::string> username;
  std::optional<std::string> password;
  int keepalive = 60;
  std::string version = "311";
  bool persistent = false;                           ///< -c
  std::optional<std::string> session_expiry;         ///< -x as typed: seconds, -1 or ∞
  std::vector<std::vector<std::string>> properties;  ///< raw -D groups
  WillOptions will;
  TlsOptions tls;
  std::string bind_address;
  bool nodelay = false;
  std::string unix_path;
  bool debug = false;
  bool quiet = false;
};

/// Registers the connection options on `app` (-h, -p, -L, -i, -I, -u, -P, -k, -V, -c, -x, -D,
/// will, TLS, -A, --nodelay, --unix, --proxy, -d, --quiet). `-h` is the host, as in mosquitto;
/// help is --help only. -h and -L may be repeated: a broker list tried in order.
void add_connection_options(CLI::App& app, ConnectionOptions& options);

/// The -D properties of one command (connect, publish, subscribe, ...), parsed.
struct ParsedProperties {
  Properties connect, publish, subscribe, unsubscribe, disconnect, will;
};

/// What add_connection_options() collected, validated. The topic of -L, if any, goes to
/// url_topic.
struct ConnectionPlan {
  Config config;
  ParsedProperties properties;
  std::string url_topic;
  std::string client_id;  ///< for -d output ("Client <id> sending ...")
  /// Brokers in the list (1 without failover): the tools report each attempt when above 1.
  std::size_t broker_count = 1;
};

/// Builds the client configuration. `tool` names the generated client id prefix. Throws
/// UsageError with a message for the user on bad input.
ConnectionPlan make_plan(const ConnectionOptions& options, const std::string& tool);

/// A mistake on the command line: printed as "Error: <what>" followed by a hint, exit 1.
struct UsageError : std::runtime_error {
  /// `with_hint` false: mosquitto's tools print a few such messages (an invalid client id, a
  /// TLS file not found) without the hint to --help.
  explicit UsageError(const std::string& what, bool with_hint = true)
      : std::runtime_error(what), hint(with_hint) {}
  bool hint;
};

/// A check for CLI11's each(): refuses text mosquitto's tools refuse as a topic (see
/// mosquitto_accepts_utf8), in their words, naming `flag`.
std::function<void(const std::string&)> utf8_argument(const char* flag);

/// Parses -q (0, 1 or 2) or throws UsageError in mosquitto's words.
QoS parse_qos(int value);

/// -M as a window size (above 65,535 it is 65,535), or throws UsageError below 1.
std::uint16_t check_max_inflight(int value);

}  // namespace portmqtt::tools
