// The application's portmqtt::Authenticator seen through the session's AuthMethod port.
#pragma once

#include <memory>

#include "portmqtt/auth.hpp"
#include "session/auth_method.hpp"

namespace portmqtt::detail {

/// Null when `authenticator` is null.
std::shared_ptr<session::AuthMethod> auth_port(std::shared_ptr<Authenticator> authenticator);

}  // namespace portmqtt::detail
