// The Unix-domain stream socket transport: MQTT to a broker on this machine through a socket
// file (mosquitto's `listener 0 /path/to/socket`), as mosquitto_pub --unix does.
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "transport/transport.hpp"

namespace portmqtt::transport {

/// Connects to the socket file Endpoint::path within Options::connect_timeout.
std::shared_ptr<Transport> make_unix_transport(boost::asio::any_io_executor executor,
                                               const Options& options);

}  // namespace portmqtt::transport
