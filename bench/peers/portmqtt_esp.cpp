// portmqtt's ESP-MQTT C API, used as an ESP-IDF application would: the main thread publishes
// with esp_mqtt_client_publish() while the client's thread posts MQTT_EVENT_PUBLISHED and
// MQTT_EVENT_DATA to a registered handler. Only C API calls, so the program reads like C.
#include <mqtt_client.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>

#include "peer_common.hpp"
#include "portmqtt_progress.hpp"

namespace {

using portmqtt::bench::Progress;

constexpr const char* kName = "portmqtt_esp";

struct PeerState {
  Progress connects;
  Progress completions;
  std::atomic<bool> finishing{false};  // the connection may end now
};

void on_event(void* arg, esp_event_base_t, int32_t event_id, void* event_data) {
  auto* state = static_cast<PeerState*>(arg);
  const auto* event = static_cast<esp_mqtt_event_handle_t>(event_data);
  switch (event_id) {
    case MQTT_EVENT_CONNECTED:
      state->connects.complete();
      break;
    case MQTT_EVENT_PUBLISHED:
      state->completions.complete();
      break;
    case MQTT_EVENT_DATA:
      if (event->current_data_offset + event->data_len == event->total_data_len)
        state->completions.complete();
      break;
    case MQTT_EVENT_ERROR:
    case MQTT_EVENT_DISCONNECTED:
      if (state->finishing.load()) break;
      portmqtt::bench::fail(kName, "connection failed or lost");
    default:
      break;
  }
}

void check(int msg_id) {
  if (msg_id < 0) portmqtt::bench::fail(kName, "publish failed: " + std::to_string(msg_id));
}

// At most `window` QoS 1/2 messages unacknowledged; a full window waits for half of it.
double publish_all(esp_mqtt_client_handle_t client, PeerState& state,
                   const portmqtt::bench::PeerOptions& o) {
  const std::string payload = portmqtt::bench::make_payload(o.size);
  const int size = static_cast<int>(payload.size());
  const std::uint64_t window = o.window;
  const std::uint64_t refill = window > 1 ? window / 2 : 1;
  Progress& acks = state.completions;
  portmqtt::bench::Stopwatch clock;
  for (std::uint64_t sent = 0; sent < o.count; ++sent) {
    if (o.qos != 0 && sent - acks.done() >= window) acks.wait_for(sent - window + refill);
    // An empty payload must not be taken for a C string (len 0 means strlen).
    check(esp_mqtt_client_publish(client, o.topic.c_str(), payload.data(), size, o.qos, 0));
  }
  if (o.qos == 0) {
    // QoS 0 completes when written; a QoS 1 marker behind them proves they were delivered.
    check(esp_mqtt_client_publish(client, o.topic.c_str(), "end", 3, 1, 0));
    acks.wait_for(1);
  } else {
    acks.wait_for(o.count);
  }
  return clock.seconds();
}

double receive_all(esp_mqtt_client_handle_t client, PeerState& state,
                   const portmqtt::bench::PeerOptions& o) {
  portmqtt::bench::Stopwatch clock;
  if (esp_mqtt_client_subscribe_single(client, o.topic.c_str(), o.qos) < 0)
    portmqtt::bench::fail(kName, "subscribe failed");
  state.completions.wait_for(o.count);
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = portmqtt::bench::parse_peer_options(argc, argv);
  if (options.size == 0 && options.recv == false)
    portmqtt::bench::fail(kName, "--size 0 cannot be published through the ESP API");
  const std::string client_id = portmqtt::bench::client_id_for(kName);
  esp_mqtt_client_config_t config = {};
  config.broker.address.hostname = options.host.c_str();
  config.broker.address.port = options.port;
  config.broker.address.transport = MQTT_TRANSPORT_OVER_TCP;
  config.credentials.client_id = client_id.c_str();
  config.session.protocol_ver = options.version == 5 ? MQTT_PROTOCOL_V_5 : MQTT_PROTOCOL_V_3_1_1;
  config.network.disable_auto_reconnect = true;
  PeerState state;
  // The publisher keeps its own window of W unacknowledged messages; let all of them fly.
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  ext.max_inflight = static_cast<std::uint16_t>(std::min<std::uint64_t>(options.window, 65535));
  esp_mqtt_client_handle_t client = esp_mqtt_client_init_with_ext_config(&config, &ext);
  if (client == nullptr) portmqtt::bench::fail(kName, "esp_mqtt_client_init failed");
  esp_mqtt_client_register_event(client, MQTT_EVENT_ANY, on_event, &state);
  if (esp_mqtt_client_start(client) != ESP_OK) portmqtt::bench::fail(kName, "start failed");
  state.connects.wait_for(1);
  const double seconds =
      options.recv ? receive_all(client, state, options) : publish_all(client, state, options);
  state.finishing.store(true);
  esp_mqtt_client_destroy(client);
  portmqtt::bench::print_report(kName, options, seconds);
  return 0;
}
