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
    Transition{disconnected, In::transport_lost, disconnected},

    Transition{connecting, In::connack_accepted, connected},
    Transition{connecting, In::connack_refused, closing},
    Transition{connecting, In::fatal_error, closing},
    Transition{connecting, In::disconnect_request, closing},
    Transition{connecting, In::server_disconnect, closing},
    Transition{connecting, In::transport_lost, disconnected},

    Transition{connected, In::fatal_error, closing},
    Transition{connected, In::disconnect_request, closing},
    Transition{connected, In::server_disconnect, closing},
    Transition{connected, In::transport_lost, disconnected},

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
