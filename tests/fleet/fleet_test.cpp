// A fleet in one process: N clients on one shared EventLoop (one loop thread) against a private
// mosquitto. They connect all at once, subscribe each to its own topic, stay idle, then each
// publishes a few QoS 1 messages at a low rate to its neighbour's topic. Asserted: every client
// connected, every subscription granted, no connection lost while idle, every message
// acknowledged and received exactly by its addressee. Printed: the connect storm rate, memory
// per client (RSS delta / N), CPU per message (ours and the broker's).
//
//   fleet_test [--clients N] [--messages M] [--rate R] [--idle S]
//
// Exit 0: passed; 1: failed (the reason on stderr); 77: skipped (the file descriptor hard limit
// is too low for N clients and the broker). Each client needs one descriptor here and one in
// the broker: the test raises RLIMIT_NOFILE for itself, and mosquitto inherits it.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "portmqtt/client.hpp"
#include "process.hpp"
#include "tls_certs.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using portmqtt::test::Process;
using portmqtt::test::TempDir;

struct Settings {
  int clients = 2000;
  int messages = 3;   // per client
  double rate = 1.0;  // messages per second, per client
  int idle_seconds = 2;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--clients") s.clients = std::atoi(value);
    if (flag == "--messages") s.messages = std::atoi(value);
    if (flag == "--rate") s.rate = std::atof(value);
    if (flag == "--idle") s.idle_seconds = std::atoi(value);
  }
  if (s.clients < 2 || s.messages < 1 || s.messages > 64 || s.rate <= 0 || s.idle_seconds < 0) {
    std::fprintf(stderr, "fleet_test: --clients >= 2, --messages 1..64, --rate > 0\n");
    std::exit(1);
  }
  return s;
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "FAIL: %s\n", why.c_str());
  std::exit(1);
}

// Resident memory of a process, bytes (/proc/<pid>/statm: pages).
long rss_bytes(const std::string& pid = "self") {
  std::ifstream statm("/proc/" + pid + "/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// CPU time (user + system) of a process, seconds (/proc/<pid>/stat fields 14 and 15).
double cpu_seconds(const std::string& pid = "self") {
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto after_name = text.rfind(')');
  if (after_name == std::string::npos) return 0;
  std::vector<std::string> fields;
  std::string field;
  for (char c : text.substr(after_name + 2)) {
    if (c == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field.push_back(c);
    }
  }
  if (fields.size() < 13) return 0;
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const double ticks = std::stod(fields[11]) + std::stod(fields[12]);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Room for `clients` sockets here and in the broker (which inherits the limit), plus files.
bool raise_file_limit(int clients) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  const rlim_t wanted = static_cast<rlim_t>(clients) + 512;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) {
    std::printf(
        "SKIP: %d clients need %lu file descriptors, the hard limit is %lu (raise it with "
        "`ulimit -Hn` as root, or run fewer clients)\n",
        clients, static_cast<unsigned long>(wanted), static_cast<unsigned long>(limit.rlim_max));
    return false;
  }
  limit.rlim_cur = wanted;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

// mosquitto with no connection limit and little logging (10,000 clients' worth of log lines
// would measure the disk, not the clients).
class FleetBroker {
 public:
  FleetBroker() {
    std::string conf = "listener " + std::to_string(port_) +
                       " 127.0.0.1\nallow_anonymous true\nmax_connections -1\n"
                       "max_queued_messages 10000\nlog_dest file " +
                       (dir_.path() / "mosquitto.log").string() +
                       "\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
                       "connection_messages false\n";
    if (geteuid() == 0) conf += "user root\n";
    portmqtt::test::write_file(dir_.path() / "mosquitto.conf", conf);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c",
                                 (dir_.path() / "mosquitto.conf").string()},
        dir_.path() / "stdout", dir_.path() / "stderr");
    if (!wait_until([&] { return log().find(" running") != std::string::npos; }, 10s))
      fail("mosquitto did not start: " + log());
  }
  std::string uri() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  std::string pid() const { return std::to_string(process_->pid()); }
  std::string log() const { return portmqtt::test::read_file(dir_.path() / "mosquitto.log"); }

 private:
  TempDir dir_;
  std::uint16_t port_ = portmqtt::test::free_port();
  std::unique_ptr<Process> process_;
};

