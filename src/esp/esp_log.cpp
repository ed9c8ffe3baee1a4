// esp_log.h: ESP-IDF's log output ("L (ms) tag: message") on stderr, with a level per tag
// that can be changed at run time. When the application installed a sink with
// portmqtt::set_log_sink(), the lines go there instead, as records with the tag as category.
#include "esp_log.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "client/client_log.hpp"
#include "common/thread_safety.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Timestamps count from the first use of the log (ESP-IDF: from boot).
const Clock::time_point log_epoch = Clock::now();

struct Levels {
  portmqtt::detail::Mutex mutex;
  std::unordered_map<std::string, esp_log_level_t> per_tag GUARDED_BY(mutex);
  esp_log_level_t fallback GUARDED_BY(mutex) = ESP_LOG_INFO;
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

std::atomic<vprintf_like_t> writer{nullptr};

// The text of a printf-style call, however long.
__attribute__((format(printf, 1, 0))) std::string format_text(const char* format, va_list args) {
  std::array<char, 512> buffer{};
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(buffer.data(), buffer.size(), format, copy);
  va_end(copy);
  if (n < 0) return {};
  if (n < static_cast<int>(buffer.size()))
    return std::string(buffer.data(), static_cast<std::size_t>(n));
  std::string text(static_cast<std::size_t>(n) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), format, args);
  text.resize(static_cast<std::size_t>(n));
  return text;
}

// Formats first, then writes: vfprintf() on the unbuffered stderr formats through an 8 KiB
// buffer on the caller's stack, which took a client's loop thread from about 8 to 16.5 KiB of
// touched stack the first time it logged (bench/results/idle.md).
__attribute__((format(printf, 1, 0))) int write_default(const char* format, va_list args) {
  const std::string text = format_text(format, args);
  return static_cast<int>(std::fwrite(text.data(), 1, text.size(), stderr));
}

// Every byte of log output goes through here, so that esp_log_set_vprintf() sees all of it.
__attribute__((format(printf, 1, 0))) void emitv(const char* format, va_list args) {
  vprintf_like_t w = writer.load();
  if (w == nullptr) w = write_default;
  w(format, args);
}

__attribute__((format(printf, 1, 2))) void emit(const char* format, ...) {
  va_list args;
  va_start(args, format);
  emitv(format, args);
  va_end(args);
}

char letter(esp_log_level_t level) {
  static constexpr std::array<char, 6> kLetters{'N', 'E', 'W', 'I', 'D', 'V'};
  return kLetters[static_cast<std::size_t>(clamp(level))];
}

// The ESP levels are portmqtt::LogLevel's values (log.hpp).
static_assert(static_cast<int>(portmqtt::LogLevel::error) == ESP_LOG_ERROR &&
              static_cast<int>(portmqtt::LogLevel::warning) == ESP_LOG_WARN &&
              static_cast<int>(portmqtt::LogLevel::info) == ESP_LOG_INFO &&
              static_cast<int>(portmqtt::LogLevel::debug) == ESP_LOG_DEBUG &&
              static_cast<int>(portmqtt::LogLevel::verbose) == ESP_LOG_VERBOSE);

void to_sink(esp_log_level_t level, const char* tag, std::string_view text) {
  portmqtt::detail::send_to_process_sink(
      portmqtt::LogRecord{.level = static_cast<portmqtt::LogLevel>(clamp(level)),
                          .category = tag != nullptr ? tag : "",
                          .text = text});
}

}  // namespace

extern "C" {

void esp_log_level_set(const char* tag, esp_log_level_t level) {
  if (tag == nullptr) return;
  Levels& l = levels();
  portmqtt::detail::MutexLock lock(l.mutex);
  if (std::string_view(tag) == "*") {
    l.fallback = clamp(level);
    l.per_tag.clear();
  } else {
    l.per_tag[tag] = clamp(level);
  }
}

esp_log_level_t esp_log_level_get(const char* tag) {
  Levels& l = levels();
  portmqtt::detail::MutexLock lock(l.mutex);
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
  if (!enabled(level, tag)) return;
  if (!portmqtt::detail::process_sink_installed()) return emitv(format, args);
  std::string text = format_text(format, args);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();  // a record is one line without its newline
  if (!text.empty()) to_sink(level, tag, text);
}

void esp_log_write(esp_log_level_t level, const char* tag, const char* format, ...) {
  va_list args;
  va_start(args, format);
  esp_log_writev(level, tag, format, args);
  va_end(args);
}

void esp_log_line(esp_log_level_t level, const char* tag, const char* format, ...) {
  if (!enabled(level, tag)) return;
  va_list args;
  va_start(args, format);
  const std::string text = format_text(format, args);
  va_end(args);
  if (portmqtt::detail::process_sink_installed()) return to_sink(level, tag, text);
  // One call per line, so that lines of different threads do not interleave.
  emit("%c (%u) %s: %s\n", letter(level), static_cast<unsigned>(esp_log_timestamp()),
       tag != nullptr ? tag : "", text.c_str());
}

vprintf_like_t esp_log_set_vprintf(vprintf_like_t func) {
  vprintf_like_t before = writer.exchange(func);
  return before != nullptr ? before : write_default;
}

// The buffer dumps write one log line per 16 bytes, as ESP-IDF does.
void esp_log_buffer_hex_internal(const char* tag, const void* buffer, uint16_t buff_len,
                                 esp_log_level_t level) {
  if (buffer == nullptr || !enabled(level, tag)) return;
  const auto* bytes = static_cast<const unsigned char*>(buffer);
  for (std::size_t line = 0; line < buff_len; line += 16) {
    std::string text;
    for (std::size_t i = line; i < buff_len && i < line + 16; ++i) {
      std::array<char, 4> hex{};
      std::snprintf(hex.data(), hex.size(), i == line ? "%02x" : " %02x", bytes[i]);
      text += hex.data();
    }
    esp_log_line(level, tag, "%s", text.c_str());
  }
}

void esp_log_buffer_char_internal(const char* tag, const void* buffer, uint16_t buff_len,
                                  esp_log_level_t level) {
  if (buffer == nullptr || !enabled(level, tag)) return;
  const auto* bytes = static_cast<const unsigned char*>(buffer);
  for (std::size_t line = 0; line < buff_len; line += 16) {
    std::string text;
    for (std::size_t i = line; i < buff_len && i < line + 16; ++i) {
      text += (bytes[i] >= 0x20 && bytes[i] < 0x7f) ? static_cast<char>(bytes[i]) : '.';
    }
    esp_log_line(level, tag, "%s", text.c_str());
  }
}

void esp_log_buffer_hexdump_internal(const char* tag, const void* buffer, uint16_t buff_len,
                                     esp_log_level_t log_level) {
  if (buffer == nullptr || !enabled(log_level, tag)) return;
  const auto* bytes = static_cast<const unsigned char*>(buffer);
  for (std::size_t line = 0; line < buff_len; line += 16) {
    std::string hex;
    std::string chars;
    for (std::size_t i = line; i < line + 16; ++i) {
      if (i == line + 8) hex += ' ';
      if (i < buff_len) {
        std::array<char, 4> cell{};
        std::snprintf(cell.data(), cell.size(), "%02x ", bytes[i]);
        hex += cell.data();
        chars += (bytes[i] >= 0x20 && bytes[i] < 0x7f) ? static_cast<char>(bytes[i]) : '.';
      } else {
        hex += "   ";
      }
    }
    esp_log_line(log_level, tag, "%p   %s |%s|", static_cast<const void*>(bytes + line),
                 hex.c_str(), chars.c_str());
  }
}

}  // extern "C"
