// How the transport's URI failures read in the public vocabulary.
#pragma once

#include "portmqtt/error.hpp"
#include "transport/errc.hpp"

namespace portmqtt::detail {

/// unsupported_scheme is errc::unsupported_transport; every other URI failure (bad syntax,
/// percent-encoding, host, port) is errc::invalid_uri.
errc from_uri_errc(transport::errc e) noexcept;

}  // namespace portmqtt::detail
