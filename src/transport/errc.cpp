#include "transport/errc.hpp"

#include <string>

#include "common/error_category.hpp"

namespace portmqtt::transport {
namespace {

std::string describe(errc e) {
  switch (e) {
    case errc::invalid_uri:
      return "invalid URI";
    case errc::bad_percent_encoding:
      return "bad percent-encoding in URI";
    case errc::unsupported_scheme:
      return "unsupported URI scheme";
    case errc::missing_host:
      return "URI has no host";
    case errc::invalid_port:
      return "invalid port";
    case errc::not_implemented:
      return "transport not implemented";
    case errc::host_not_found:
      return "host not found";
    case errc::connect_timeout:
      return "connect timed out";
    case errc::end_of_stream:
      return "connection closed by peer";
  }
  return "unknown transport error";
}

}  // namespace

const std::error_category& transport_category() noexcept {
  static const detail::EnumCategory<errc> category{"portmqtt.transport", describe};
  return category;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), transport_category()};
}

int errno_of(const std::error_code& error) noexcept {
  if (error.category() == std::system_category() || error.category() == std::generic_category())
    return error.value();
  return 0;
}

}  // namespace portmqtt::transport
