// One client driven from the main thread of `portmqtt pub` / `portmqtt sub`: connects once,
// reports failures the way mosquitto's tools do (message and exit code), prints -d lines,
// and lets the main thread wait for what the loop thread reports.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "options.hpp"
#include "portmqtt/client.hpp"

namespace portmqtt::tools {

/// Set by SIGINT/SIGTERM; waits return early when it is set.
bool interrupted();
/// Installs the SIGINT/SIGTERM handlers that set interrupted().
void install_interrupt_handlers();

/// Exit codes of mosquitto's tools (libmosquitto's MOSQ_ERR_* values) for the same situations.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,         ///< bad usage, DNS or TCP failure, a publish refused by the broker
  kExitProtocol = 2,        ///< MOSQ_ERR_PROTOCOL: the broker sent a malformed packet
  kExitConnectionLost = 7,  ///< MOSQ_ERR_CONN_LOST
  kExitTls = 8,             ///< MOSQ_ERR_TLS
  kExitAuth = 11,           ///< MOSQ_ERR_AUTH: the SOCKS5 proxy refused the credentials
  kExitTimedOut = 27,       ///< MOSQ_ERR_TIMEOUT: -W expired
};

/// How the connection ended, when it did without our asking.
struct ConnectionLoss {
  int exit_code = kExitConnectionLost;
  std::string message;
};

class ToolClient {
 public:
  /// `reconnect`: a lost connection is retried every second (mosquitto's tools' delay) instead
  /// of ending the tool; a malformed packet from the broker ends it all the same.
  ToolClient(const ConnectionPlan& plan, const ConnectionOptions& options, bool reconnect = false);
  ~ToolClient();

  /// Handlers of the tool; set before connect(). Every event also wakes wait().
  Handlers handlers;
  /// Called for every packet sent or received, on the loop thread under mutex(), after the
  /// -d line was printed; set before connect(). Also wakes wait().
  std::function<void(const PacketTrace&)> on_packet;

  /// Connects and waits for CONNACK (bounded by the network timeout). With a broker list it
  /// waits until one broker accepted or each failed once. 0 when connected; otherwise the
  /// (last) error is printed (unless --quiet) and the exit code returned.
  int connect();

  /// Waits until `done()` holds (checked under the lock after every event), the connection
  /// was lost, the process was interrupted, or `deadline` passed. Returns done().
  bool wait(const std::function<bool()>& done,
            std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

  /// The loss, if the connection ended on its own.
  std::optional<ConnectionLoss> loss() const;

  /// DISCONNECT (with the -D disconnect properties) and stop.
  void disconnect();

  /// The owner of `handlers` and `on_packet` is going: they are not called any more, and one
  /// running on the loop thread has returned when this does. Its destructor calls this, as
  /// ours does before the client goes (a client destroyed while still connecting delivers a
  /// last Disconnected).
  void detach();

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
  void on_attempt(const BeforeConnect& event);
  void on_attempt_failed(const Disconnected& event);
  void record_loss(const Disconnected& event);
  void trace(const PacketTrace& packet);
  void print_packet(const PacketTrace& packet);

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
  bool detached_ = false;  // handlers and on_packet are no longer called (see detach())
  // Broker lists (-h/-L repeated): each attempt is reported with -d, and the first connect
  // ends when every broker failed once.
  std::size_t broker_count_ = 1;
  std::size_t attempt_index_ = 0;
  bool attempt_redirected_ = false;
  std::set<std::size_t> failed_brokers_;
  std::optional<ConnectionLoss> loss_;
  std::optional<Error> last_error_;
};

/// mosquitto's text for a refused CONNACK ("Connection Refused: not authorised.").
std::string describe_refusal(ReasonCode reason, ProtocolVersion version);
/// The exit code mosquitto uses for a refused CONNACK: the 3.1.1 return code or the MQTT 5
/// reason code.
int refusal_exit_code(ReasonCode reason, ProtocolVersion version);

}  // namespace portmqtt::tools
