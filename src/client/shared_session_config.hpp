// One session::Config for every client made from the same shared public Config.
//
// A fleet of clients made from one std::shared_ptr<const Config> would otherwise hold one
// session::Config each (344 bytes, plus its strings), all alike but for the client id, which
// the session keeps apart (session::Session::set_config's client_id).
#pragma once

#include <memory>

#include "client/config_map.hpp"
#include "portmqtt/config.hpp"
#include "session/config.hpp"

namespace portmqtt::detail {

/// The session settings of an attempt to `target` for a client made from `config`: the same
/// object for every call with the same Config object and the same credentials while any of the
/// results is alive (a few configurations are remembered; beyond them a call may make a new
/// one, which is only less shared). Its client_id is config->credentials.client_id. Thread-safe.
std::shared_ptr<const session::Config> shared_session_config(
    const std::shared_ptr<const Config>& config, const Target& target);

}  // namespace portmqtt::detail
