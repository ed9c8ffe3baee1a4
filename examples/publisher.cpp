// Publishes messages and learns how each one ended, with completions.
//
//   publisher [mqtt://host:port] [topic] [count]      (defaults: mqtt://127.0.0.1:1883,
//                                                      portmqtt/example/publisher, 10)
//
// The first message is published with portmqtt::use_future: the program waits for its PUBACK,
// which also proves the broker is reachable. The others are published with a callback each, and
// drain() waits until all of them have ended. Exits 0 when every message was acknowledged.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <system_error>

#include "portmqtt/client.hpp"

namespace {

constexpr auto kTimeout = std::chrono::seconds(5);

int fail(const std::string& what) {
  std::fprintf(stderr, "publisher: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string uri = argc > 1 ? argv[1] : "mqtt://127.0.0.1:1883";
  const std::string topic = argc > 2 ? argv[2] : "portmqtt/example/publisher";
  const int count = argc > 3 ? std::atoi(argv[3]) : 10;
  if (count < 1) return fail("count must be a positive number");

  portmqtt::Client client{portmqtt::Config{
      .broker = {.uri = uri},
      .credentials = {.client_id = "portmqtt-example-publisher"},
  }};
  // Connection problems are reported as events while the client keeps retrying on its own;
  // print each new one once. (Handlers run one at a time, so `last_error` needs no lock.)
  std::string last_error;
  client.on_error([&](const portmqtt::Error& e) {
    if (e.error.message() == last_error) return;
    last_error = e.error.message();
    std::fprintf(stderr, "publisher: %s: %s\n", uri.c_str(), last_error.c_str());
  });
  if (auto ec = client.start()) return fail("cannot start: " + ec.message());

  const portmqtt::PublishOptions qos1{.qos = portmqtt::QoS::at_least_once};

  // 1. use_future: the call returns a std::future<PublishResult>. A QoS 1 message is kept
  //    while the client connects, so publishing right after start() is fine. get() throws
  //    portmqtt::DeliveryError when the message did not arrive (refused, stopped, ...).
  std::future<portmqtt::PublishResult> first =
      client.publish(topic, "message 1", qos1, portmqtt::use_future);
  if (first.wait_for(kTimeout) != std::future_status::ready) {
    client.stop(portmqtt::discard);
    return fail("no acknowledgement from " + uri + " within 5 s (is the broker running?)");
  }
  try {
    const portmqtt::PublishResult result = first.get();
    std::printf("message 1 acknowledged (packet id %u)\n", unsigned{result.packet_id});
  } catch (const portmqtt::DeliveryError& e) {
    client.stop(portmqtt::discard);
    return fail(std::string{"message 1 not delivered: "} + e.what());
  }

  // 2. A callback: runs on the client's loop thread once the message has ended, so it only
  //    records the outcome (under a lock, since main reads it afterwards).
  std::mutex mutex;
  int acknowledged = 1;
  int failed = 0;
  for (int i = 2; i <= count; ++i) {
    client.publish(topic, "message " + std::to_string(i), qos1,
                   [&, i](std::error_code ec, const portmqtt::PublishResult&) {
                     const std::lock_guard lock{mutex};
                     if (ec) {
                       ++failed;
                       std::fprintf(stderr, "publisher: message %d: %s\n", i, ec.message().c_str());
                     } else {
                       ++acknowledged;
                     }
                   });
  }

  // 3. drain() blocks until everything accepted so far has ended (or the timeout passed).
  //    stop() would drain too; calling it first lets the program report a timeout.
  if (auto ec = client.drain(kTimeout)) {
    client.stop(portmqtt::discard);
    return fail("drain: " + ec.message());
  }
  client.stop();  // DISCONNECT, then the loop thread ends

  const std::lock_guard lock{mutex};
  std::printf("%d of %d messages acknowledged\n", acknowledged, count);
  return acknowledged == count && failed == 0 ? 0 : 1;
}
