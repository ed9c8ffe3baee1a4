// The command line of the idle-memory peers (portmqtt_idle, portmqtt_esp_idle): one parser, so
// the bench script drives both with the same options.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace portmqtt::bench {

struct IdleOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::size_t connections = 1;
  std::size_t threads = 1;  // loop threads of the shared EventLoop
  unsigned idle_seconds = 1;
  bool own_threads = false;  // every client runs its own loop (the ESP-MQTT model)
};

[[noreturn]] inline void idle_usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s --host H --port P --connections N [--threads T] [--idle-seconds S]\n"
               "          [--own-threads 0|1]\n",
               program);
  std::exit(2);
}

inline std::uint64_t idle_number(const char* program, const char* text, std::uint64_t min,
                                 std::uint64_t max) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) idle_usage(program);
  return v;
}

/// Exits with the usage (status 2) on an unknown option or a value out of range.
inline IdleOptions parse_idle_options(int argc, char** argv) {
  IdleOptions o;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) idle_usage(argv[0]);
    const std::string_view name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--host") {
      o.host = value;
    } else if (name == "--port") {
      o.port = static_cast<std::uint16_t>(idle_number(argv[0], value, 1, 65535));
    } else if (name == "--connections") {
      o.connections = idle_number(argv[0], value, 1, 1'000'000);
    } else if (name == "--threads") {
      o.threads = idle_number(argv[0], value, 1, 64);
    } else if (name == "--own-threads") {
      o.own_threads = idle_number(argv[0], value, 0, 1) == 1;
    } else if (name == "--idle-seconds") {
      o.idle_seconds = static_cast<unsigned>(idle_number(argv[0], value, 0, 3600));
    } else {
      idle_usage(argv[0]);
    }
  }
  return o;
}

}  // namespace portmqtt::bench
