/**
 * \file
 * esp_log.h — ESP-IDF's logging macros, writing to stderr.
 *
 * Each ESP_LOGx(tag, format, ...) prints one line "L (ms) tag: message" (L = E/W/I/D/V,
 * ms = milliseconds since the process started), as ESP-IDF does, if the level is enabled for
 * the tag. The run-time default level is ESP_LOG_INFO; esp_log_level_set() changes it.
 *
 * portmqtt's C++ API shares this log: when the application installed a sink with
 * portmqtt::set_log_sink() (include/portmqtt/log.hpp), every line written here (ESP_LOGx,
 * esp_log_write, the buffer dumps) goes to that sink instead, as a record whose level is the
 * ESP level (the values are the same), whose category is the tag and whose text is the
 * message without prefix or newline. The per-tag levels below still decide which lines are
 * made. The MQTT client of this facade logs with ESP_LOGx under the tag "mqtt_client", as
 * ESP-MQTT does (connection errors with host:port and cause), so its lines take the same
 * way.
 *
 * Compile-time filter: define LOG_LOCAL_LEVEL (e.g. to ESP_LOG_WARN) before including this
 * header to remove more verbose calls from a file entirely. The default keeps every level and
 * leaves the decision to the run-time level.
 */
#ifndef PORTMQTT_ESP_LOG_H
#define PORTMQTT_ESP_LOG_H

/* ESP-IDF's esp_log.h brings these in; its examples rely on PRIu32 & co. without including
 * <inttypes.h> themselves. sdkconfig.h (CONFIG_* options) is read when it is on the include
 * path, as ESP-IDF's build puts it there. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#if defined(__has_include)
#if __has_include("sdkconfig.h")
#include "sdkconfig.h"
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels, most severe first; a level enables itself and everything above it. */
typedef enum {
  ESP_LOG_NONE = 0, /*!< Nothing is printed. */
  ESP_LOG_ERROR,    /*!< Failures the program cannot recover from by itself. */
  ESP_LOG_WARN,     /*!< Failures that were recovered from. */
  ESP_LOG_INFO,     /*!< Normal progress (the default level). */
  ESP_LOG_DEBUG,    /*!< Detail useful while debugging. */
  ESP_LOG_VERBOSE,  /*!< Everything. */
  ESP_LOG_MAX       /*!< One past the last level. */
} esp_log_level_t;

#ifndef LOG_LOCAL_LEVEL
/** Most verbose level compiled into this translation unit (see the file comment). */
#define LOG_LOCAL_LEVEL ESP_LOG_VERBOSE
#endif

/**
 * Sets the run-time level of one tag, or of every tag with "*" (which also resets the
 * per-tag settings made before). Thread-safe.
 *
 * @param tag   tag as passed to ESP_LOGx, or "*"
 * @param level most verbose level to print for it
 */
void esp_log_level_set(const char* tag, esp_log_level_t level);

/**
 * Run-time level in effect for a tag.
 *
 * @param tag tag as passed to ESP_LOGx
 * @return the tag's own level if one was set, else the "*" level
 */
esp_log_level_t esp_log_level_get(const char* tag);

/**
 * Writes text to the log exactly as formatted (no prefix, no newline), if level is enabled
 * for tag. ESP-IDF's raw output function.
 */
