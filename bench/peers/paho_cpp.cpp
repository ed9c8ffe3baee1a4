// Eclipse Paho C++ (mqtt::async_client): listeners run on the library's threads while the main
// thread publishes.
#include <mqtt/async_client.h>

#include <algorithm>
#include <climits>
#include <exception>
#include <string>

#include "peer_common.hpp"

namespace {

using portmqtt::bench::Completions;
using portmqtt::bench::PeerOptions;

constexpr const char* kName = "paho_cpp";

// Counts acknowledged publishes; one instance serves every message.
class AckListener : public mqtt::iaction_listener {
 public:
  explicit AckListener(Completions& acks) : acks_(acks) {}
  void on_success(const mqtt::token&) override { acks_.complete(); }
  void on_failure(const mqtt::token&) override { portmqtt::bench::fail(kName, "publish failed"); }

 private:
  Completions& acks_;
};

// Counts delivered messages and fails on a lost connection.
class Receiver : public mqtt::callback {
 public:
  explicit Receiver(Completions& messages) : messages_(messages) {}
  void message_arrived(mqtt::const_message_ptr) override { messages_.complete(); }
  void connection_lost(const std::string& cause) override {
    portmqtt::bench::fail(kName, "connection lost: " + cause);
  }

 private:
  Completions& messages_;
};

mqtt::connect_options connect_options_for(const PeerOptions& o) {
  mqtt::connect_options c;
  c.set_mqtt_version(o.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
  c.set_keep_alive_interval(60);
  c.set_max_inflight(static_cast<int>(o.window));
  if (o.version == 5) {
    c.set_clean_start(true);
    c.set_properties(mqtt::properties{
        mqtt::property(mqtt::property::RECEIVE_MAXIMUM, static_cast<int32_t>(o.window))});
  } else {
    c.set_clean_session(true);
  }
  return c;
}

double publish_all(mqtt::async_client& client, const PeerOptions& o) {
  const std::string payload = portmqtt::bench::make_payload(o.size);
  Completions acks(o.window);
  AckListener listener(acks);
  portmqtt::bench::Stopwatch clock;
  if (o.qos == 0) {
    // Unbounded QoS 0, then a QoS 1 marker whose acknowledgement proves delivery of all.
    for (std::uint64_t i = 0; i < o.count; ++i) {
      client.publish(o.topic, payload.data(), payload.size(), 0, false);
    }
    client.publish(o.topic, "end", 3, 1, false, nullptr, listener);
    acks.wait_for(1);
    return clock.seconds();
  }
  for (std::uint64_t i = 0; i < o.count; ++i) {
    acks.acquire();
    client.publish(o.topic, payload.data(), payload.size(), o.qos, false, nullptr, listener);
  }
  acks.wait_for(o.count);
  return clock.seconds();
}

double receive_all(mqtt::async_client& client, const PeerOptions& o, Completions& messages) {
  portmqtt::bench::Stopwatch clock;
  client.subscribe(o.topic, o.qos);
  messages.wait_for(o.count);
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  const PeerOptions o = portmqtt::bench::parse_peer_options(argc, argv);
  // Paho refuses to queue more than maxBufferedMessages (default 100) even while connected.
  const std::uint64_t buffered = o.qos == 0 ? o.count + 1 : o.window + 1ull;
  const mqtt::create_options create(o.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1,
                                    static_cast<int>(std::min<std::uint64_t>(buffered, INT_MAX)));
  double seconds = 0;
  try {
    mqtt::async_client client("tcp://" + o.host + ":" + std::to_string(o.port),
                              portmqtt::bench::client_id_for(kName), create);
    Completions messages(0);
    Receiver receiver(messages);
    client.set_callback(receiver);
    client.connect(connect_options_for(o))->wait();
    seconds = o.recv ? receive_all(client, o, messages) : publish_all(client, o);
    client.disconnect()->wait();
  } catch (const std::exception& e) {
    portmqtt::bench::fail(kName, e.what());
  }
  portmqtt::bench::print_report(kName, o, seconds);
  return 0;
}
