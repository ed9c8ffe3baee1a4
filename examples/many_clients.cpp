// Many clients on one shared EventLoop: a single thread runs every connection.
//
//   many_clients [mqtt://host:port] [clients] [topic]   (defaults: mqtt://127.0.0.1:1883, 1000,
//                                                        portmqtt/example/many)
//
// Starts the clients, waits until all are connected, has each publish one QoS 1 message to
// <topic>/<n>, waits for every PUBACK, and stops them all. Each client needs one file
// descriptor (and the broker one more): raise `ulimit -n` for more than about 1,000.
#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "portmqtt/client.hpp"

namespace {

// Waits until `done()` holds, for up to `timeout`.
template <class Predicate>
bool wait_until(Predicate done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string uri = argc > 1 ? argv[1] : "mqtt://127.0.0.1:1883";
  const int count = argc > 2 ? std::atoi(argv[2]) : 1000;
  const std::string topic = argc > 3 ? argv[3] : "portmqtt/example/many";
  if (count < 1) {
    std::fprintf(stderr, "many_clients: the number of clients must be positive\n");
    return 2;
  }

  // One loop thread for all clients. It must outlive them: declared first, destroyed last.
  portmqtt::EventLoop loop{1};
  std::vector<std::unique_ptr<portmqtt::Client>> clients;
  clients.reserve(static_cast<std::size_t>(count));
  std::atomic<int> connected{0};
  std::atomic<int> acknowledged{0};
  std::atomic<int> failed{0};

  // One configuration for all clients, shared rather than copied into each; every client
  // adds only its own client id.
  const auto config = std::make_shared<const portmqtt::Config>(portmqtt::Config{
      .broker = {.uri = uri},
  });
  const std::string id_prefix = "portmqtt-many-" + std::to_string(::getpid()) + "-";
  for (int i = 0; i < count; ++i) {
    auto client = std::make_unique<portmqtt::Client>(loop, config, id_prefix + std::to_string(i));
    // Count only the first connection of each client.
    client->on_connected([&connected, first = true](const portmqtt::Connected&) mutable {
      if (first) ++connected;
      first = false;
    });
    if (auto ec = client->start()) {
      std::fprintf(stderr, "many_clients: client %d cannot start: %s\n", i, ec.message().c_str());
      return 1;
    }
    clients.push_back(std::move(client));
  }

  if (!wait_until([&] { return connected == count; }, std::chrono::seconds(30))) {
    std::fprintf(stderr, "many_clients: only %d of %d clients connected to %s within 30 s\n",
                 connected.load(), count, uri.c_str());
    return 1;
  }
  std::printf("%d clients connected\n", count);

  for (int i = 0; i < count; ++i) {
    clients[static_cast<std::size_t>(i)]->publish(
        topic + "/" + std::to_string(i), "hello from client " + std::to_string(i),
        {.qos = portmqtt::QoS::at_least_once},
        [&](std::error_code ec, const portmqtt::PublishResult&) {
          ++(ec ? failed : acknowledged);
        });
  }
  if (!wait_until([&] { return acknowledged + failed == count; }, std::chrono::seconds(30))) {
    std::fprintf(stderr, "many_clients: %d of %d messages acknowledged within 30 s\n",
                 acknowledged.load(), count);
    return 1;
  }
  std::printf("%d messages acknowledged, %d failed\n", acknowledged.load(), failed.load());

  for (auto& client : clients)
    client->stop();  // each sends DISCONNECT
  clients.clear();
  return failed == 0 ? 0 : 1;
}
