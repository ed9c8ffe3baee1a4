// The factory a TransportFactoryScope installed (transport.hpp), for make_transport().
#pragma once

#include <memory>

#include "transport/transport.hpp"

namespace portmqtt::transport {

/// The factory in force, or null when the built-in transports are used.
std::shared_ptr<const TransportFactory> installed_factory();

}  // namespace portmqtt::transport
