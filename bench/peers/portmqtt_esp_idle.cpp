// What an idle client costs in the ESP-MQTT model: N clients made with esp_mqtt_client_init()
// and started, each with its own loop thread (its "MQTT task"), connected to a broker and then
// left idle.
//   portmqtt_esp_idle --host H --port P --connections N [--idle-seconds S]
// (--threads and --own-threads are accepted and mean nothing here: every ESP client owns its
// loop.)
// Prints one JSON line in the shape of portmqtt_idle's: the resident set and the thread count
// before the clients exist and once all are connected and idle, and the difference per client.
#include <mqtt_client.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "idle_options.hpp"
#include "peer_common.hpp"
#include "portmqtt_progress.hpp"
#include "process_status.hpp"

namespace {

constexpr const char* kName = "portmqtt_esp_idle";

using portmqtt::bench::IdleOptions;

struct Counters {
  portmqtt::bench::Progress connects;
  portmqtt::bench::Progress failures;
};

void on_event(void* arg, esp_event_base_t, int32_t event_id, void*) {
  auto* counters = static_cast<Counters*>(arg);
  if (event_id == MQTT_EVENT_CONNECTED) counters->connects.complete();
  if (event_id == MQTT_EVENT_DISCONNECTED || event_id == MQTT_EVENT_ERROR)
    counters->failures.complete();
}

}  // namespace

int main(int argc, char** argv) {
  const IdleOptions options = portmqtt::bench::parse_idle_options(argc, argv);
  const long before_kib = portmqtt::bench::resident_kib();
  const long anon_before_kib = portmqtt::bench::resident_anonymous_kib();
  const long threads_before = portmqtt::bench::thread_count();
  Counters counters;
  std::vector<std::string> client_ids;
  std::vector<esp_mqtt_client_handle_t> clients;
  client_ids.reserve(options.connections);
  clients.reserve(options.connections);
  const portmqtt::bench::Stopwatch clock;
  for (std::size_t i = 0; i < options.connections; ++i) {
    client_ids.push_back(portmqtt::bench::client_id_for(kName) + "-" + std::to_string(i));
    esp_mqtt_client_config_t config = {};
    config.broker.address.hostname = options.host.c_str();
    config.broker.address.port = options.port;
    config.broker.address.transport = MQTT_TRANSPORT_OVER_TCP;
    config.credentials.client_id = client_ids.back().c_str();
    config.network.disable_auto_reconnect = true;
    esp_mqtt_client_handle_t client = esp_mqtt_client_init(&config);
    if (client == nullptr) portmqtt::bench::fail(kName, "esp_mqtt_client_init failed");
    clients.push_back(client);
    esp_mqtt_client_register_event(client, MQTT_EVENT_ANY, on_event, &counters);
    if (esp_mqtt_client_start(client) != ESP_OK) portmqtt::bench::fail(kName, "start failed");
  }
  counters.connects.wait_for(options.connections);
  const double connect_seconds = clock.seconds();
  std::this_thread::sleep_for(std::chrono::seconds(options.idle_seconds));
  const long idle_kib = portmqtt::bench::resident_kib();
  const long anon_idle_kib = portmqtt::bench::resident_anonymous_kib();
  const long threads_idle = portmqtt::bench::thread_count();
  if (counters.failures.done() != 0)
    portmqtt::bench::fail(kName, "a connection failed or was lost");
  const double per_connection =
      static_cast<double>(idle_kib - before_kib) / static_cast<double>(options.connections);
  std::printf(
      "{\"client\":\"%s\",\"connections\":%zu,\"threads\":1,\"own_threads\":true,"
      "\"connect_seconds\":%.3f,\"rss_before_kib\":%ld,\"rss_idle_kib\":%ld,"
      "\"kib_per_connection\":%.2f,\"threads_before\":%ld,\"threads_idle\":%ld,"
      "\"rss_anon_before_kib\":%ld,\"rss_anon_idle_kib\":%ld}\n",
      kName, options.connections, connect_seconds, before_kib, idle_kib, per_connection,
      threads_before, threads_idle, anon_before_kib, anon_idle_kib);
  std::fflush(stdout);
  for (esp_mqtt_client_handle_t client : clients)
    esp_mqtt_client_destroy(client);
  return 0;
}
