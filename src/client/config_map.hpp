// Public Config -> what the session and the transport need for one connection attempt.
#pragma once

#include <system_error>

#include "portmqtt/config.hpp"
#include "session/config.hpp"
#include "transport/transport.hpp"

namespace portmqtt::detail {

/// Where to connect and the credentials in force once the URI (if any) has been applied.
struct Target {
  transport::Endpoint endpoint;
  std::optional<std::string> username;
  std::optional<std::string> password;
};

/// Applies ESP-MQTT's rules: a URI wins over host/transport/path, its port over `port` when it
/// has one, its user/password over the credentials when present. Errors are public
/// (errc::invalid_uri, errc::unsupported_transport).
std::error_code resolve_target(const Config& config, Target& out);

session::Config to_session_config(const Config& config, const Target& target);
/// The transport settings of a connection over `scheme`: the TLS settings only for mqtts and
/// wss, the WebSocket headers only for ws and wss (a plain TCP attempt copies neither).
transport::Options to_transport_options(const Config& config, transport::Scheme scheme);

}  // namespace portmqtt::detail
