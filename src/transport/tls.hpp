// The TLS transport (mqtts://): OpenSSL through Asio's SSL stream over TCP.
#pragma once

#include <memory>
#include <system_error>

#include <boost/asio/any_io_executor.hpp>

#include "transport/transport.hpp"

namespace portmqtt::transport {

/// Builds the TLS context from options.tls (failing with tls_errc::invalid_configuration when
/// a certificate, key, password, cipher list or PSK is not usable) and a transport using it.
std::error_code make_tls_transport(boost::asio::any_io_executor executor, const Options& options,
                                   std::shared_ptr<Transport>& out,
                                   TlsDiagnostics* setup = nullptr);

}  // namespace portmqtt::transport
