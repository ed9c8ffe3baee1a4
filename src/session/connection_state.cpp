#include "session/connection_state.hpp"

#include <array>

namespace portmqtt::session {
namespace {

struct Transition {
  State from;
  ConnectionInput input;
  State to;
};

using enum State;
using In = ConnectionInput;

// Anything not listed is illegal. transport_lost is legal everywhere and always leads to
// disconnected; it is listed per state to keep the table the single source of truth.
constexpr std::array kTransitions{
    Transition{disconnected, In::transport_opened, connecting},
    Transition{disconnected, In::transport_opened_with_auth, authenticating},
    Transition{disconnected, In::transport_lost, disconnected},

    Transition{connecting, In::connack_accepted, connected},
    Transition{connecting, In::connack_refused, closing},
    Transition{connecting, In::fatal_error, closing},
    Transition{connecting, In::disconnect_request, closing},
    Transition{connecting, In::server_disconnect, closing},
    Transition{connecting, In::transport_lost, disconnected},

    // Enhanced authentication (§4.12): AUTH 0x18 comes only after a CONNECT that named a
    // method; the broker ends the exchange with CONNACK, never with AUTH 0x00.
    Transition{authenticating, In::auth_continue, authenticating},
    Transition{authenticating, In::connack_accepted, connected},
    Transition{authenticating, In::connack_refused, closing},
    Transition{authenticating, In::fatal_error, closing},
    Transition{authenticating, In::disconnect_request, closing},
    Transition{authenticating, In::server_disconnect, closing},
    Transition{authenticating, In::transport_lost, disconnected},

    Transition{connected, In::reauth_request, reauthenticating},
    Transition{connected, In::fatal_error, closing},
    Transition{connected, In::disconnect_request, closing},
    Transition{connected, In::server_disconnect, closing},
    Transition{connected, In::transport_lost, disconnected},

    // Re-authentication (§4.12.1): the broker answers AUTH 0x19 with AUTH 0x18 steps and ends
    // with AUTH 0x00, or refuses with DISCONNECT. Traffic goes on meanwhile.
    Transition{reauthenticating, In::auth_continue, reauthenticating},
    Transition{reauthenticating, In::auth_success, connected},
    Transition{reauthenticating, In::fatal_error, closing},
    Transition{reauthenticating, In::disconnect_request, closing},
    Transition{reauthenticating, In::server_disconnect, closing},
    Transition{reauthenticating, In::transport_lost, disconnected},

    Transition{closing, In::transport_lost, disconnected},
};

}  // namespace

std::optional<State> next_state(State from, ConnectionInput input) {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.input == input) return t.to;
  }
  return std::nullopt;
}

}  // namespace portmqtt::session
