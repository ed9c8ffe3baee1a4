// esp_log.h: ESP-IDF's log output ("L (ms) tag: message") on stderr, with a level per tag
// that can be changed at run time.
#include "esp_log.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_map>

namespace {

using Clock = std::chrono::steady_clock;

// Timestamps count from the first use of the log (ESP-IDF: from boot).
const Clock::time_point log_epoch = Clock::now();

struct Levels {
  std::mutex mutex;
  std::unordered_map<std::string, esp_log_level_t> per_tag;
  esp_log_level_t fallback = ESP_LOG_INFO;
};

Levels& levels() {
  static Levels instance;
  return instance;
}

esp_log_level_t clamp(esp_log_level_t level) {
  if (level < ESP_LOG_NONE) return ESP_LOG_NONE;
  return level >= ESP_LOG_MAX ? ESP_LOG_VERBOSE : level;
}

bool enabled(esp_log_level_t level, const char* tag) {
  return level != ESP_LOG_NONE && level <= esp_log_level_get(tag);
}

char letter(esp_log_level_t level) {
  static constexpr std::array<char, 6> kLetters{'N', 'E', 'W', 'I', 'D', 'V'};
  return kLetters[static_cast<std::size_t>(clamp(level))];
}

}  // namespace

extern "C" {

void esp_log_level_set(const char* tag, esp_log_level_t level) {
  if (tag == nullptr) return;
  Levels& l = levels();
  std::lock_guard lock(l.mutex);
  if (std::string_view(tag) == "*") {
    l.fallback = clamp(level);
    l.per_tag.clear();
  } else {
    l.per_tag[tag] = clamp(level);
  }
}

esp_log_level_t esp_log_level_get(const char* tag) {
  Levels& l = levels();
  std::lock_guard lock(l.mutex);
  if (tag != nullptr) {
    auto it = l.per_tag.find(tag);
    if (it != l.per_tag.end()) return it->second;
  }
  return l.fallback;
}

uint32_t esp_log_timestamp(void) {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - log_epoch);
  return static_cast<uint32_t>(elapsed.count());
}

void esp_log_writev(esp_log_level_t level, const char* tag, const char* format, va_list args) {
  if (enabled(level, tag)) std::vfprintf(stderr, format, args);
}

void esp_log_write(esp_log_level_t level, const char* tag, const char* format, ...) {
  va_list args;
  va_start(args, format);
  esp_log_writev(level, tag, format, args);
  va_end(args);
}

void esp_log_line(esp_log_level_t level, const char* tag, const char* format, ...) {
  if (!enabled(level, tag)) return;
  std::array<char, 512> message{};
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(message.data(), message.size(), format, args);
  va_end(args);
  std::string longer;
  const char* text = message.data();
  if (n >= static_cast<int>(message.size())) {
    longer.resize(static_cast<std::size_t>(n) + 1);
    va_start(args, format);
    std::vsnprintf(longer.data(), longer.size(), format, args);
    va_end(args);
    text = longer.c_str();
  }
  // One call per line, so that lines of different threads do not interleave.
  std::fprintf(stderr, "%c (%u) %s: %s\n", letter(level),
               static_cast<unsigned>(esp_log_timestamp()), tag != nullptr ? tag : "", text);
}

}  // extern "C"
