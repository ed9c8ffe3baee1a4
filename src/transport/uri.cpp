#include "transport/uri.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <cctype>
#include <charconv>

#include "transport/errc.hpp"

namespace portmqtt::transport {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != static_cast<unsigned char>(b[i]))
      return false;
  }
  return true;
}

std::optional<Scheme> scheme_of(std::string_view text) {
  for (Scheme s : {Scheme::mqtt, Scheme::mqtts, Scheme::ws, Scheme::wss})
    if (iequals(text, to_string(s))) return s;
  return std::nullopt;
}

constexpr std::string_view kSchemes = "mqtt://, mqtts://, ws:// or wss://";

// Boost.URL rejects a bad escape like any other syntax error; ESP reports it separately, so
// look for one when parsing failed. Returns its position, or npos.
std::size_t bad_percent_escape(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      return i;
    i += 2;
  }
  return std::string_view::npos;
}

// A character no part of a URI may hold unescaped (RFC 3986 §2), or npos.
std::size_t forbidden_character(std::string_view text) {
  constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=%";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && kAllowed.find(static_cast<char>(c)) == std::string_view::npos) return i;
  }
  return std::string_view::npos;
}

std::error_code fail(std::error_code error, UriDiagnostic* why, std::size_t position,
                     std::string message) {
  if (why != nullptr)
    *why = {position, std::move(message) + " (at position " + std::to_string(position) + ")"};
  return error;
}

// Why Boost.URL refused `text`, as precisely as a second look can tell.
std::error_code syntax_error(std::string_view text, UriDiagnostic* why) {
  if (std::size_t at = bad_percent_escape(text); at != std::string_view::npos)
    return fail(errc::bad_percent_encoding, why, at,
                "bad percent-encoding: '%' must be followed by two hex digits");
  const std::size_t separator = text.find("://");
  if (separator == std::string_view::npos || separator == 0)
    return fail(errc::invalid_uri, why, 0,
                "missing scheme: the URI must start with " + std::string{kSchemes});
  if (std::size_t at = forbidden_character(text); at != std::string_view::npos)
    return fail(errc::invalid_uri, why, at,
                "character '" + std::string(1, text[at]) + "' is not allowed unescaped");
  return fail(errc::invalid_uri, why, separator + 3, "malformed authority (user@host:port)");
}

std::error_code parse_port(std::string_view text, std::optional<std::uint16_t>& port,
                           std::size_t position, UriDiagnostic* why) {
  port.reset();
  if (text.empty()) return {};
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
    return fail(errc::invalid_port, why, position,
                "port " + std::string{text} + " is not a number in 1..65535");
  port = static_cast<std::uint16_t>(value);
  return {};
}

std::string join_path_and_query(const boost::urls::url_view& url) {
  std::string path{url.encoded_path()};
  if (url.has_query()) {
    if (path.empty()) path = "/";
    path += '?';
    path += url.encoded_query();
  }
  return path;
}

}  // namespace

std::uint16_t default_port(Scheme scheme) noexcept {
  switch (scheme) {
    case Scheme::mqtt:
      return 1883;
    case Scheme::mqtts:
      return 8883;
    case Scheme::ws:
      return 80;
    case Scheme::wss:
      return 443;
    case Scheme::unix_socket:
      return 0;
  }
  return 0;
}

std::string_view to_string(Scheme scheme) noexcept {
  switch (scheme) {
    case Scheme::mqtt:
      return "mqtt";
    case Scheme::mqtts:
      return "mqtts";
    case Scheme::ws:
      return "ws";
    case Scheme::wss:
      return "wss";
    case Scheme::unix_socket:
      return "unix";
  }
  return "";
}

std::error_code parse_uri(std::string_view text, Uri& out, UriDiagnostic* why) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return syntax_error(text, why);
  const boost::urls::url_view& url = *parsed;
  // Views of url point into `text`: their offsets are positions in it.
  auto at = [&](std::string_view part) {
    return static_cast<std::size_t>(part.data() - text.data());
  };
  auto scheme = scheme_of(url.scheme());
  if (!scheme && text.find("://") == std::string_view::npos)  // "host:1883" reads as a scheme
    return fail(errc::invalid_uri, why, 0,
                "missing scheme: the URI must start with " + std::string{kSchemes});
  if (!scheme)
    return fail(
        errc::unsupported_scheme, why, 0,
        "scheme '" + std::string{url.scheme()} + "' is not one of " + std::string{kSchemes});
  if (!url.has_authority())
    return fail(errc::invalid_uri, why, url.scheme().size() + 1,
                "missing '//' and host after the scheme");
  if (url.host_type() == boost::urls::host_type::ipvfuture)
    return fail(errc::invalid_uri, why, at(url.encoded_host()),
                "IPvFuture hosts are not supported");
  if (url.encoded_host_address().empty())
    return fail(errc::missing_host, why, at(url.encoded_host()), "missing host");
  // Boost.URL 1.81 reads "h:12ab" as port "12" and path "ab"; after an authority the path
  // must be empty or start with '/'.
  if (!url.encoded_path().empty() && !url.encoded_path().starts_with('/')) {
    const std::size_t position = url.has_port() ? at(url.port()) : at(url.encoded_path());
    return fail(errc::invalid_uri, why, position,
                "port '" +
                    std::string{text.substr(
                        position, at(url.encoded_path()) - position + url.encoded_path().size())} +
                    "' is not a number in 1..65535");
  }

  Uri uri;
  uri.scheme = *scheme;
  if (url.has_userinfo()) {
    uri.username = url.user();
    if (url.has_password()) uri.password = url.password();
  }
  uri.host = url.host_address();
  if (auto ec = parse_port(url.port(), uri.port, url.has_port() ? at(url.port()) : 0, why))
    return ec;
  uri.path = join_path_and_query(url);
  out = std::move(uri);
  return {};
}

}  // namespace portmqtt::transport