void esp_log_write(esp_log_level_t level, const char* tag, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

/** esp_log_write() with a va_list. */
void esp_log_writev(esp_log_level_t level, const char* tag, const char* format, va_list args)
    __attribute__((format(printf, 3, 0)));

/** Milliseconds since the process started, as printed in log lines. */
uint32_t esp_log_timestamp(void);

/**
 * Writes one complete log line "L (ms) tag: message\n" if level is enabled for tag.
 * The target of the ESP_LOGx macros; call those instead.
 */
void esp_log_line(esp_log_level_t level, const char* tag, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Signature of the function that writes log output (ESP-IDF's vprintf_like_t).
 */
typedef int (*vprintf_like_t)(const char* format, va_list args);

/**
 * Redirects all log output (lines and buffer dumps) to func instead of stderr. Thread-safe.
 * A sink installed with portmqtt::set_log_sink() takes precedence: func then sees nothing.
 *
 * @param func the new writer; NULL restores the default (vfprintf to stderr)
 * @return the writer in effect before the call (never NULL)
 */
vprintf_like_t esp_log_set_vprintf(vprintf_like_t func);

/**
 * Logs a buffer as hex bytes, 16 per line, each line prefixed as an ESP_LOGx line, if level
 * is enabled for tag. Call through ESP_LOG_BUFFER_HEX_LEVEL().
 */
void esp_log_buffer_hex_internal(const char* tag, const void* buffer, uint16_t buff_len,
                                 esp_log_level_t level);

/**
 * Logs a buffer as text, 16 bytes per line, if level is enabled for tag. Printable ASCII is
 * written as is; other bytes as '.', so that a binary buffer cannot upset a terminal (ESP-IDF
 * writes them raw).
 * Call through ESP_LOG_BUFFER_CHAR_LEVEL().
 */
void esp_log_buffer_char_internal(const char* tag, const void* buffer, uint16_t buff_len,
                                  esp_log_level_t level);

/**
 * Logs a buffer as a hex dump: per 16 bytes, the address, the bytes in hex and as printable
 * characters between bars, if level is enabled for tag. Call through ESP_LOG_BUFFER_HEXDUMP().
 */
void esp_log_buffer_hexdump_internal(const char* tag, const void* buffer, uint16_t buff_len,
                                     esp_log_level_t log_level);

/** Hex bytes of a buffer at a level: ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, len, level). */
#define ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, buff_len, level)                     \
  do {                                                                             \
    if (LOG_LOCAL_LEVEL >= (level))                                                \
      esp_log_buffer_hex_internal((tag), (buffer), (uint16_t)(buff_len), (level)); \
  } while (0)
/** Characters of a buffer at a level: ESP_LOG_BUFFER_CHAR_LEVEL(tag, buffer, len, level). */
#define ESP_LOG_BUFFER_CHAR_LEVEL(tag, buffer, buff_len, level)                     \
  do {                                                                              \
    if (LOG_LOCAL_LEVEL >= (level))                                                 \
      esp_log_buffer_char_internal((tag), (buffer), (uint16_t)(buff_len), (level)); \
  } while (0)
/** Hex dump of a buffer at a level: ESP_LOG_BUFFER_HEXDUMP(tag, buffer, len, level). */
#define ESP_LOG_BUFFER_HEXDUMP(tag, buffer, buff_len, level)                           \
  do {                                                                                 \
    if (LOG_LOCAL_LEVEL >= (level))                                                    \
      esp_log_buffer_hexdump_internal((tag), (buffer), (uint16_t)(buff_len), (level)); \
  } while (0)
/** Hex bytes of a buffer at ESP_LOG_INFO. */
#define ESP_LOG_BUFFER_HEX(tag, buffer, buff_len) \
  ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, buff_len, ESP_LOG_INFO)
/** Characters of a buffer at ESP_LOG_INFO. */
#define ESP_LOG_BUFFER_CHAR(tag, buffer, buff_len) \
  ESP_LOG_BUFFER_CHAR_LEVEL(tag, buffer, buff_len, ESP_LOG_INFO)

/*
 * The macros take (tag, format, ...) as one variadic list so that a call without arguments
 * after the format stays valid ISO C11 and C++ (no ", ##__VA_ARGS__" extension needed).
 */

/** Logs at `level` (tag, format, ...) unless LOG_LOCAL_LEVEL compiles it out. */
#define ESP_LOG_LEVEL_LOCAL(level, ...)                                 \
  do {                                                                  \
    if (LOG_LOCAL_LEVEL >= (level)) esp_log_line((level), __VA_ARGS__); \
  } while (0)

/** Logs at a level chosen at run time: ESP_LOG_LEVEL(level, tag, format, ...). */
#define ESP_LOG_LEVEL(level, ...) esp_log_line((level), __VA_ARGS__)

/** ESP_LOGE(tag, format, ...): error line. */
#define ESP_LOGE(...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_ERROR, __VA_ARGS__)
/** ESP_LOGW(tag, format, ...): warning line. */
#define ESP_LOGW(...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_WARN, __VA_ARGS__)
/** ESP_LOGI(tag, format, ...): information line. */
#define ESP_LOGI(...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_INFO, __VA_ARGS__)
/** ESP_LOGD(tag, format, ...): debug line. */
#define ESP_LOGD(...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_DEBUG, __VA_ARGS__)
/** ESP_LOGV(tag, format, ...): verbose line. */
#define ESP_LOGV(...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_VERBOSE, __VA_ARGS__)

/*
 * ESP-IDF's early (before the scheduler) and DRAM (interrupt-safe) variants: on Linux there is
 * no such restriction, so they are the plain macros.
 */
#define ESP_EARLY_LOGE(...) ESP_LOGE(__VA_ARGS__)
#define ESP_EARLY_LOGW(...) ESP_LOGW(__VA_ARGS__)
#define ESP_EARLY_LOGI(...) ESP_LOGI(__VA_ARGS__)
#define ESP_EARLY_LOGD(...) ESP_LOGD(__VA_ARGS__)
#define ESP_EARLY_LOGV(...) ESP_LOGV(__VA_ARGS__)
#define ESP_DRAM_LOGE(...) ESP_LOGE(__VA_ARGS__)
#define ESP_DRAM_LOGW(...) ESP_LOGW(__VA_ARGS__)
#define ESP_DRAM_LOGI(...) ESP_LOGI(__VA_ARGS__)
#define ESP_DRAM_LOGD(...) ESP_LOGD(__VA_ARGS__)
#define ESP_DRAM_LOGV(...) ESP_LOGV(__VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_LOG_H */
