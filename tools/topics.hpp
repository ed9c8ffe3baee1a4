// Topic name and filter rules (MQTT 3.1.1 section 4.7) as the tools need them: validating
// what the user typed and matching -T filters.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace portmqtt::tools {

inline std::vector<std::string_view> topic_levels(std::string_view text) {
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  for (;;) {
    const auto slash = text.find('/', start);
    levels.push_back(text.substr(start, slash - start));
    if (slash == std::string_view::npos) return levels;
    start = slash + 1;
  }
}

/// Whether a topic name fits an MQTT string and has no wildcard (mosquitto's tools check the
/// same before publishing; an empty name is each tool's own case).
inline bool publishable_topic(std::string_view topic) {
  return topic.size() <= 65535 && topic.find_first_of("+#") == std::string_view::npos;
}

/// A filter is valid when it fits an MQTT string, '+' and '#' fill whole levels and '#' is the
/// last level.
inline bool valid_filter(std::string_view filter) {
  if (filter.empty() || filter.size() > 65535) return false;
  const auto levels = topic_levels(filter);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto level = levels[i];
    const bool has_wildcard = level.find_first_of("+#") != std::string_view::npos;
    if (has_wildcard && level.size() != 1) return false;
    if (level == "#" && i + 1 != levels.size()) return false;
  }
  return true;
}

/// Whether `topic` matches `filter` ('$' topics do not match a leading wildcard).
inline bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
      (filter.front() == '+' || filter.front() == '#'))
    return false;
  const auto want = topic_levels(filter);
  const auto have = topic_levels(topic);
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "#") return true;
    if (i >= have.size()) return false;
    if (want[i] != "+" && want[i] != have[i]) return false;
  }
  return want.size() == have.size();
}

/// Whether mosquitto's tools accept `text` as a topic, filter or will topic: at most 65,536
/// bytes (one more than a topic may have: that one is refused as an invalid topic) of
/// well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF)
/// without U+0000, control characters (U+0001..U+001F, U+007F..U+009F) or non-characters
/// (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF). Stricter than the MQTT rules, which only advise
/// against the last two groups.
inline bool mosquitto_accepts_utf8(std::string_view text) {
  if (text.size() > 65536) return false;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t length = 1;
    std::uint32_t code = lead;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code = lead & 0x1Fu;
    } else if ((lead & 0xF0u) == 0xE0) {
      length = 3;
      code = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code = lead & 0x07u;
    } else if (lead >= 0x80) {
      return false;  // a continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xC0u) != 0x80) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    const bool control = code <= 0x1F || (code >= 0x7F && code <= 0x9F);
    const bool non_character = (code >= 0xFDD0 && code <= 0xFDEF) || (code & 0xFFFEu) == 0xFFFE;
    if (overlong || surrogate || code > 0x10FFFF || control || non_character) return false;
    i += length;
  }
  return true;
}

}  // namespace portmqtt::tools
