#include "transport/uri.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "transport/errc.hpp"

namespace portmqtt::transport {
namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "mqtt://, mqtts://, ws:// or wss://": what a URI must start with.
std::string scheme_list(std::span<const std::string_view> schemes) {
  std::string list;
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    if (i > 0) list += i + 1 == schemes.size() ? " or " : ", ";
    list.append(schemes[i]).append("://");
  }
  return list.empty() ? "scheme://" : list;
}

bool accepted(std::string_view scheme, std::span<const std::string_view> schemes) {
  if (schemes.empty()) return true;
  for (std::string_view s : schemes)
    if (s == scheme) return true;
  return false;
}

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

// Where the parts of a URI that Boost.URL refused lie, as far as the delimiters tell: only to
// name the wrong part in a diagnostic.
struct RoughSplit {
  std::size_t authority = 0, userinfo_end = 0, password = 0, port = 0, path = 0;
};

RoughSplit rough_split(std::string_view text, std::size_t separator) {
  RoughSplit split;
  split.authority = separator + 3;
  split.path = std::min(text.find_first_of("/?#", split.authority), text.size());
  const std::string_view authority = text.substr(split.authority, split.path - split.authority);
  const std::size_t at = authority.rfind('@');
  split.userinfo_end = at == std::string_view::npos ? split.authority : split.authority + at;
  const std::size_t colon = authority.substr(0, split.userinfo_end - split.authority).find(':');
  split.password = colon == std::string_view::npos ? split.userinfo_end : split.authority + colon;
  const std::size_t host = at == std::string_view::npos ? 0 : at + 1;
  const std::size_t bracket = authority.rfind(']');
  std::size_t port = authority.rfind(':');
  if (port != std::string_view::npos && port < host) port = std::string_view::npos;
  const bool open_bracket = authority.find('[', host) != std::string_view::npos;
  if (port != std::string_view::npos && ((bracket != std::string_view::npos && port < bracket) ||
                                         (open_bracket && bracket == std::string_view::npos)))
    port = std::string_view::npos;
  split.port = port == std::string_view::npos ? split.path : split.authority + port;
  return split;
}

std::error_code fail(std::error_code error, UriDiagnostic* why, std::size_t position,
                     std::string message, UriPart part = UriPart::whole, std::string text = {}) {
  if (why != nullptr)
    *why = {position, std::move(message) + " (at position " + std::to_string(position) + ")", part,
            std::move(text)};
  return error;
}

std::error_code missing_scheme(std::span<const std::string_view> schemes, UriDiagnostic* why) {
  return fail(errc::invalid_uri, why, 0,
              "missing scheme: the URI must start with " + scheme_list(schemes), UriPart::scheme);
}

// Why Boost.URL refused `text`, as precisely as a second look can tell.
std::error_code syntax_error(std::string_view text, std::span<const std::string_view> schemes,
                             UriDiagnostic* why) {
  const std::size_t separator = text.find("://");
  const bool has_scheme = separator != std::string_view::npos && separator != 0;
  const RoughSplit split = has_scheme ? rough_split(text, separator) : RoughSplit{};
  if (std::size_t at = bad_percent_escape(text); at != std::string_view::npos) {
    // The escape as written, cut at the end of its part ("%" in "u%@h", "%4" in "u:p%4@h").
    UriPart part = UriPart::whole;
    std::size_t end = text.size();
    if (has_scheme && at < split.password) {
      part = UriPart::username;
      end = split.password;
    } else if (has_scheme && at < split.userinfo_end) {
      part = UriPart::password;
      end = split.userinfo_end;
    } else if (has_scheme && at < split.port) {
      part = UriPart::host;
      end = split.port;
    } else if (has_scheme && at >= split.path) {
      part = UriPart::path;
    }
    return fail(errc::bad_percent_encoding, why, at,
                "bad percent-encoding: '%' must be followed by two hex digits", part,
                std::string{text.substr(at, std::min<std::size_t>(3, end - at))});
  }
  if (!has_scheme) return missing_scheme(schemes, why);
  if (std::size_t at = forbidden_character(text); at != std::string_view::npos)
    return fail(errc::invalid_uri, why, at,
                "character '" + std::string(1, text[at]) + "' is not allowed unescaped");
  if (split.port < split.path) {
    const std::string port{text.substr(split.port + 1, split.path - split.port - 1)};
    return fail(errc::invalid_port, why, split.port + 1,
                "port '" + port + "' is not a number in 1..65535", UriPart::port, port);
  }
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
                "port " + std::string{text} + " is not a number in 1..65535", UriPart::port,
                std::string{text});
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

std::error_code parse_uri_parts(std::string_view text, std::span<const std::string_view> schemes,
                                UriParts& out, UriDiagnostic* why) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return syntax_error(text, schemes, why);
  const boost::urls::url_view& url = *parsed;
  // Views of url point into `text`: their offsets are positions in it.
  auto at = [&](std::string_view part) {
    return static_cast<std::size_t>(part.data() - text.data());
  };
  std::string scheme = lower(url.scheme());
  if (text.find("://") == std::string_view::npos && !accepted(scheme, schemes))
    return missing_scheme(schemes, why);  // "host:1883" reads as a scheme
  if (!accepted(scheme, schemes))
    return fail(errc::unsupported_scheme, why, 0,
                "scheme '" + std::string{url.scheme()} + "' is not one of " + scheme_list(schemes),
                UriPart::scheme, std::string{url.scheme()});
  if (!url.has_authority())
    return fail(errc::invalid_uri, why, url.scheme().size() + 1,
                "missing '//' and host after the scheme");
  if (url.host_type() == boost::urls::host_type::ipvfuture)
    return fail(errc::invalid_uri, why, at(url.encoded_host()), "IPvFuture hosts are not supported",
                UriPart::host);
  if (url.encoded_host_address().empty())
    return fail(errc::missing_host, why, at(url.encoded_host()), "missing host", UriPart::host);
  // Boost.URL 1.81 reads "h:12ab" as port "12" and path "ab"; after an authority the path
  // must be empty or start with '/'.
  if (!url.encoded_path().empty() && !url.encoded_path().starts_with('/')) {
    const std::size_t position = url.has_port() ? at(url.port()) : at(url.encoded_path());
    std::string port{
        text.substr(position, at(url.encoded_path()) - position + url.encoded_path().size())};
    return fail(errc::invalid_uri, why, position, "port '" + port + "' is not a number in 1..65535",
                UriPart::port, port);
  }

  UriParts uri;
  uri.scheme = std::move(scheme);
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

std::error_code parse_uri(std::string_view text, Uri& out, UriDiagnostic* why) {
  UriParts parts;
  if (auto ec = parse_uri_parts(text, kBrokerSchemes, parts, why)) return ec;
  Uri uri;
  for (Scheme s : {Scheme::mqtt, Scheme::mqtts, Scheme::ws, Scheme::wss})
    if (parts.scheme == to_string(s)) uri.scheme = s;
  uri.username = std::move(parts.username);
  uri.password = std::move(parts.password);
  uri.host = std::move(parts.host);
  uri.port = parts.port;
  uri.path = std::move(parts.path);
  out = std::move(uri);
  return {};
}

}  // namespace portmqtt::transport
