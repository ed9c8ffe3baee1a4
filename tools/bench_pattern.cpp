#include "bench_pattern.hpp"

#include "options.hpp"

namespace portmqtt::tools {

std::string expand_pattern(std::string_view pattern, const PatternValues& values,
                           std::string_view allowed, const char* flag) {
  std::string out;
  out.reserve(pattern.size() + 8);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    const char letter = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (letter != '%' && (letter == '\0' || allowed.find(letter) == std::string_view::npos)) {
      std::string known;
      for (const char c : allowed)
        known += std::string("%") + c + ", ";
      throw UsageError(std::string("Unknown sequence '%") + (letter ? std::string(1, letter) : "") +
                       "' in " + flag + " '" + std::string(pattern) + "': use " + known +
                       "or %% for a percent sign.");
    }
    ++i;
    switch (letter) {
      case 'i':
        out += std::to_string(values.index);
        break;
      case 'c':
        out += values.client_id;
        break;
      case 'u':
        out += values.username;
        break;
      case 'p':
        out += std::to_string(values.pid);
        break;
      default:
        out += '%';
        break;
    }
  }
  return out;
}

bool pattern_uses(std::string_view pattern, char letter) {
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '%') continue;
    if (pattern[i + 1] == letter) return true;
    ++i;  // skip the letter (and the second % of %%)
  }
  return false;
}

}  // namespace portmqtt::tools
