// A subscriber for the crash tests: a persistent session (clean session off; MQTT 5: Session
// Expiry 3600 s), optionally with the durable store (--store) that keeps the ids of inbound
// QoS 2 messages awaiting PUBREL. The test kills it with SIGKILL at random points and starts it
// again with the same client id (and store).
//
// Every message is logged by the message handler before it returns, with one write() to a file
// opened with O_APPEND: "<payload> <qos> <dup>". The client acknowledges a message (PUBACK,
// PUBREC) only after its handler returned, so a message the broker saw acknowledged is in the
// log; a write() survives SIGKILL of the process (the page cache is the kernel's), so no fsync
// is needed for this test (a power loss would need one). Each process first logs "start".
//
// Writes --ready once subscribed. With --quiet-exit-ms it exits 0 after that long without a
// message (the final run that collects what the broker still holds).
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "portmqtt/client.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string uri, id, store, log, ready, filter = "fault/sub/#";
  bool v5 = false;
  long quiet_exit_ms = 0;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--uri") a.uri = value;
    if (key == "--id") a.id = value;
    if (key == "--store") a.store = value;
    if (key == "--log") a.log = value;
    if (key == "--ready") a.ready = value;
    if (key == "--filter") a.filter = value;
    if (key == "--version") a.v5 = value == "5";
    if (key == "--quiet-exit-ms") a.quiet_exit_ms = std::stol(value);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  const int log = ::open(args.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return 2;

  portmqtt::Config config;
  config.broker.uri = args.uri;
  config.credentials.client_id = args.id;
  config.session.clean_session = false;
  config.session.keep_alive = std::chrono::seconds(10);
  if (args.v5) {
    config.session.protocol_version = portmqtt::ProtocolVersion::v5;
    config.session.connect_properties.add(portmqtt::PropertyId::session_expiry_interval, 3600);
  }
  config.network.reconnect.interval = 50ms;
  config.outbox.store_path = args.store;
  config.outbox.store_durability = portmqtt::StoreDurability::per_message;

  std::atomic<long long> last_message{Clock::now().time_since_epoch().count()};
  std::atomic<bool> subscribed{false};
  // Marks where this process's deliveries begin, to place duplicates relative to kills.
  (void)!::write(log, "start\n", 6);
  portmqtt::Client client(config);
  client.on_message([&](const portmqtt::MessageReceived& m) {
    const std::string line = std::string(m.payload) + " " +
                             std::to_string(static_cast<int>(m.qos)) + " " + (m.dup ? "1" : "0") +
                             "\n";
    (void)!::write(log, line.data(), line.size());
    last_message = Clock::now().time_since_epoch().count();
  });
  client.on_connected([&](const portmqtt::Connected&) {
    (void)client.subscribe(args.filter, {.qos = portmqtt::QoS::exactly_once});
  });
  client.on_subscribed([&](const portmqtt::Subscribed&) {
    if (!subscribed.exchange(true) && !args.ready.empty()) std::ofstream(args.ready).put('\n');
  });
  if (std::error_code ec = client.start()) {
    std::fprintf(stderr, "start: %s (%s)\n", ec.message().c_str(), client.store_status().c_str());
    return 3;
  }
  if (args.quiet_exit_ms <= 0) {
    for (;;)
      std::this_thread::sleep_for(1s);  // until killed
  }
  const auto quiet = std::chrono::milliseconds(args.quiet_exit_ms);
  for (int i = 0; i < 600; ++i) {  // bounded: 60 s
    std::this_thread::sleep_for(100ms);
    const Clock::time_point last{Clock::duration{last_message.load()}};
    if (subscribed && Clock::now() - last > quiet) break;
  }
  (void)client.stop();
  return subscribed ? 0 : 4;
}
