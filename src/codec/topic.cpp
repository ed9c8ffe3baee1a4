#include "codec/codec.hpp"
#include "codec/reader.hpp"

namespace portmqtt::codec {
namespace detail {
namespace {

bool in_range(unsigned char b, unsigned lo, unsigned hi) {
  return b >= lo && b <= hi;
}

// Length of the well-formed sequence starting at s[i] (Unicode Table 3-7), or 0.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = at(0);
  const std::size_t left = s.size() - i;
  if (lead < 0x80) return 1;
  if (in_range(lead, 0xC2, 0xDF)) return left >= 2 && in_range(at(1), 0x80, 0xBF) ? 2 : 0;
  if (in_range(lead, 0xE0, 0xEF)) {
    if (left < 3) return 0;
    // E0 excludes overlongs, ED excludes the surrogates U+D800..U+DFFF.
    const unsigned lo = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = lead == 0xED ? 0x9F : 0xBF;
    return in_range(at(1), lo, hi) && in_range(at(2), 0x80, 0xBF) ? 3 : 0;
  }
  if (in_range(lead, 0xF0, 0xF4)) {
    if (left < 4) return 0;
    // F0 excludes overlongs, F4 excludes everything above U+10FFFF.
    const unsigned lo = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = lead == 0xF4 ? 0x8F : 0xBF;
    return in_range(at(1), lo, hi) && in_range(at(2), 0x80, 0xBF) && in_range(at(3), 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;  // continuation byte as lead, C0/C1 overlongs, F5..FF
}

bool has_wildcard(std::string_view s) {
  return s.find_first_of("+#") != std::string_view::npos;
}

// '#' only as a whole last level, '+' only as a whole level.
bool is_valid_filter_shape(std::string_view filter) {
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') continue;
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level) return false;
    if (c == '#' && i + 1 != filter.size()) return false;
  }
  return true;
}

constexpr std::string_view kSharePrefix = "$share/";

}  // namespace

errc utf8_error(std::string_view s) {
  if (scan_ascii(s).plain) return ok;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '\0') return errc::null_character;
    const std::size_t n = sequence_length(s, i);
    if (n == 0) return errc::invalid_utf8;
    i += n;
  }
  return ok;
}

errc non_ascii_topic_name_error(std::string_view topic) {
  if (errc e = utf8_error(topic); e != ok) return e;
  return has_wildcard(topic) ? errc::wildcard_in_topic : ok;
}

errc topic_filter_error(std::string_view filter) {
  if (errc e = utf8_error(filter); e != ok) return e;
  if (filter.starts_with(kSharePrefix)) {
    // $share/<ShareName>/<filter>: a non-empty name without '/', '+' or '#', then a filter.
    const std::string_view rest = filter.substr(kSharePrefix.size());
    const std::size_t slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos) return errc::invalid_topic;
    if (has_wildcard(rest.substr(0, slash))) return errc::invalid_topic;
    filter = rest.substr(slash + 1);
  }
  if (filter.empty() || !is_valid_filter_shape(filter)) return errc::invalid_topic;
  return ok;
}

}  // namespace detail

namespace {

constexpr std::size_t kMaxStringLength = 65535;

std::error_code to_error_code(errc e) {
  return e == detail::ok ? std::error_code{} : make_error_code(e);
}

}  // namespace

std::error_code check_utf8_string(std::string_view s) {
  if (s.size() > kMaxStringLength) return make_error_code(errc::string_too_long);
  return to_error_code(detail::utf8_error(s));
}

std::error_code check_topic_name(std::string_view topic) {
  if (topic.size() > kMaxStringLength) return make_error_code(errc::string_too_long);
  return to_error_code(detail::topic_name_error(topic));
}

std::error_code check_topic_filter(std::string_view filter) {
  if (filter.size() > kMaxStringLength) return make_error_code(errc::string_too_long);
  return to_error_code(detail::topic_filter_error(filter));
}

}  // namespace portmqtt::codec
