// Topic name and filter rules (MQTT 3.1.1 section 4.7) as the tools need them: validating
// what the user typed and matching -T filters.
#pragma once

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

/// A filter is valid when '+' and '#' fill whole levels and '#' is the last level.
inline bool valid_filter(std::string_view filter) {
  if (filter.empty()) return false;
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

}  // namespace portmqtt::tools
