// A small portmqtt client: connects, subscribes, publishes one message per second and prints
// what comes back. Usage: cpp_client [mqtt://host:port] [topic]
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "portmqtt/client.hpp"

int main(int argc, char** argv) {
  const std::string uri = argc > 1 ? argv[1] : "mqtt://127.0.0.1:1883";
  const std::string topic = argc > 2 ? argv[2] : "portmqtt/example";

  portmqtt::Client client{portmqtt::Config{
      .broker = {.uri = uri},
      .credentials = {.client_id = "portmqtt-example"},
      .session = {.protocol_version = portmqtt::ProtocolVersion::v5},
  }};

  client.on_connected([&](const portmqtt::Connected& e) {
    std::printf("connected (session present: %d)\n", e.session_present ? 1 : 0);
    // Handlers may call the client: subscribing here re-subscribes after every reconnect.
    auto id = client.subscribe(topic, {.qos = portmqtt::QoS::at_least_once});
    if (!id) std::printf("subscribe failed: %s\n", id.error().message().c_str());
  });
  client.on_disconnected([](const portmqtt::Disconnected& e) {
    std::printf("disconnected: %s\n", e.error ? e.error.message().c_str() : "requested");
  });
  client.on_message([](const portmqtt::MessageReceived& m) {
    std::printf("%.*s: %.*s\n", static_cast<int>(m.topic.size()), m.topic.data(),
                static_cast<int>(m.payload.size()), m.payload.data());
  });
  client.on_error([](const portmqtt::Error& e) {
    std::printf("error: %s (errno %d)\n", e.error.message().c_str(), e.system_errno);
  });

  if (auto ec = client.start()) {
    std::printf("cannot start: %s\n", ec.message().c_str());
    return 1;
  }
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    auto id =
        client.publish(topic, "hello " + std::to_string(i), {.qos = portmqtt::QoS::at_least_once});
    if (!id) std::printf("publish failed: %s\n", id.error().message().c_str());
  }
  client.stop();  // sends DISCONNECT and joins the loop thread
}
