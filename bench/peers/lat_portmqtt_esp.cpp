// Publish-to-delivery latency through the broker with portmqtt's ESP-MQTT C API: the main
// thread calls esp_mqtt_client_publish(), the client's thread posts MQTT_EVENT_DATA back.
#include <mqtt_client.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>

#include "latency_common.hpp"

namespace {

using portmqtt::bench::Progress;

constexpr const char* kName = "portmqtt_esp";

struct PeerState {
  explicit PeerState(std::uint64_t count) : samples(count) {}
  portmqtt::bench::LatencySamples samples;
  Progress connects;
  Progress subscribed;
  std::atomic<bool> finishing{false};  // the connection may end now
};

void on_event(void* arg, esp_event_base_t, int32_t event_id, void* event_data) {
  auto* state = static_cast<PeerState*>(arg);
  const auto* event = static_cast<esp_mqtt_event_handle_t>(event_data);
  switch (event_id) {
    case MQTT_EVENT_CONNECTED:
      state->connects.complete();
      break;
    case MQTT_EVENT_SUBSCRIBED:
      state->subscribed.complete();
      break;
    case MQTT_EVENT_DATA:
      if (event->current_data_offset == 0)
        state->samples.delivered(event->data, static_cast<std::size_t>(event->data_len));
      break;
    case MQTT_EVENT_ERROR:
    case MQTT_EVENT_DISCONNECTED:
      if (state->finishing.load()) break;
      portmqtt::bench::fail(kName, "connection failed or lost");
    default:
      break;
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto options = portmqtt::bench::parse_peer_options(argc, argv);
  options.topic = portmqtt::bench::latency_topic(options.topic, kName);
  const std::string client_id = portmqtt::bench::client_id_for(kName);
  esp_mqtt_client_config_t config = {};
  config.broker.address.hostname = options.host.c_str();
  config.broker.address.port = options.port;
  config.broker.address.transport = MQTT_TRANSPORT_OVER_TCP;
  config.credentials.client_id = client_id.c_str();
  config.session.protocol_ver = options.version == 5 ? MQTT_PROTOCOL_V_5 : MQTT_PROTOCOL_V_3_1_1;
  config.network.disable_auto_reconnect = true;
  PeerState state(options.count);
  // The publisher bounds what is on its way itself; let all of it fly.
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  ext.max_inflight = static_cast<std::uint16_t>(std::min<std::uint64_t>(options.window, 65535));
  esp_mqtt_client_handle_t client = esp_mqtt_client_init_with_ext_config(&config, &ext);
  if (client == nullptr) portmqtt::bench::fail(kName, "esp_mqtt_client_init failed");
  esp_mqtt_client_register_event(client, MQTT_EVENT_ANY, on_event, &state);
  if (esp_mqtt_client_start(client) != ESP_OK) portmqtt::bench::fail(kName, "start failed");
  state.connects.wait_for(1);
  if (esp_mqtt_client_subscribe_single(client, options.topic.c_str(), options.qos) < 0)
    portmqtt::bench::fail(kName, "subscribe failed");
  state.subscribed.wait_for(1);
  const double seconds =
      portmqtt::bench::publish_timed(options, state.samples, [&](const std::string& payload) {
        const int id = esp_mqtt_client_publish(client, options.topic.c_str(), payload.data(),
                                               static_cast<int>(payload.size()), options.qos, 0);
        if (id < 0) portmqtt::bench::fail(kName, "publish failed");
      });
  state.finishing.store(true);
  esp_mqtt_client_destroy(client);
  portmqtt::bench::print_latency_report(kName, options, state.samples, seconds);
  return 0;
}
