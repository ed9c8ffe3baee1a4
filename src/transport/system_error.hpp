// Boost.System error codes from Asio -> std::error_code, keeping errno where there is one.
#pragma once

#include <system_error>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include "transport/errc.hpp"

namespace portmqtt::transport {

inline std::error_code to_std_error(const boost::system::error_code& ec) {
  if (!ec) return {};
  if (ec == boost::asio::error::eof) return errc::end_of_stream;
  if (ec == boost::asio::error::host_not_found ||
      ec == boost::asio::error::host_not_found_try_again || ec == boost::asio::error::no_data)
    return errc::host_not_found;
  if (ec.category() == boost::system::system_category())
    return {ec.value(), std::system_category()};
  if (ec.category() == boost::system::generic_category())
    return {ec.value(), std::generic_category()};
  return static_cast<std::error_code>(ec);
}

}  // namespace portmqtt::transport
