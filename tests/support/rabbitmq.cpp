#include "rabbitmq.hpp"

#include <signal.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tls_certs.hpp"

namespace portmqtt::test {

using namespace std::chrono_literals;

namespace {
constexpr const char* kServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";
}

bool RabbitMq::installed() {
  return std::filesystem::exists(kServer) && std::filesystem::exists("/usr/bin/epmd");
}

RabbitMq::RabbitMq(std::chrono::seconds timeout) {
  const auto started = std::chrono::steady_clock::now();
  mqtt_port_ = free_port();
  const std::uint16_t amqp_port = free_port();
  const std::uint16_t epmd_port = free_port();
  const std::uint16_t dist_port = free_port();
  node_ = "portmqtt" + std::to_string(mqtt_port_) + "@localhost";
  const auto dir = dir_.path();
  write_file(dir / "enabled_plugins", "[rabbitmq_mqtt].\n");
  write_file(dir / "rabbitmq.conf",
             "listeners.tcp.default = 127.0.0.1:" + std::to_string(amqp_port) +
                 "\nmqtt.listeners.tcp.default = 127.0.0.1:" + std::to_string(mqtt_port_) + "\n");
  // Our own epmd in the foreground, so that it ends with the test (RabbitMQ would otherwise
  // start a daemon on the shared port 4369 that outlives it).
  epmd_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/epmd", "-port", std::to_string(epmd_port)},
      dir / "epmd.out", dir / "epmd.err");
  const std::string d = dir.string();
  node_process_ = std::make_unique<Process>(
      std::vector<std::string>{
          "/usr/bin/env", "HOME=" + d, "ERL_EPMD_PORT=" + std::to_string(epmd_port),
          "RABBITMQ_NODENAME=" + node_, "RABBITMQ_DIST_PORT=" + std::to_string(dist_port),
          "RABBITMQ_MNESIA_BASE=" + d + "/mnesia", "RABBITMQ_LOG_BASE=" + d + "/log",
          "RABBITMQ_CONFIG_FILE=" + d + "/rabbitmq.conf",
          "RABBITMQ_ENABLED_PLUGINS_FILE=" + d + "/enabled_plugins",
          "RABBITMQ_PLUGINS_EXPAND_DIR=" + d + "/plugins-expand",
          "RABBITMQ_PID_FILE=" + d + "/rabbitmq.pid", kServer},
      dir / "rabbitmq.out", dir / "rabbitmq.err");
  // Only our own log line proves that the listener on the port is ours.
  const std::string ready = "started MQTT TCP listener on 127.0.0.1:" + std::to_string(mqtt_port_);
  while (log().find(ready) == std::string::npos) {
    if (!node_process_->running() || std::chrono::steady_clock::now() - started > timeout)
      throw std::runtime_error("rabbitmq did not start: " + read_file(dir / "rabbitmq.out") +
                               log());
    std::this_thread::sleep_for(100ms);  // the log is the only signal
  }
  startup_ = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
}

RabbitMq::~RabbitMq() {
  if (node_process_) {
    // The start script does not pass a signal on to the Erlang VM it started: signal the
    // whole process group (ours alone), then make sure nothing of it is left.
    const pid_t group = node_process_->pid();
    ::kill(-group, SIGTERM);
    (void)node_process_->wait(10s);
    ::kill(-group, SIGKILL);
    node_process_.reset();
  }
  epmd_.reset();
}

std::string RabbitMq::log() const {
  return read_file(dir_.path() / "log" / (node_ + ".log"));
}

}  // namespace portmqtt::test
