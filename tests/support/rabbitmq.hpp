// A private RabbitMQ (Debian's rabbitmq-server, MQTT 3.1.1 through the rabbitmq_mqtt plugin)
// for tests of its deviations: its own node name, ports, epmd, data and log directories, so
// that nothing is shared with a system service or another test.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "process.hpp"

namespace portmqtt::test {

class RabbitMq {
 public:
  /// True when rabbitmq-server is installed (scripts/setup installs it).
  static bool installed();

  /// Starts epmd and a RabbitMQ node on free loopback ports and waits (up to `timeout`) for its
  /// MQTT listener; throws std::runtime_error when it does not come up.
  explicit RabbitMq(std::chrono::seconds timeout = std::chrono::seconds(60));
  ~RabbitMq();  ///< stops the node and its epmd (SIGTERM, then SIGKILL to their groups)
  RabbitMq(const RabbitMq&) = delete;
  RabbitMq& operator=(const RabbitMq&) = delete;

  std::uint16_t mqtt_port() const { return mqtt_port_; }
  std::string uri() const { return "mqtt://127.0.0.1:" + std::to_string(mqtt_port_); }
  /// How long the node took to open its MQTT listener.
  std::chrono::milliseconds startup_time() const { return startup_; }
  std::string log() const;

 private:
  TempDir dir_;
  std::uint16_t mqtt_port_ = 0;
  std::string node_;
  std::unique_ptr<Process> epmd_;
  std::unique_ptr<Process> node_process_;
  std::chrono::milliseconds startup_{0};
};

}  // namespace portmqtt::test