// What one client saw; written on the loop thread only, read by the main thread after the
// counters say it is complete.
struct Member {
  std::unique_ptr<portmqtt::Client> client;
  std::uint64_t received_mask = 0;  // bit k: message k of the sender received
};

}  // namespace

int main(int argc, char** argv) {
  const Settings s = parse(argc, argv);
  if (!raise_file_limit(s.clients)) return 77;
  FleetBroker broker;
  const std::string prefix = "fleet/" + std::to_string(getpid()) + "/";

  portmqtt::EventLoop loop{1};  // declared before the clients: it must outlive them
  std::vector<Member> fleet(static_cast<std::size_t>(s.clients));
  std::atomic<int> connected{0}, disconnects{0}, subscribed{0}, refused{0};
  std::atomic<int> acknowledged{0}, failed{0}, received{0}, duplicates{0}, misdirected{0};

  const long rss_before = rss_bytes();
  const auto storm_start = Clock::now();
  for (int i = 0; i < s.clients; ++i) {
    auto& member = fleet[static_cast<std::size_t>(i)];
    portmqtt::Config config{.broker = {.uri = broker.uri()}};
    config.credentials.client_id = "fleet-" + std::to_string(getpid()) + "-" + std::to_string(i);
    config.network.timeout = 60s;  // the storm queues connections at the broker
    // No MQTT 3.x resend on a live connection: under the load of a whole fleet an answer may
    // take longer than the default second, and each resend would be a duplicate delivery
    // adding to that load. TCP delivers; a resend after a reconnect stays.
    config.session.retransmit_interval = 0ms;
    member.client = std::make_unique<portmqtt::Client>(loop, std::move(config));
    member.client->on_connected([&connected, first = true](const portmqtt::Connected&) mutable {
      if (std::exchange(first, false)) ++connected;
    });
    member.client->on_disconnected([&disconnects](const portmqtt::Disconnected& event) {
      if (event.was_connected) ++disconnects;
    });
    member.client->on_message([&, i](const portmqtt::MessageReceived& event) {
      // Payload "<sender>:<k>"; the sender is this client's left neighbour.
      const std::string payload{event.payload.begin(), event.payload.end()};
      const auto colon = payload.find(':');
      const int k = std::atoi(payload.c_str() + colon + 1);
      auto& mask = fleet[static_cast<std::size_t>(i)].received_mask;
      if (colon == std::string::npos || k < 0 || k >= s.messages ||
          std::atoi(payload.c_str()) != (i + s.clients - 1) % s.clients) {
        ++misdirected;
        return;
      }
      if (mask & (std::uint64_t{1} << k)) {
        ++duplicates;
        return;
      }
      mask |= std::uint64_t{1} << k;
      ++received;
    });
    if (auto error = member.client->start()) fail("start: " + error.message());
  }
  if (!wait_until([&] { return connected == s.clients; }, 120s))
    fail(std::to_string(connected.load()) + " of " + std::to_string(s.clients) +
         " clients connected within 120 s");
  const double storm_seconds = seconds_since(storm_start);

  for (int i = 0; i < s.clients; ++i) {
    fleet[static_cast<std::size_t>(i)].client->subscribe(
        prefix + std::to_string(i), {.qos = portmqtt::QoS::at_least_once}, {},
        [&](std::error_code error, const portmqtt::SubscribeResult& result) {
          const bool granted =
              !error && result.reasons.size() == 1 && !portmqtt::is_failure(result.reasons[0]);
          ++(granted ? subscribed : refused);
        });
  }
  if (!wait_until([&] { return subscribed + refused == s.clients; }, 60s))
    fail(std::to_string(subscribed.load()) + " of " + std::to_string(s.clients) +
         " subscriptions acknowledged within 60 s");
  if (refused > 0) fail(std::to_string(refused.load()) + " subscriptions refused");
  const long rss_connected = rss_bytes();
  const long broker_rss = rss_bytes(broker.pid());

  std::this_thread::sleep_for(std::chrono::seconds(s.idle_seconds));
  if (disconnects > 0) fail(std::to_string(disconnects.load()) + " connections lost while idle");

  // Message k of client i goes out at (k + i/N) / rate: the fleet publishes N*rate messages per
  // second, evenly spread, each client at `rate`.
  const double cpu_before = cpu_seconds();
  const double broker_cpu_before = cpu_seconds(broker.pid());
  const auto publish_start = Clock::now();
  for (int k = 0; k < s.messages; ++k) {
    for (int i = 0; i < s.clients; ++i) {
      const double at = (k + static_cast<double>(i) / s.clients) / s.rate;
      const auto when = publish_start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(at));
      if (i % 64 == 0) std::this_thread::sleep_until(when);
      const std::string payload = std::to_string(i) + ":" + std::to_string(k);
      fleet[static_cast<std::size_t>(i)].client->publish(
          prefix + std::to_string((i + 1) % s.clients), payload,
          {.qos = portmqtt::QoS::at_least_once},
          [&](std::error_code error, const portmqtt::PublishResult&) {
            ++(error ? failed : acknowledged);
          });
    }
  }
  const int total = s.clients * s.messages;
  const bool complete = wait_until(
      [&] { return acknowledged + failed == total && received + misdirected >= total; }, 60s);
  const double publish_seconds = seconds_since(publish_start);
  const double cpu = cpu_seconds() - cpu_before;
  const double broker_cpu = cpu_seconds(broker.pid()) - broker_cpu_before;
  if (!complete)
    fail(std::to_string(acknowledged.load()) + " acknowledged, " + std::to_string(received.load()) +
         " received of " + std::to_string(total) + " messages within 60 s of the last publish");
  if (failed > 0) fail(std::to_string(failed.load()) + " publishes failed");
  if (disconnects > 0) fail(std::to_string(disconnects.load()) + " connections lost");
  if (duplicates > 0 || misdirected > 0)
    fail(std::to_string(duplicates.load()) + " duplicates, " + std::to_string(misdirected.load()) +
         " for another client");
  for (int i = 0; i < s.clients; ++i)
    if (fleet[static_cast<std::size_t>(i)].received_mask !=
        (s.messages == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << s.messages) - 1))
      fail("client " + std::to_string(i) + " missed a message");

  std::printf("fleet: %d clients on one loop thread, %d QoS 1 messages each at %.2f/s\n", s.clients,
              s.messages, s.rate);
  std::printf("connect storm: %d connections in %.2f s = %.0f connections/s\n", s.clients,
              storm_seconds, s.clients / storm_seconds);
  std::printf("memory per client: %.1f KiB (RSS %.1f -> %.1f MiB); mosquitto RSS / N: %.1f KiB\n",
              static_cast<double>(rss_connected - rss_before) / s.clients / 1024.0,
              static_cast<double>(rss_before) / 1048576.0,
              static_cast<double>(rss_connected) / 1048576.0,
              static_cast<double>(broker_rss) / s.clients / 1024.0);
  std::printf(
      "messages: %d published and received in %.2f s; CPU per message %.1f us here (publish + "
      "receive), %.1f us in mosquitto\n",
      total, publish_seconds, cpu / total * 1e6, broker_cpu / total * 1e6);

  const auto stop_start = Clock::now();
  for (auto& member : fleet)
    member.client->stop(portmqtt::discard);
  fleet.clear();
  std::printf("stopped in %.2f s\nPASS\n", seconds_since(stop_start));
  return 0;
}
