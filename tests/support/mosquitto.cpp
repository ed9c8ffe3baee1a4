#include "mosquitto.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "tls_certs.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

bool port_accepts(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::atomic<int> peer_counter{0};

}  // namespace

Mosquitto::Mosquitto(MosquittoOptions options) : options_(std::move(options)) {
  port_ = free_port();
  launch(/*may_move=*/true);
}

Mosquitto::~Mosquitto() {
  if (process_) stop(SIGTERM);
}

std::string Mosquitto::uri() const {
  return "mqtt://127.0.0.1:" + std::to_string(port_);
}

void Mosquitto::write_config() const {
  std::ofstream conf(dir() / "mosquitto.conf", std::ios::trunc);
  conf << "listener " << port_ << " 127.0.0.1\n"
       << "allow_anonymous true\n"
       << "log_dest file " << log_path().string() << "\n"
       << "log_type all\n"
       << "connection_messages true\n";
  if (geteuid() == 0) conf << "user root\n";
  if (options_.persistence) {
    conf << "persistence true\n"
         << "persistence_location " << dir().string() << "/\n";
  }
  conf << options_.extra_config << "\n";
}

void Mosquitto::start() {
  launch(/*may_move=*/false);
}

// A test running in parallel may have drawn the same port and bound it first. Our mosquitto
// then exits, while the port accepts (someone else's broker): only our own log's "running"
// line proves the listener is ours. On the first start another port is drawn.
void Mosquitto::launch(bool may_move) {
  for (int attempt = 1;; ++attempt) {
    write_config();
    ++generation_;
    auto tag = std::to_string(generation_);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c", (dir() / "mosquitto.conf").string()},
        dir() / ("stdout" + tag), dir() / ("stderr" + tag));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (count_in_log(" running\n") < starts_ + 1 && process_->running() &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);  // the log line is the only sign
    if (count_in_log(" running\n") >= starts_ + 1 && wait_until_accepting(10s)) {
      ++starts_;
      return;
    }
    process_->signal(SIGKILL);
    process_.reset();
    if (!may_move || attempt == 5) throw std::runtime_error("mosquitto did not start: " + log());
    port_ = free_port();
  }
}

void Mosquitto::stop(int sig) {
  if (!process_) return;
  process_->signal(SIGCONT);  // a frozen broker acts on no other signal
  process_->signal(sig);
  if (!process_->wait(10s)) process_->signal(SIGKILL), process_->wait(5s);
  process_.reset();
}

void Mosquitto::freeze() {
  if (process_) process_->signal(SIGSTOP);
}

void Mosquitto::thaw() {
  if (process_) process_->signal(SIGCONT);
}

bool Mosquitto::wait_until_accepting(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (port_accepts(port_)) return true;
    std::this_thread::sleep_for(10ms);  // nothing to wait on but the port itself
  }
  return false;
}

std::size_t Mosquitto::count_in_log(const std::string& needle) const {
  std::string text = log();
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

bool Mosquitto::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout,
                             std::size_t count) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (count_in_log(needle) < count) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);  // the log file is the only signal mosquitto gives
  }
  return true;
}

MosquittoSub::MosquittoSub(const Mosquitto& broker, const SubOptions& o) : broker_(broker) {
  client_id_ = o.client_id.empty()
                   ? "sub-" + std::to_string(getpid()) + "-" + std::to_string(peer_counter++)
                   : o.client_id;
  out_ = broker.dir() / (client_id_ + ".out");
  std::vector<std::string> argv{"/usr/bin/mosquitto_sub",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                std::to_string(broker.port()),
                                "-t",
                                o.topic,
                                "-q",
                                std::to_string(o.qos),
                                "-C",
                                std::to_string(o.count),
                                "-W",
                                std::to_string(o.timeout_s),
                                "-i",
                                client_id_,
                                "-V",
                                o.v5 ? "mqttv5" : "mqttv311"};
  if (!o.clean) argv.push_back("-c");
  if (o.retained_only) argv.push_back("--retained-only");
  if (o.format.empty()) {
    argv.push_back("-N");
  } else {
    argv.push_back("-F");
    argv.push_back(o.format);
  }
  process_ = std::make_unique<Process>(argv, out_, broker.dir() / (client_id_ + ".err"));
}

bool MosquittoSub::wait_subscribed(std::chrono::milliseconds timeout) {
  if (broker_.wait_for_log("Sending SUBACK to " + client_id_, timeout)) return true;
  std::cerr << "mosquitto_sub " << client_id_ << " not subscribed after " << timeout.count()
            << " ms; running: " << process_->running() << "\nits stderr:\n"
            << read_file(broker_.dir() / (client_id_ + ".err")) << "\nbroker log:\n"
            << broker_.log() << "\n";
  return false;
}

std::optional<int> run_mosquitto_pub(const Mosquitto& broker, const PubOptions& o) {
  auto id = "pub-" + std::to_string(getpid()) + "-" + std::to_string(peer_counter++);
  auto payload_file = broker.dir() / (id + ".payload");
  write_file(payload_file, o.payload);
  std::vector<std::string> argv{"/usr/bin/mosquitto_pub",      "-h", "127.0.0.1", "-p",
                                std::to_string(broker.port()), "-t", o.topic,     "-q",
                                std::to_string(o.qos),         "-i", id,          "-V",
                                o.v5 ? "mqttv5" : "mqttv311"};
  if (o.payload.empty()) {
    argv.push_back("-n");
  } else {
    argv.push_back("-f");
    argv.push_back(payload_file.string());
  }
  if (o.retain) argv.push_back("-r");
  Process p(argv, broker.dir() / (id + ".out"), broker.dir() / (id + ".err"));
  return p.wait(std::chrono::seconds(20));
}

}  // namespace portmqtt::test
