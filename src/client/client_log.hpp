// Config::log of one client, and the process-wide sink behind it (include/portmqtt/log.hpp).
#pragma once

#include <string_view>

#include "portmqtt/log.hpp"

namespace portmqtt::detail {

/// Delivers a record to the process-wide sink, whatever the process-wide threshold (the
/// caller has decided). Used by clients without their own sink and by esp_log.
void send_to_process_sink(const LogRecord& record);

/// Whether the application installed a sink with set_log_sink() (esp_log then sends ESP_LOGx
/// lines there instead of to its own writer).
bool process_sink_installed() noexcept;

/// A client's view of Config::log: its threshold check and its sink. Copied from the
/// configuration under the client's lock; used on the loop.
class ClientLog {
 public:
  void configure(const LogConfig& config) { config_ = config; }

  /// Checked before any formatting.
  bool enabled(LogLevel level) const noexcept {
    const LogLevel threshold = config_.level ? *config_.level : log_level();
    return level != LogLevel::none && level <= threshold;
  }

  /// Sends a record made after enabled() said yes.
  void write(LogLevel level, std::string_view category, std::string_view text) const;

 private:
  LogConfig config_;
};

}  // namespace portmqtt::detail
