// The life cycle of a client as a transition table: which call or loop event moves the runtime
// from one Life to another lives in lifecycle.cpp and nowhere else. The protocol's own states
// (CONNECT sent, CONNACK, re-authentication) are the session's (session/connection_state.hpp);
// these are the runtime's: started or not, linked or waiting, stopping, refused.
#pragma once

#include <cstdint>
#include <optional>

#include "portmqtt/client.hpp"

namespace portmqtt::detail {

/// Where the runtime is in its life. Guarded by Client::Impl::mutex for writing.
enum class Life : std::uint8_t {
  not_started,        ///< constructed, start() never called
  connecting,         ///< an attempt runs: DNS, TCP/TLS/WebSocket, CONNECT, CONNACK wait
  connected,          ///< CONNACK accepted
  waiting_reconnect,  ///< between attempts: the reconnect timer, or reconnect() when auto is off
  offline,            ///< disconnect_abruptly(): no attempt until reconnect()
  stopping,           ///< stop() called; the loop sends DISCONNECT, closes, fails what is owed
  stopped,            ///< stop() finished; start() may be called
  refusing,           ///< a fatal CONNACK refusal is being reported (Error, Disconnected)
  refused,            ///< stopped by a fatal refusal; start() may be called
};

/// What moves the runtime. API calls apply theirs under the lock before they return; the loop
/// applies the others.
enum class LifeEvent : std::uint8_t {
  start,              ///< start()
  stop,               ///< stop() (graceful or discard, and the destructor)
  connack_accepted,   ///< the session reported Connected
  connection_lost,    ///< the link of the attempt ended (error, DISCONNECT, refresh, close)
  fatal_refusal,      ///< the link ended on a refusal that retrying cannot fix
  refusal_reported,   ///< the last handler of a fatal refusal returned
  retry,              ///< the reconnect timer fired, or the loop runs a reconnect() request
  reconnect_request,  ///< reconnect(): end the wait, or leave offline
  go_offline,         ///< disconnect_abruptly()
  stop_finished,      ///< the loop closed the link and failed what was owed
};

/// The next Life, or nothing when `event` is not legal in `from`: the caller refuses the call
/// (API events) or leaves the state as it is (a loop event that came too late).
std::optional<Life> next_life(Life from, LifeEvent event);

/// What Client::state() reports.
constexpr ConnectionState public_state(Life life) {
  switch (life) {
    case Life::not_started:
      return ConnectionState::not_started;
    case Life::connecting:
      return ConnectionState::connecting;
    case Life::connected:
      return ConnectionState::connected;
    case Life::waiting_reconnect:
    case Life::offline:
      return ConnectionState::waiting_reconnect;
    case Life::stopping:
    case Life::stopped:
    case Life::refusing:
    case Life::refused:
      return ConnectionState::stopped;
  }
  return ConnectionState::stopped;
}

/// True from start() until the stop finished: start() fails with already_started.
constexpr bool is_running(Life life) {
  return life != Life::not_started && life != Life::stopped && life != Life::refusing &&
         life != Life::refused;
}

/// True while commands that need a started client (disconnect, reconnect, ack, request...)
/// are accepted: running and not stopping.
constexpr bool accepts_commands(Life life) {
  return is_running(life) && life != Life::stopping;
}

/// False once stop() was called, until the next start(): no handler runs then.
constexpr bool delivers_events(Life life) {
  return life != Life::stopping && life != Life::stopped;
}

}  // namespace portmqtt::detail
