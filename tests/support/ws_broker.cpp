#include "ws_broker.hpp"

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tls_certs.hpp"

#ifndef PORTMQTT_WS_SERVER_DIR
#error "PORTMQTT_WS_SERVER_DIR must name tests/ws_server"
#endif

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

const char* behaviour_name(WsBehaviour b) {
  switch (b) {
    case WsBehaviour::normal:
      return "normal";
    case WsBehaviour::refuse_404:
      return "refuse-404";
    case WsBehaviour::no_subprotocol:
      return "no-subprotocol";
    case WsBehaviour::ping_close:
      return "ping-close";
    case WsBehaviour::frames:
      return "frames";
  }
  return "normal";
}

}  // namespace

WsBroker::WsBroker(WsBrokerOptions options) : options_(options), port_(free_port()) {
  start();
}

void WsBroker::start() {
  std::filesystem::remove(dir_.path() / "out");
  const std::filesystem::path server_dir = PORTMQTT_WS_SERVER_DIR;
  std::vector<std::string> argv{"/usr/bin/node", (server_dir / "server.js").string(),
                                std::to_string(port_), behaviour_name(options_.behaviour)};
  if (options_.secure) {
    argv.push_back(test_certificates().server_cert.string());
    argv.push_back(test_certificates().server_key.string());
  }
  process_ = std::make_unique<Process>(argv, dir_.path() / "out", dir_.path() / "err");
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (output().find("listening") == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline || !process_->running())
      throw std::runtime_error("WebSocket server did not start: " + output() +
                               read_file(dir_.path() / "err"));
    std::this_thread::sleep_for(20ms);  // the only sign of readiness is the line it prints
  }
}

WsBroker::~WsBroker() {
  stop();
}

void WsBroker::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  if (!process_->wait(5s)) process_->signal(SIGKILL), process_->wait(5s);
  process_.reset();
}

std::string WsBroker::uri() const {
  return std::string(options_.secure ? "wss" : "ws") + "://localhost:" + std::to_string(port_) +
         "/";
}

std::string WsBroker::output() const {
  return read_file(dir_.path() / "out");
}

}  // namespace portmqtt::test
