// esp_system.h, esp_idf_version.h and esp_random.h on Linux.
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "esp_log.h"
#include "esp_random.h"
#include "esp_system.h"
#include "portmqtt/version.h"

namespace {

constexpr const char* kTag = "esp_system";
// Set in the environment of the re-executed process, so that it reports ESP_RST_SW.
constexpr const char* kRestartMarker = "PORTMQTT_IDF_RESTARTED";
constexpr std::size_t kMaxShutdownHandlers = 5;

std::mutex handlers_mutex;
std::vector<shutdown_handler_t> shutdown_handlers;  // guarded by handlers_mutex

std::atomic<std::uint32_t> minimum_free{std::numeric_limits<std::uint32_t>::max()};

// The command line of this process, from /proc (argv as given to main()).
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start < all.size()) {
    std::size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    args.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

std::uint64_t available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string name;
  std::uint64_t kib = 0;
  std::string unit;
  while (in >> name >> kib >> unit) {
    if (name == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

}  // namespace

extern "C" {

const char* esp_get_idf_version(void) {
  return "v5.5.0-portmqtt-" PORTMQTT_VERSION_STRING;
}

esp_err_t esp_register_shutdown_handler(shutdown_handler_t handle) {
  std::lock_guard lock(handlers_mutex);
  if (std::find(shutdown_handlers.begin(), shutdown_handlers.end(), handle) !=
      shutdown_handlers.end()) {
    return ESP_ERR_INVALID_STATE;
  }
  if (shutdown_handlers.size() >= kMaxShutdownHandlers) return ESP_ERR_NO_MEM;
  shutdown_handlers.push_back(handle);
  return ESP_OK;
}

esp_err_t esp_unregister_shutdown_handler(shutdown_handler_t handle) {
  std::lock_guard lock(handlers_mutex);
  auto it = std::find(shutdown_handlers.begin(), shutdown_handlers.end(), handle);
  if (it == shutdown_handlers.end()) return ESP_ERR_INVALID_STATE;
  shutdown_handlers.erase(it);
  return ESP_OK;
}

void esp_restart(void) {
  std::vector<shutdown_handler_t> handlers;
  {
    std::lock_guard lock(handlers_mutex);
    handlers = shutdown_handlers;
  }
  for (auto it = handlers.rbegin(); it != handlers.rend(); ++it) {
    if (*it != nullptr) (*it)();
  }
  ESP_LOGI(kTag, "restarting");
  std::fflush(nullptr);
  std::vector<std::string> args = own_arguments();
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  setenv(kRestartMarker, "1", 1);
  execv("/proc/self/exe", argv.data());
  ESP_LOGE(kTag, "cannot restart: %s", std::strerror(errno));
  std::fflush(nullptr);
  _exit(1);
}

esp_reset_reason_t esp_reset_reason(void) {
  return std::getenv(kRestartMarker) != nullptr ? ESP_RST_SW : ESP_RST_POWERON;
}

uint32_t esp_get_free_heap_size(void) {
  std::uint64_t bytes = available_memory();
  auto free = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(bytes, std::numeric_limits<std::uint32_t>::max()));
  std::uint32_t seen = minimum_free.load();
  while (free < seen && !minimum_free.compare_exchange_weak(seen, free)) {
  }
  return free;
}

uint32_t esp_get_free_internal_heap_size(void) {
  return esp_get_free_heap_size();
}

uint32_t esp_get_minimum_free_heap_size(void) {
  std::uint32_t now = esp_get_free_heap_size();
  return std::min(now, minimum_free.load());
}

void esp_system_abort(const char* details) {
  std::fprintf(stderr, "abort() was called: %s\n", details != nullptr ? details : "");
  std::abort();
}

void esp_fill_random(void* buf, size_t len) {
  auto* bytes = static_cast<unsigned char*>(buf);
  while (len > 0) {
    ssize_t n = getrandom(bytes, len, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      esp_system_abort("getrandom failed");
    }
    bytes += n;
    len -= static_cast<std::size_t>(n);
  }
}

uint32_t esp_random(void) {
  std::uint32_t value = 0;
  esp_fill_random(&value, sizeof value);
  return value;
}

}  // extern "C"
