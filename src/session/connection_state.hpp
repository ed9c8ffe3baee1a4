// The connection lifecycle as a transition table: every rule about which input moves the
// session from one State to another lives in connection_state.cpp and nowhere else.
#pragma once

#include <cstdint>
#include <optional>

#include "session/session.hpp"

namespace portmqtt::session {

/// What can happen to a connection.
enum class ConnectionInput : std::uint8_t {
  transport_opened,    ///< connection_opened(): CONNECT is queued
  connack_accepted,    ///< CONNACK with a success code
  connack_refused,     ///< CONNACK with a failure code
  fatal_error,         ///< broker violation, keep-alive or CONNACK timeout
  disconnect_request,  ///< the application asked to disconnect
  server_disconnect,   ///< the broker sent DISCONNECT
  transport_lost,      ///< connection_lost()
  // --- MQTT 5 enhanced authentication (§4.12) ---
  transport_opened_with_auth,  ///< connection_opened() with an Authentication Method in CONNECT
  auth_continue,               ///< the broker sent AUTH 0x18 (Continue authentication)
  auth_success,                ///< the broker sent AUTH 0x00 (Success)
  reauth_request,              ///< we send AUTH 0x19 (Re-authenticate)
};

/// The next state, or nothing when `input` is not legal in `from` (the caller decides whether
/// that is a local misuse or a broker violation).
std::optional<State> next_state(State from, ConnectionInput input);

/// True when the broker may send us packets other than CONNACK/AUTH in this state, and our
/// commands (publish, subscribe, ...) may go out.
constexpr bool is_live(State s) {
  return s == State::connected || s == State::reauthenticating;
}

/// True while CONNECT is out and CONNACK has not come yet.
constexpr bool awaits_connack(State s) {
  return s == State::connecting || s == State::authenticating;
}

}  // namespace portmqtt::session
