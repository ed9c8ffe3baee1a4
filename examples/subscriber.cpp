// Subscribes and prints every message, surviving broker restarts.
//
//   subscriber [mqtt://host:port] [filter] [count]    (defaults: mqtt://127.0.0.1:1883,
//                                                      portmqtt/example/#, 0 = run until Ctrl-C)
//
// Prints "topic payload" per message. The client reconnects on its own after every loss, with
// the default ReconnectConfig (100 ms, doubling up to 500 ms, with jitter); subscribing in the
// Connected handler renews the subscription on each new connection. With a count it exits
// after that many messages.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "portmqtt/client.hpp"

namespace {

std::atomic<bool> interrupted{false};

void on_signal(int) {
  interrupted = true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string uri = argc > 1 ? argv[1] : "mqtt://127.0.0.1:1883";
  const std::string filter = argc > 2 ? argv[2] : "portmqtt/example/#";
  const long count = argc > 3 ? std::atol(argv[3]) : 0;
  if (count < 0) {
    std::fprintf(stderr, "subscriber: count must be 0 (no limit) or more\n");
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  portmqtt::Client client{portmqtt::Config{
      .broker = {.uri = uri},
      .credentials = {.client_id = "portmqtt-example-subscriber"},
  }};

  std::atomic<long> received{0};
  std::atomic<bool> ever_connected{false};

  // Handlers run on the client's loop thread, one at a time; they may call the client.
  client.on_connected([&](const portmqtt::Connected& e) {
    ever_connected = true;
    std::printf("connected to %.*s\n", static_cast<int>(e.broker.size()), e.broker.data());
    std::fflush(stdout);
    auto id = client.subscribe(filter, {.qos = portmqtt::QoS::at_least_once});
    if (!id) std::fprintf(stderr, "subscriber: subscribe: %s\n", id.error().message().c_str());
  });
  client.on_disconnected([&](const portmqtt::Disconnected& e) {
    if (e.was_connected) {
      std::printf("connection lost (%s), reconnecting\n",
                  e.error ? e.error.message().c_str() : "closed");
      std::fflush(stdout);
    }
  });
  client.on_error([&, last = std::string{}](const portmqtt::Error& e) mutable {
    // Before the first connection an error usually means a wrong URI or a broker that is not
    // running: say so (each new error once), and keep trying.
    if (!ever_connected && e.error.message() != last) {
      last = e.error.message();
      std::fprintf(stderr, "subscriber: %s: %s\n", uri.c_str(), last.c_str());
    }
  });
  client.on_message([&](const portmqtt::MessageReceived& m) {
    // Large payloads may arrive in fragments; print the topic once, with the first one.
    if (m.is_first_fragment()) {
      std::printf("%.*s ", static_cast<int>(m.topic.size()), m.topic.data());
    }
    std::fwrite(m.payload.data(), 1, m.payload.size(), stdout);
    if (m.is_last_fragment()) {
      std::printf("\n");
      std::fflush(stdout);
      ++received;
    }
  });

  if (auto ec = client.start()) {
    std::fprintf(stderr, "subscriber: cannot start: %s\n", ec.message().c_str());
    return 1;
  }
  while (!interrupted && (count == 0 || received < count)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  client.stop();
  return 0;
}
