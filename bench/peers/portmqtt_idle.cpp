// Resident memory per idle connection: N portmqtt clients on one shared EventLoop, made from
// one shared configuration, all connected to a broker and then left idle.
//   portmqtt_idle --host H --port P --connections N [--threads T] [--idle-seconds S]
//                 [--own-threads 1]
// Prints one JSON line with the resident set before the clients exist and once all are
// connected and idle, and the difference per connection. With --own-threads 1 every client
// runs its own loop thread instead (the ESP-MQTT model: one task per client).
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "idle_options.hpp"
#include "peer_common.hpp"
#include "portmqtt/client.hpp"
#include "portmqtt_progress.hpp"
#include "process_status.hpp"

namespace {

constexpr const char* kName = "portmqtt_idle";

using portmqtt::bench::IdleOptions;

// One configuration for every client, shared (a fleet holds it once); each its own client id.
std::shared_ptr<const portmqtt::Config> shared_config(const IdleOptions& o) {
  portmqtt::Config config;
  config.broker.host = o.host;
  config.broker.port = o.port;
  config.network.reconnect.enabled = false;
  return std::make_shared<const portmqtt::Config>(std::move(config));
}

}  // namespace

int main(int argc, char** argv) {
  const IdleOptions options = portmqtt::bench::parse_idle_options(argc, argv);
  portmqtt::EventLoop loop{options.threads};
  const long before_kib = portmqtt::bench::resident_kib();
  const long anon_before_kib = portmqtt::bench::resident_anonymous_kib();
  const long threads_before = portmqtt::bench::thread_count();
  portmqtt::bench::Progress connects;
  portmqtt::bench::Progress failures;
  const auto config = shared_config(options);
  const std::string id_prefix = portmqtt::bench::client_id_for(kName) + "-";
  // One set of handlers for every client too: they count, whichever client it was.
  const auto handlers = std::make_shared<const portmqtt::Handlers>(portmqtt::Handlers{
      .on_connected = [&](const portmqtt::Connected&) { connects.complete(); },
      .on_disconnected = [&](const portmqtt::Disconnected&) { failures.complete(); }});
  std::vector<std::unique_ptr<portmqtt::Client>> clients;
  clients.reserve(options.connections);
  const portmqtt::bench::Stopwatch clock;
  for (std::size_t i = 0; i < options.connections; ++i) {
    auto& client = *clients.emplace_back(
        options.own_threads
            ? std::make_unique<portmqtt::Client>(config, id_prefix + std::to_string(i))
            : std::make_unique<portmqtt::Client>(loop, config, id_prefix + std::to_string(i)));
    client.set_handlers(handlers);
    if (const auto ec = client.start()) portmqtt::bench::fail(kName, "start: " + ec.message());
  }
  connects.wait_for(options.connections);
  const double connect_seconds = clock.seconds();
  std::this_thread::sleep_for(std::chrono::seconds(options.idle_seconds));
  const long idle_kib = portmqtt::bench::resident_kib();
  const long anon_idle_kib = portmqtt::bench::resident_anonymous_kib();
  const long threads_idle = portmqtt::bench::thread_count();
  if (failures.done() != 0) portmqtt::bench::fail(kName, "a connection was lost while idle");
  const double per_connection =
      static_cast<double>(idle_kib - before_kib) / static_cast<double>(options.connections);
  std::printf(
      "{\"client\":\"%s\",\"connections\":%zu,\"threads\":%zu,\"own_threads\":%s,\"connect_"
      "seconds\":%.3f,"
      "\"rss_before_kib\":%ld,\"rss_idle_kib\":%ld,\"kib_per_connection\":%.2f,"
      "\"threads_before\":%ld,\"threads_idle\":%ld,"
      "\"rss_anon_before_kib\":%ld,\"rss_anon_idle_kib\":%ld}\n",
      kName, options.connections, options.threads, options.own_threads ? "true" : "false",
      connect_seconds, before_kib, idle_kib, per_connection, threads_before, threads_idle,
      anon_before_kib, anon_idle_kib);
  std::fflush(stdout);
  clients.clear();
  return 0;
}
