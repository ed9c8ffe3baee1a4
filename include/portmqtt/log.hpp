// Log records of the C++ API and of the ESP-IDF layer, delivered to one sink.
//
// A record is a level, a category and one line of text. Records go to the process-wide sink,
// which by default writes warnings and errors to stderr as
//
//     portmqtt W connection: connection to 127.0.0.1:1883 failed: ...
//
// set_log_sink() replaces that sink, set_log_level() changes which levels are made at all, and
// Config::log overrides both for one client. Records whose level is off are not formatted:
// the check comes first and costs one atomic load.
//
// Categories used by the client: "connection" (attempts with the broker's host:port,
// connected, disconnected with the reason, reconnect scheduling, fatal refusals), "tls" (TLS
// failures with their cause), "protocol" (protocol errors, with the rule the broker broke),
// "session" (messages deleted without an acknowledgement), "store" (the durable outbox).
// Records of ESP_LOGx carry their ESP tag as the category.
//
// Threads: the sink is called on the thread that makes the record, most often a client's loop
// thread, and may be called from several threads at once; it must be thread-safe and must not
// block for long. It may call the functions of this header; it must not stop or destroy a
// client. An exception thrown by a sink is dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace portmqtt {

/// Severity of a record, most severe first; a level enables itself and every level above it.
/// The values are those of ESP-IDF's esp_log_level_t, so that ESP_LOGx maps one to one.
enum class LogLevel : std::uint8_t {
  none = 0,     ///< as a threshold: nothing is logged
  error = 1,    ///< a failure the client does not recover from by itself (fatal refusal, ...)
  warning = 2,  ///< a failure the client recovers from (lost connection, TLS failure, ...)
  /// normal progress: connection attempts, connected, disconnected, reconnect scheduling
  info = 3,
  debug = 4,    ///< detail: outbox items deleted without an acknowledgement
  verbose = 5,  ///< everything
};

/// "none", "error", "warning", "info", "debug", "verbose".
std::string_view to_string(LogLevel level) noexcept;

/// One log record. The views live only for the duration of the sink call.
struct LogRecord {
  LogLevel level = LogLevel::info;
  /// What the record is about: "connection", "tls", "protocol", "session", "store", or the
  /// tag of an ESP_LOGx call.
  std::string_view category;
  /// One line of text, without a trailing newline.
  std::string_view text;
};

/// Receives log records (see the file comment for threads).
using LogSink = std::function<void(const LogRecord&)>;

/// Replaces the process-wide sink; an empty sink restores the default (stderr, one line
/// "portmqtt L category: text" per record, L = E/W/I/D/V). Also takes the records of
/// ESP_LOGx (see esp_log.h). Thread-safe: a record being delivered concurrently may still go
/// to the previous sink.
void set_log_sink(LogSink sink);

/// Sets the process-wide threshold: records above it are not made. Default:
/// LogLevel::warning. Applies to clients whose Config::log::level is not set. ESP_LOGx keeps
/// its own per-tag levels (esp_log_level_set()). Thread-safe.
void set_log_level(LogLevel level) noexcept;

/// The process-wide threshold in effect.
LogLevel log_level() noexcept;

/// Sends a record to the process-wide sink if `level` is enabled by the process-wide
/// threshold; for applications that want their own lines in the same place. Thread-safe.
void write_log(LogLevel level, std::string_view category, std::string_view text);

/// Logging of one client (Config::log): what is set here wins over the process-wide settings.
struct LogConfig {
  /// The sink for this client's records; empty: the process-wide sink.
  LogSink sink;
  /// The threshold for this client's records; unset: the process-wide threshold (read at
  /// each record, so set_log_level() applies to running clients).
  std::optional<LogLevel> level;
};

}  // namespace portmqtt
