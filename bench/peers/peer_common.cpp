#include "peer_common.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace portmqtt::bench {

namespace {

[[noreturn]] void usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--recv] --host H --port P --count N --size S --qos 0|1|2\n"
               "          --window W --version 311|5 --topic T [--persist file|group|per_message]\n"
               "          [--rate R]\n",
               program);
  std::exit(2);
}

std::uint64_t number(const char* program, const char* text, std::uint64_t min, std::uint64_t max) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) usage(program);
  return v;
}

// Peak RSS of this program in KiB. ru_maxrss survives execve on Linux, so a peer started by a
// large parent (a Python script) would report the parent's peak; VmHWM starts afresh at exec.
long peak_rss_kib(const rusage& usage) {
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    long kib = -1;
    while (std::fgets(line, sizeof line, f) != nullptr) {
      if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
    }
    std::fclose(f);
    if (kib >= 0) return kib;
  }
  return usage.ru_maxrss;
}

double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

PeerOptions parse_peer_options(int argc, char** argv) {
  PeerOptions o;
  const char* program = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (name == "--recv") {
      o.recv = true;
      continue;
    }
    if (i + 1 >= argc) usage(program);
    const char* value = argv[++i];
    if (name == "--host") {
      o.host = value;
    } else if (name == "--topic") {
      o.topic = value;
    } else if (name == "--persist") {
      o.persist = value;
    } else if (name == "--port") {
      o.port = static_cast<std::uint16_t>(number(program, value, 1, 65535));
    } else if (name == "--rate") {
      o.rate = static_cast<std::uint32_t>(number(program, value, 0, 10'000'000));
    } else if (name == "--count") {
      o.count = number(program, value, 1, UINT64_MAX);
    } else if (name == "--size") {
      o.size = static_cast<std::size_t>(number(program, value, 0, 256 * 1024 * 1024));
    } else if (name == "--qos") {
      o.qos = static_cast<int>(number(program, value, 0, 2));
    } else if (name == "--window") {
      o.window = static_cast<std::uint32_t>(number(program, value, 1, 65535));
    } else if (name == "--version") {
      o.version = static_cast<int>(number(program, value, 5, 311));
      if (o.version != 5 && o.version != 311) usage(program);
    } else {
      usage(program);
    }
  }
  return o;
}

std::string make_temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/portmqtt-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) fail("bench", "mkdtemp failed");
  return pattern;
}

void remove_tree(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

std::string client_id_for(std::string_view client) {
  return std::string(client) + "-" + std::to_string(getpid());
}

std::string make_payload(std::size_t size) {
  return std::string(size, 'x');
}

void print_report(std::string_view client, const PeerOptions& options, double seconds) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double rate = seconds > 0 ? static_cast<double>(options.count) / seconds : 0.0;
  std::printf(
      "{\"client\":\"%.*s\",\"mode\":\"%s\",\"msgs\":%llu,\"seconds\":%.6f,\"msgs_per_s\":%.1f,"
      "\"cpu_user_s\":%.6f,\"cpu_sys_s\":%.6f,\"max_rss_kib\":%ld}\n",
      static_cast<int>(client.size()), client.data(), options.recv ? "recv" : "pub",
      static_cast<unsigned long long>(options.count), seconds, rate, seconds_of(usage.ru_utime),
      seconds_of(usage.ru_stime), peak_rss_kib(usage));
  std::fflush(stdout);
}

void fail(std::string_view client, std::string_view message) {
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(client.size()), client.data(),
               static_cast<int>(message.size()), message.data());
  std::exit(1);
}

void Completions::acquire() {
  std::unique_lock lock(mutex_);
  if (window_ != 0 && started_ - done_ >= window_) {
    waiting_ = true;
    changed_.wait(lock, [this] { return started_ - done_ < window_; });
    waiting_ = false;
  }
  ++started_;
}

void Completions::complete() {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    ++done_;
    wake = waiting_;
  }
  // Waking only a waiting publisher keeps the per-message cost in the callback small.
  if (wake) changed_.notify_all();
}

void Completions::wait_for(std::uint64_t total) {
  std::unique_lock lock(mutex_);
  waiting_ = true;
  changed_.wait(lock, [this, total] { return done_ >= total; });
  waiting_ = false;
}

std::uint64_t Completions::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

}  // namespace portmqtt::bench
