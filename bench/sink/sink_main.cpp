// portmqtt-sink: a minimal MQTT broker for benchmarking clients on loopback.
//
//   portmqtt-sink [--port P] [--exit-after-clients N]
//                 [--flood QOS --flood-count N --payload S --topic T]
//
// Prints `port N` once listening, and one JSON line of totals on SIGINT/SIGTERM or after N
// clients have disconnected.
#include <signal.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include "sink_server.hpp"

namespace {

using portmqtt::bench::FloodConfig;

struct Options {
  std::uint16_t port = 0;
  std::uint64_t exit_after_clients = 0;
  FloodConfig flood;
};

void usage() {
  std::fprintf(stderr,
               "usage: portmqtt-sink [--port P] [--exit-after-clients N]\n"
               "                     [--flood QOS --flood-count N --payload S --topic T]\n");
}

bool parse_number(const char* text, std::uint64_t max, std::uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v > max) return false;
  out = v;
  return true;
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (i + 1 >= argc) return false;
    const char* value = argv[++i];
    std::uint64_t n = 0;
    if (name == "--topic") {
      o.flood.topic = value;
      continue;
    }
    if (!parse_number(value, UINT64_MAX, n)) return false;
    if (name == "--port" && n <= 65535) {
      o.port = static_cast<std::uint16_t>(n);
    } else if (name == "--exit-after-clients") {
      o.exit_after_clients = n;
    } else if (name == "--flood" && n <= 2) {
      o.flood.qos = static_cast<int>(n);
    } else if (name == "--flood-count") {
      o.flood.count = n;
    } else if (name == "--payload" && n <= 256 * 1024 * 1024) {
      o.flood.payload = static_cast<std::size_t>(n);
    } else {
      return false;
    }
  }
  return true;
}

void print_summary(const portmqtt::bench::SinkStats& s) {
  std::printf(
      "{\"sink\":\"portmqtt-sink\",\"connections\":%llu,\"closed\":%llu,\"malformed\":%llu,"
      "\"publishes_in\":%llu,\"payload_bytes_in\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu,"
      "\"flood_out\":%llu,\"flood_completed\":%llu}\n",
      static_cast<unsigned long long>(s.connections), static_cast<unsigned long long>(s.closed),
      static_cast<unsigned long long>(s.malformed), static_cast<unsigned long long>(s.publishes_in),
      static_cast<unsigned long long>(s.payload_bytes_in),
      static_cast<unsigned long long>(s.bytes_in), static_cast<unsigned long long>(s.bytes_out),
      static_cast<unsigned long long>(s.flood_out),
      static_cast<unsigned long long>(s.flood_completed));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    usage();
    return 2;
  }
  // The signals are taken from a signalfd inside the event loop, so they must stay blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  try {
    portmqtt::bench::SinkServer server(options.flood, options.exit_after_clients);
    const std::uint16_t port = server.listen(options.port);
    std::printf("port %u\n", static_cast<unsigned>(port));
    std::fflush(stdout);
    server.run();
    print_summary(server.stats());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portmqtt-sink: %s\n", e.what());
    return 1;
  }
  return 0;
}
