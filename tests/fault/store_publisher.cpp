// A publisher for the crash tests: publishes messages numbered from where its log says it
// stopped, through a client with the durable outbox store, and exits 0 once every number up
// to --count is accepted and acknowledged. The test kills it with SIGKILL at random points
// and starts it again on the same store and client id.
//
// Its log (--log, appended with unbuffered writes) has one line per fact:
//   "s <n>"  about to publish message n (sent: attempted)
//   "a <n>"  message n is accepted and committed: publish returned an id (per-message
//            durability), or a flush_store() after it returned (group commit, every 100)
//   "c"      a Published event: some message was acknowledged
//   "u"      a message ended with outcome unknown (Deleted)
// On start it continues after the highest "s": a message whose acceptance is unknown is
// not published again (it may be in the store already).
//
// --size pads each payload (the number, then spaces) to that many bytes; --outbox (default
// 200) is how many messages may wait in the outbox before the next publish. Exit status: 0
// done, 4 a publish was refused (its error on stderr), 5 flush_store() failed, 6 not every
// message acknowledged within 60 s.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "portmqtt/client.hpp"

namespace {

using namespace std::chrono_literals;

struct Args {
  std::string uri, id, store, log, topic = "fault/store";
  int qos = 1;
  long count = 1000;
  std::size_t size = 0;  // payload padded to this many bytes (the number first)
  long outbox = 200;     // at most this many messages in the outbox before the next publish
  bool v5 = false;
  bool group = false;
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
    if (key == "--count") a.count = std::stol(value);
    if (key == "--size") a.size = std::stoul(value);
    if (key == "--outbox") a.outbox = std::stol(value);
    if (key == "--version") a.v5 = value == "5";
    if (key == "--durability") a.group = value == "group";
  }
  return a;
}

long resume_point(const std::string& log) {
  std::ifstream in(log);
  std::string kind;
  long n = 0;
  long highest = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (fields >> kind >> n && kind == "s" && n > highest) highest = n;
  }
  return highest + 1;
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
  config.session.clean_session = false;  // the broker keeps our QoS 2 state across restarts
  config.session.keep_alive = std::chrono::seconds(10);
  if (args.v5) {
    config.session.protocol_version = portmqtt::ProtocolVersion::v5;
    config.session.connect_properties.add(portmqtt::PropertyId::session_expiry_interval, 3600);
  }
  config.network.reconnect.interval = 50ms;
  config.outbox.expiry = portmqtt::Milliseconds{0};
  config.outbox.store_path = args.store;
  config.outbox.store_durability =
      args.group ? portmqtt::StoreDurability::group : portmqtt::StoreDurability::per_message;

  portmqtt::Client client(config);
  client.on_published([&](const portmqtt::Published&) { note("c\n"); });
  client.on_deleted([&](const portmqtt::Deleted&) { note("u\n"); });
  if (std::error_code ec = client.start()) {
    std::fprintf(stderr, "start: %s (%s)\n", ec.message().c_str(), client.store_status().c_str());
    return 3;
  }
  std::string committed;  // group commit: "a" lines waiting for the next flush
  auto flush = [&] {
    if (committed.empty()) return true;
    if (std::error_code ec = client.flush_store()) {
      std::fprintf(stderr, "flush_store: %s\n", ec.message().c_str());
      return false;
    }
    note(committed);
    committed.clear();
    return true;
  };
  for (long n = resume_point(args.log); n <= args.count; ++n) {
    while (client.outbox_messages() > static_cast<std::size_t>(args.outbox))
      std::this_thread::sleep_for(1ms);
    const std::string number = std::to_string(n);
    std::string payload = number;
    if (payload.size() < args.size) payload.resize(args.size, ' ');  // the number, then spaces
    note("s " + number + "\n");
    auto id = client.publish(args.topic, payload, {.qos = static_cast<portmqtt::QoS>(args.qos)});
    if (!id) {
      std::fprintf(stderr, "publish %ld: %s\n", n, id.error().message().c_str());
      return 4;
    }
    if (!args.group) {
      note("a " + number + "\n");
    } else {
      committed += "a " + number + "\n";
      if (n % 100 == 0 && !flush()) return 5;
    }
  }
  if (!flush()) return 5;
  // Done when everything, resumed messages included, is acknowledged (bounded: 60 s).
  for (int i = 0; i < 60'000 && client.outbox_messages() != 0; ++i)
    std::this_thread::sleep_for(1ms);
  const bool done = client.outbox_messages() == 0;
  (void)client.stop();
  return done ? 0 : 6;
}
