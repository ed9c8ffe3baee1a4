// The WebSocket transports (ws://, wss://): Boost.Beast WebSocket over the TCP or the TLS
// transport, carrying MQTT in binary messages.
#pragma once

#include <memory>
#include <system_error>

#include <boost/asio/any_io_executor.hpp>

#include "transport/transport.hpp"

namespace portmqtt::transport {

/// A WebSocket transport over `inner` (a TCP or TLS transport made with the same options).
std::shared_ptr<Transport> make_ws_transport(boost::asio::any_io_executor executor,
                                             const Options& options,
                                             std::shared_ptr<Transport> inner);

}  // namespace portmqtt::transport
