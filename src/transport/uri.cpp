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

// Boost.URL rejects a bad escape like any other syntax error; ESP reports it separately, so
// look for one when parsing failed.
bool has_bad_percent_escape(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
      return true;
    i += 2;
  }
  return false;
}

std::error_code parse_port(std::string_view text, std::optional<std::uint16_t>& port) {
  port.reset();
  if (text.empty()) return {};
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
    return errc::invalid_port;
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

std::error_code parse_uri(std::string_view text, Uri& out) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return has_bad_percent_escape(text) ? errc::bad_percent_encoding : errc::invalid_uri;
  const boost::urls::url_view& url = *parsed;
  auto scheme = scheme_of(url.scheme());
  if (!scheme) return errc::unsupported_scheme;
  if (!url.has_authority()) return errc::invalid_uri;
  if (url.host_type() == boost::urls::host_type::ipvfuture) return errc::invalid_uri;
  if (url.encoded_host_address().empty()) return errc::missing_host;
  // Boost.URL 1.81 reads "h:12ab" as port "12" and path "ab"; after an authority the path
  // must be empty or start with '/'.
  if (!url.encoded_path().empty() && !url.encoded_path().starts_with('/')) return errc::invalid_uri;

  Uri uri;
  uri.scheme = *scheme;
  if (url.has_userinfo()) {
    uri.username = url.user();
    if (url.has_password()) uri.password = url.password();
  }
  uri.host = url.host_address();
  if (auto ec = parse_port(url.port(), uri.port)) return ec;
  uri.path = join_path_and_query(url);
  out = std::move(uri);
  return {};
}

}  // namespace portmqtt::transport
