// The process-wide log sink and threshold, and the sink of one client (log.hpp).
#include <array>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "client/client_log.hpp"
#include "common/thread_safety.hpp"

namespace portmqtt {
namespace {

std::atomic<LogLevel> process_level{LogLevel::warning};
std::atomic<bool> custom_sink{false};

// The installed sink, shared so that a record being delivered keeps it alive while another
// thread replaces it; the mutex guards only the pointer, never a call of the sink.
detail::Mutex sink_mutex;
std::shared_ptr<const LogSink> installed GUARDED_BY(sink_mutex);  // null: the default writer

char letter(LogLevel level) {
  static constexpr std::array<char, 6> kLetters{'N', 'E', 'W', 'I', 'D', 'V'};
  const auto i = static_cast<std::size_t>(level);
  return i < kLetters.size() ? kLetters[i] : '?';
}

// One fprintf per record, so that lines of different threads do not interleave.
void write_to_stderr(const LogRecord& record) {
  std::fprintf(stderr, "portmqtt %c %.*s: %.*s\n", letter(record.level),
               static_cast<int>(record.category.size()), record.category.data(),
               static_cast<int>(record.text.size()), record.text.data());
}

void deliver(const LogSink& sink, const LogRecord& record) {
  try {
    sink(record);
  } catch (...) {  // a sink must not take a loop thread down
  }
}

}  // namespace

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::none:
      return "none";
    case LogLevel::error:
      return "error";
    case LogLevel::warning:
      return "warning";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
    case LogLevel::verbose:
      return "verbose";
  }
  return "unknown";
}

void set_log_sink(LogSink sink) {
  std::shared_ptr<const LogSink> next;
  if (sink) next = std::make_shared<const LogSink>(std::move(sink));
  const bool custom = next != nullptr;
  {
    detail::MutexLock lock(sink_mutex);
    installed.swap(next);
    custom_sink.store(custom);
  }
  // `next` (the previous sink) is released here, outside the lock.
}

void set_log_level(LogLevel level) noexcept {
  process_level.store(level, std::memory_order_relaxed);
}

LogLevel log_level() noexcept {
  return process_level.load(std::memory_order_relaxed);
}

void write_log(LogLevel level, std::string_view category, std::string_view text) {
  if (level == LogLevel::none || level > log_level()) return;
  detail::send_to_process_sink(LogRecord{level, category, text});
}

namespace detail {

void send_to_process_sink(const LogRecord& record) {
  std::shared_ptr<const LogSink> sink;
  if (custom_sink.load()) {
    detail::MutexLock lock(sink_mutex);
    sink = installed;
  }
  if (sink) return deliver(*sink, record);
  write_to_stderr(record);
}

bool process_sink_installed() noexcept {
  return custom_sink.load();
}

void ClientLog::write(LogLevel level, std::string_view category, std::string_view text) const {
  const LogRecord record{level, category, text};
  if (config_.sink) return deliver(config_.sink, record);
  send_to_process_sink(record);
}

}  // namespace detail
}  // namespace portmqtt
