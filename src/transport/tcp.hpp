// The plain TCP transport (mqtt://).
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "transport/transport.hpp"

namespace portmqtt::transport {

std::shared_ptr<Transport> make_tcp_transport(boost::asio::any_io_executor executor,
                                              const Options& options);

}  // namespace portmqtt::transport
