// The public face of the one URI reader (transport/uri.cpp).
#include "portmqtt/uri.hpp"

#include <algorithm>
#include <utility>

#include "client/uri.hpp"
#include "transport/uri.hpp"

namespace portmqtt {
namespace detail {

errc from_uri_errc(transport::errc e) noexcept {
  return e == transport::errc::unsupported_scheme ? errc::unsupported_transport : errc::invalid_uri;
}

}  // namespace detail

namespace {

// The public names mirror the transport's: the parts one for one, the scheme lists equal.
constexpr bool same_parts() {
  using T = transport::UriPart;
  for (auto [mine, theirs] : {std::pair{UriPart::whole, T::whole},
                              {UriPart::scheme, T::scheme},
                              {UriPart::username, T::username},
                              {UriPart::password, T::password},
                              {UriPart::host, T::host},
                              {UriPart::port, T::port},
                              {UriPart::path, T::path}})
    if (static_cast<int>(mine) != static_cast<int>(theirs)) return false;
  return true;
}
static_assert(same_parts());
static_assert(std::ranges::equal(kBrokerUriSchemes, transport::kBrokerSchemes));
static_assert(std::ranges::equal(kProxyUriSchemes, transport::kProxySchemes));

UriProblem to_problem(std::error_code error, transport::UriDiagnostic why) {
  return UriProblem{detail::from_uri_errc(static_cast<transport::errc>(error.value())),
                    why.position, std::move(why.message), static_cast<UriPart>(why.part),
                    std::move(why.text)};
}

}  // namespace

std::optional<UriProblem> parse_uri(std::string_view uri, UriParts& out,
                                    std::span<const std::string_view> schemes) {
  transport::UriParts parts;
  transport::UriDiagnostic why;
  if (std::error_code error = transport::parse_uri_parts(uri, schemes, parts, &why))
    return to_problem(error, std::move(why));
  out = UriParts{std::move(parts.scheme),
                 std::move(parts.username),
                 std::move(parts.password),
                 std::move(parts.host),
                 parts.port,
                 std::move(parts.path)};
  return std::nullopt;
}

std::optional<UriProblem> check_uri(std::string_view uri) {
  UriParts parts;
  return parse_uri(uri, parts, kBrokerUriSchemes);
}

}  // namespace portmqtt
