// Errors of the transport layer that have no errno: URI problems, DNS, timeouts.
#pragma once

#include <system_error>

namespace portmqtt::transport {

enum class errc {
  invalid_uri = 1,       ///< not a URI, no authority ("//"), or a malformed part
  bad_percent_encoding,  ///< a '%' not followed by two hex digits in user or password
  unsupported_scheme,    ///< a scheme other than mqtt, mqtts, ws, wss
  missing_host,          ///< the authority has no host
  invalid_port,          ///< not a number in 1..65535
  not_implemented,       ///< a known scheme whose transport is not built yet
  host_not_found,        ///< DNS returned no usable address
  connect_timeout,       ///< DNS + connect (+ handshakes) took longer than allowed
  end_of_stream,         ///< the peer closed the connection
};

const std::error_category& transport_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

/// The errno carried by `error`, when it comes from a system call (system or generic
/// category); 0 otherwise.
int errno_of(const std::error_code& error) noexcept;

}  // namespace portmqtt::transport

template <>
struct std::is_error_code_enum<portmqtt::transport::errc> : std::true_type {};
