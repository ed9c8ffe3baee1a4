// One client driven from the main thread of `portmqtt pub` / `portmqtt sub`: connects once,
// reports failures the way mosquitto's tools do (message and exit code), prints -d lines,
// and lets the main thread wait for what the loop thread reports.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "options.hpp"
#include "portmqtt/client.hpp"

namespace portmqtt::tools {

/// Set by SIGINT/SIGTERM; waits return early when it is set.
bool interrupted();
/// Installs the SIGINT/SIGTERM handlers that set interrupted().
void install_interrupt_handlers();

/// How the connection ended, when it did without our asking.
struct ConnectionLoss {
  int exit_code = 1;
  std::string message;
};

class ToolClient {
 public:
  ToolClient(const ConnectionPlan& plan, const ConnectionOptions& options);
  ~ToolClient();

  /// Handlers of the tool; set before connect(). Every event also wakes wait().
  Handlers handlers;

  /// Connects and waits for CONNACK (bounded by the network timeout). 0 when connected;
  /// otherwise the error is printed (unless --quiet) and the exit code returned.
  int connect();

  /// Waits until `done()` holds (checked under the lock after every event), the connection
  /// was lost, the process was interrupted, or `deadline` passed. Returns done().
  bool wait(const std::function<bool()>& done,
            std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

  /// The loss, if the connection ended on its own.
  std::optional<ConnectionLoss> loss() const;

  /// DISCONNECT (with the -D disconnect properties) and stop.
  void disconnect();

  Client& client() { return *client_; }
  const std::string& id() const { return id_; }
  bool debug() const { return debug_; }

  /// Prints "Error: <message>" on stderr unless --quiet.
  void report(const std::string& message) const;
  /// Prints "Client <id> <line>" on stdout with -d (where mosquitto prints it).
  void debug_line(const std::string& line) const;

  /// The lock that guards the tool's shared state (held while the tool's handlers run).
  std::mutex& mutex() { return mutex_; }

 private:
  void install_handlers();
  void record_loss(const Disconnected& event);

  std::string id_;
  bool debug_ = false;
  bool quiet_ = false;
  ProtocolVersion version_;
  bool reconnects_ = false;  // a lost connection is retried instead of ending the tool
  Properties disconnect_properties_;
  std::unique_ptr<Client> client_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool connected_ = false;
  bool finished_attempt_ = false;
  std::optional<ConnectionLoss> loss_;
  std::optional<Error> last_error_;
};

/// mosquitto's text for a refused CONNACK ("Connection Refused: not authorised.").
std::string describe_refusal(ReasonCode reason, ProtocolVersion version);
/// The exit code mosquitto uses for a refused CONNACK: the 3.1.1 return code or the MQTT 5
/// reason code.
int refusal_exit_code(ReasonCode reason, ProtocolVersion version);

}  // namespace portmqtt::tools
