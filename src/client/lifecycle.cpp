#include "client/lifecycle.hpp"

#include <array>

namespace portmqtt::detail {
namespace {

struct Transition {
  Life from;
  LifeEvent event;
  Life to;
};

using enum Life;
using Ev = LifeEvent;

// Anything not listed is refused.
constexpr std::array kTransitions{
    // start() works on a client that is not running; from inside the last handler of a fatal
    // refusal too, which then owns the client.
    Transition{not_started, Ev::start, connecting},
    Transition{stopped, Ev::start, connecting},
    Transition{refusing, Ev::start, connecting},
    Transition{refused, Ev::start, connecting},

    // stop() while running; a second stop() joins the first.
    Transition{connecting, Ev::stop, stopping},
    Transition{connected, Ev::stop, stopping},
    Transition{waiting_reconnect, Ev::stop, stopping},
    Transition{offline, Ev::stop, stopping},
    Transition{stopping, Ev::stop, stopping},
    Transition{stopping, Ev::stop_finished, stopped},

    Transition{connecting, Ev::connack_accepted, connected},

    // A lost link waits for the next attempt. Offline stays offline; a stop in progress ends
    // the link itself. waiting_reconnect: the link that disconnect_abruptly() was closing when
    // reconnect() came.
    Transition{connecting, Ev::connection_lost, waiting_reconnect},
    Transition{connected, Ev::connection_lost, waiting_reconnect},
    Transition{waiting_reconnect, Ev::connection_lost, waiting_reconnect},
    Transition{offline, Ev::connection_lost, offline},
    Transition{stopping, Ev::connection_lost, stopping},

    // A refusal retrying cannot fix: CONNACK, or an authenticator that refuses (connecting, or
    // re-authenticating while connected). It stops the client unless a stop already does.
    Transition{connecting, Ev::fatal_refusal, refusing},
    Transition{connected, Ev::fatal_refusal, refusing},
    Transition{waiting_reconnect, Ev::fatal_refusal, refusing},
    Transition{offline, Ev::fatal_refusal, refusing},
    Transition{stopping, Ev::fatal_refusal, stopping},
    Transition{refusing, Ev::refusal_reported, refused},

    Transition{waiting_reconnect, Ev::retry, connecting},
    Transition{waiting_reconnect, Ev::reconnect_request, waiting_reconnect},
    Transition{offline, Ev::reconnect_request, waiting_reconnect},

    // disconnect_abruptly(): the loop closes the link without DISCONNECT, if there is one.
    Transition{connecting, Ev::go_offline, offline},
    Transition{connected, Ev::go_offline, offline},
    Transition{waiting_reconnect, Ev::go_offline, offline},
    Transition{offline, Ev::go_offline, offline},
};

}  // namespace

std::optional<Life> next_life(Life from, LifeEvent event) {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.event == event) return t.to;
  }
  return std::nullopt;
}

}  // namespace portmqtt::detail
