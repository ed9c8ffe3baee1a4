// A publisher for the network and broker fault tests, driven by commands on stdin so that the
// test can cut the link or kill the broker while it publishes or while it is idle:
//   "pub N"    publish the next N numbered messages (at --rate per second, 0: as fast as an
//              outbox of at most 200 messages allows); prints "ok" once all are accepted
//   "drain S"  wait up to S seconds until everything is acknowledged; prints "ok" or "timeout"
//   "quit"     stop the client and exit 0
// Payloads are the message's number and a space, padded with 'x' to --payload-size bytes.
// Its log (--log, unbuffered appends) has one line per fact, times from CLOCK_MONOTONIC in
// seconds (the test's time.monotonic() reads the same clock):
//   "a <n> <handle>"  message n accepted: publish() returned this handle
//   "c <handle> <id>" Published: the broker acknowledged it (PUBACK, or PUBCOMP at QoS 2);
//                     the packet id it had, to compare with a broker's debug log
//   "r <handle> <rc>" Published with a failure reason: the broker refused it (MQTT 5, e.g.
//                     0x97 quota exceeded when it cannot queue it)
//   "u <handle> <why>" Deleted: the message ended otherwise (DeletedReason: 1 the broker lost
//                     the session, 3 outcome unknown: a QoS 2 message at PUBREC then)
//   "C <time> <sp>"   Connected, with the CONNACK's session-present flag
//   "D <time> <why>"  Disconnected from a connection that was up
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <thread>

#include "portmqtt/client.hpp"

namespace {

using namespace std::chrono_literals;

struct Args {
  std::string uri, id, store, log, topic = "fault/net";
  int qos = 1;
  bool v5 = false;
  int keep_alive = 5;
  long user_timeout_ms = 0;
  double rate = 0;
  std::size_t payload_size = 0;
  int max_inflight = 0;  // 0: the client's default
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
    if (key == "--topic") a.topic = value;
    if (key == "--qos") a.qos = std::stoi(value);
    if (key == "--version") a.v5 = value == "5";
    if (key == "--keep-alive") a.keep_alive = std::stoi(value);
    if (key == "--user-timeout-ms") a.user_timeout_ms = std::stol(value);
    if (key == "--rate") a.rate = std::stod(value);
    if (key == "--payload-size") a.payload_size = std::stoul(value);
    if (key == "--max-inflight") a.max_inflight = std::stoi(value);
  }
  return a;
}

std::string now_text() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  char text[32];
  std::snprintf(text, sizeof text, "%ld.%06ld", static_cast<long>(t.tv_sec), t.tv_nsec / 1000);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  const int log = ::open(args.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return 2;
  auto note = [&](const std::string& line) { (void)!::write(log, line.data(), line.size()); };

  portmqtt::Config config;
  config.broker.uri = args.uri;
  config.credentials.client_id = args.id;
  config.session.clean_session = false;  // the broker keeps our QoS 2 state across a cut
  config.session.keep_alive = std::chrono::seconds(args.keep_alive);
  if (args.v5) {
    config.session.protocol_version = portmqtt::ProtocolVersion::v5;
    config.session.connect_properties.add(portmqtt::PropertyId::session_expiry_interval, 3600);
  }
  config.session.max_inflight = static_cast<std::uint16_t>(args.max_inflight);
  config.network.tcp_user_timeout = std::chrono::milliseconds(args.user_timeout_ms);
  config.outbox.expiry = portmqtt::Milliseconds{0};
  config.outbox.store_path = args.store;
  config.log.level = portmqtt::LogLevel::none;

  portmqtt::Client client(config);
  client.on_published([&](const portmqtt::Published& p) {
    const std::string handle = std::to_string(p.handle);
    if (portmqtt::is_failure(p.reason))
      note("r " + handle + " " + std::to_string(static_cast<int>(p.reason)) + "\n");
    else
      note("c " + handle + " " + std::to_string(p.packet_id) + "\n");
  });
  client.on_deleted([&](const portmqtt::Deleted& d) {
    note("u " + std::to_string(d.handle) + " " + std::to_string(static_cast<int>(d.reason)) + "\n");
  });
  client.on_connected([&](const portmqtt::Connected& c) {
    note("C " + now_text() + (c.session_present ? " 1" : " 0") + "\n");
  });
  client.on_disconnected([&](const portmqtt::Disconnected& d) {
    if (!d.was_connected) return;
    note("D " + now_text() + " " + d.error.message() + "\n");
  });
  if (std::error_code ec = client.start()) {
    std::fprintf(stderr, "start: %s\n", ec.message().c_str());
    return 3;
  }
  long next = 1;
  const auto interval = args.rate > 0 ? std::chrono::duration<double>(1.0 / args.rate)
                                      : std::chrono::duration<double>(0);
  std::string command;
  while (std::cin >> command) {
    if (command == "pub") {
      long n = 0;
      std::cin >> n;
      auto due = std::chrono::steady_clock::now();
      for (long end = next + n; next < end; ++next) {
        while (client.outbox_messages() > 200)
          std::this_thread::sleep_for(1ms);
        if (args.rate > 0) {
          due += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
          std::this_thread::sleep_until(due);
        }
        const std::string number = std::to_string(next);
        std::string payload = number + " ";
        if (payload.size() < args.payload_size) payload.resize(args.payload_size, 'x');
        auto accepted =
            client.publish(args.topic, payload, {.qos = static_cast<portmqtt::QoS>(args.qos)});
        if (!accepted) {
          std::fprintf(stderr, "publish %ld: %s\n", next, accepted.error().message().c_str());
          return 4;
        }
        note("a " + number + " " + std::to_string(accepted->handle) + "\n");
      }
      std::cout << "ok" << std::endl;
    } else if (command == "drain") {
      double seconds = 0;
      std::cin >> seconds;
      const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
      while (client.outbox_messages() != 0 && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(1ms);
      std::cout << (client.outbox_messages() == 0 ? "ok" : "timeout") << std::endl;
    } else if (command == "quit") {
      break;
    }
  }
  (void)client.stop();
  return 0;
}
