// Publish-to-delivery latency through the broker with portmqtt's C++ API: the main thread
// publishes, the client's loop thread delivers the messages back to on_message.
#include <algorithm>
#include <cstdint>
#include <string>

#include "latency_common.hpp"
#include "portmqtt/client.hpp"

namespace {

constexpr const char* kName = "portmqtt_cpp";

portmqtt::Config config_for(const portmqtt::bench::PeerOptions& o) {
  portmqtt::Config config;
  config.broker.host = o.host;
  config.broker.port = o.port;
  config.credentials.client_id = portmqtt::bench::client_id_for(kName);
  config.session.protocol_version =
      o.version == 5 ? portmqtt::ProtocolVersion::v5 : portmqtt::ProtocolVersion::v3_1_1;
  config.network.reconnect.enabled = false;
  config.session.retransmit_interval = portmqtt::Milliseconds{0};
  config.outbox.expiry = portmqtt::Milliseconds{0};
  // The publisher bounds what is on its way itself; let all of it fly.
  config.session.max_inflight =
      static_cast<std::uint16_t>(std::min<std::uint64_t>(o.window, 65535));
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = portmqtt::bench::parse_peer_options(argc, argv);
  options.topic = portmqtt::bench::latency_topic(options.topic, kName);
  portmqtt::bench::LatencySamples samples(options.count);
  portmqtt::bench::Progress connects;
  portmqtt::bench::Progress subscribed;
  portmqtt::Client client{config_for(options)};
  client.on_connected([&](const portmqtt::Connected&) { connects.complete(); });
  client.on_subscribed([&](const portmqtt::Subscribed&) { subscribed.complete(); });
  client.on_error(
      [](const portmqtt::Error& e) { portmqtt::bench::fail(kName, e.error.message()); });
  client.on_message([&](const portmqtt::MessageReceived& m) {
    if (m.is_first_fragment()) samples.delivered(m.payload.data(), m.payload.size());
  });
  if (const auto ec = client.start()) portmqtt::bench::fail(kName, "start: " + ec.message());
  connects.wait_for(1);
  const auto qos = static_cast<portmqtt::QoS>(options.qos);
  if (const auto id = client.subscribe(options.topic, {.qos = qos}); !id)
    portmqtt::bench::fail(kName, "subscribe: " + id.error().message());
  subscribed.wait_for(1);
  const double seconds =
      portmqtt::bench::publish_timed(options, samples, [&](const std::string& payload) {
        const auto id = client.publish(options.topic, payload, {.qos = qos});
        if (!id) portmqtt::bench::fail(kName, "publish: " + id.error().message());
      });
  client.stop();
  portmqtt::bench::print_latency_report(kName, options, samples, seconds);
  return 0;
}
