// An MQTT-over-WebSocket broker for tests: tests/ws_server/server.js (aedes) under node, on a
// free loopback port, started and stopped by pid.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "process.hpp"

namespace portmqtt::test {

enum class WsBehaviour {
  normal,          ///< an MQTT broker
  refuse_404,      ///< answers every upgrade with 404 Not Found
  no_subprotocol,  ///< accepts the upgrade without selecting the "mqtt" subprotocol
  ping_close,      ///< a broker that pings once the client is connected, prints
                   ///< "pong <data>" when the answer comes, then closes the WebSocket
  frames,          ///< answers CONNECT with CONNACK and QoS 0 PUBLISHes "one".."four" on
                   ///< "w/f": two packets in one frame, one packet across two frames
};

struct WsBrokerOptions {
  WsBehaviour behaviour = WsBehaviour::normal;
  bool secure = false;  ///< wss with the test certificates (tls_certs.hpp)
};

class WsBroker {
 public:
  /// Starts the server and waits (up to 20 s) until it listens; throws if it does not.
  explicit WsBroker(WsBrokerOptions options = {});
  ~WsBroker();  ///< SIGTERM, then SIGKILL

  /// Stops the server (its sessions are in memory and go with it).
  void stop();
  /// Starts it again on the same port, with a fresh output file; waits as the constructor.
  void start();

  std::uint16_t port() const { return port_; }
  /// "ws://localhost:<port>/" or "wss://localhost:<port>/"
  std::string uri() const;
  /// What the server printed: "listening", each upgrade request, each client PUBLISH
  /// ("publish <topic> <payload>").
  std::string output() const;

 private:
  WsBrokerOptions options_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace portmqtt::test
