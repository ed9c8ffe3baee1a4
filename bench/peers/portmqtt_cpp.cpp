// portmqtt's C++ API: the main thread publishes through portmqtt::Client while the client's
// own loop thread reads acknowledgements and calls the handlers.
#include <algorithm>
#include <cstdint>
#include <string>

#include "peer_common.hpp"
#include "portmqtt/client.hpp"
#include "portmqtt_progress.hpp"

namespace {

#ifdef PORTMQTT_BENCH_COMPLETIONS
constexpr const char* kName = "portmqtt_cpp_done";
#else
constexpr const char* kName = "portmqtt_cpp";
#endif

using portmqtt::bench::Progress;

portmqtt::Config config_for(const portmqtt::bench::PeerOptions& o) {
  portmqtt::Config config;
  config.broker.host = o.host;
  config.broker.port = o.port;
  config.credentials.client_id = portmqtt::bench::client_id_for(kName);
  config.session.protocol_version =
      o.version == 5 ? portmqtt::ProtocolVersion::v5 : portmqtt::ProtocolVersion::v3_1_1;
  config.network.reconnect.enabled = false;
  // The benchmark measures the client, not retransmission under a slow consumer.
  config.session.retransmit_interval = portmqtt::Milliseconds{0};
  config.outbox.expiry = portmqtt::Milliseconds{0};
  // The publisher keeps its own window of W unacknowledged messages; let all of them fly.
  config.session.max_inflight =
      static_cast<std::uint16_t>(std::min<std::uint64_t>(o.window, 65535));
  // "..._nosync": commits reach the operating system only (survive a crash of the process,
  // not of the machine), like a store without fsync.
  const bool nosync = o.persist.ends_with("_nosync");
  const std::string mode = nosync ? o.persist.substr(0, o.persist.size() - 7) : o.persist;
  if (mode == "group" || mode == "per_message") {
    config.outbox.store_durability =
        mode == "group" ? portmqtt::StoreDurability::group : portmqtt::StoreDurability::per_message;
    config.outbox.store_sync = !nosync;
  } else if (!o.persist.empty()) {
    portmqtt::bench::fail(kName, "--persist: group, per_message, or either with _nosync");
  }
  return config;
}

template <class T>
void check(const portmqtt::Result<T>& result) {
  if (!result) portmqtt::bench::fail(kName, "publish: " + result.error().message());
}

// One publish. With PORTMQTT_BENCH_COMPLETIONS each QoS 1/2 message counts its acknowledgement
// through its own completion callback; otherwise through the global on_published handler.
void send(portmqtt::Client& client, std::string_view topic, std::string_view payload,
          portmqtt::PublishOptions options, [[maybe_unused]] Progress& acks) {
#ifdef PORTMQTT_BENCH_COMPLETIONS
  client.publish(topic, payload, options, portmqtt::Properties{},
                 [&acks, qos = options.qos](std::error_code ec, const portmqtt::PublishResult&) {
                   if (ec) portmqtt::bench::fail(kName, "publish: " + ec.message());
                   if (qos != portmqtt::QoS::at_most_once) acks.complete();
                 });
#else
  check(client.publish(topic, payload, options));
#endif
}

// Publishes `count` messages keeping at most `window` QoS 1/2 messages unacknowledged. Once the
// window is full the publisher waits until half of it is acknowledged, so that it sleeps and
// wakes once per window/2 acknowledgements rather than once per acknowledgement.
double publish_all(portmqtt::Client& client, Progress& acks,
                   const portmqtt::bench::PeerOptions& o) {
  const std::string payload = portmqtt::bench::make_payload(o.size);
  const portmqtt::PublishOptions options{.qos = static_cast<portmqtt::QoS>(o.qos)};
  const std::uint64_t window = o.window;
  const std::uint64_t refill = window > 1 ? window / 2 : 1;
  portmqtt::bench::Stopwatch clock;
  for (std::uint64_t sent = 0; sent < o.count; ++sent) {
    if (o.qos != 0 && sent - acks.done() >= window) acks.wait_for(sent - window + refill);
    send(client, o.topic, payload, options, acks);
  }
  if (o.qos == 0) {
    // QoS 0 completes when written; a QoS 1 marker behind them proves they were delivered.
    send(client, o.topic, "end", {.qos = portmqtt::QoS::at_least_once}, acks);
    acks.wait_for(1);
  } else {
    acks.wait_for(o.count);
  }
  return clock.seconds();
}

double receive_all(portmqtt::Client& client, Progress& messages,
                   const portmqtt::bench::PeerOptions& o) {
  portmqtt::bench::Stopwatch clock;
  const auto id = client.subscribe(o.topic, {.qos = static_cast<portmqtt::QoS>(o.qos)});
  if (!id) portmqtt::bench::fail(kName, "subscribe: " + id.error().message());
  messages.wait_for(o.count);
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = portmqtt::bench::parse_peer_options(argc, argv);
  Progress connects;
  Progress completions;
  // With --persist: a fresh SQLite outbox store, removed at the end.
  const std::string store_dir = options.persist.empty() ? "" : portmqtt::bench::make_temp_dir();
  portmqtt::Config config = config_for(options);
  if (!store_dir.empty()) config.outbox.store_path = store_dir + "/outbox.db";
  portmqtt::Client client{config};
  client.on_connected([&](const portmqtt::Connected&) { connects.complete(); });
  client.on_error(
      [](const portmqtt::Error& e) { portmqtt::bench::fail(kName, e.error.message()); });
#ifndef PORTMQTT_BENCH_COMPLETIONS
  client.on_published([&](const portmqtt::Published&) { completions.complete(); });
#endif
  client.on_message([&](const portmqtt::MessageReceived& m) {
    if (m.is_last_fragment()) completions.complete();
  });
  if (const auto ec = client.start()) portmqtt::bench::fail(kName, "start: " + ec.message());
  connects.wait_for(1);
  const double seconds = options.recv ? receive_all(client, completions, options)
                                      : publish_all(client, completions, options);
  client.stop();
  if (!store_dir.empty()) portmqtt::bench::remove_tree(store_dir);
  portmqtt::bench::print_report(kName, options, seconds);
  return 0;
}
