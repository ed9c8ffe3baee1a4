// A private mosquitto broker for integration tests, plus mosquitto_sub / mosquitto_pub peers.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace portmqtt::test {

struct MosquittoOptions {
  bool persistence = false;
  std::string extra_config;  ///< appended to the generated mosquitto.conf
};

/// Starts /usr/sbin/mosquitto on a free loopback port with its own config, log file and
/// (optionally) persistence directory, and waits until the port accepts connections.
class Mosquitto {
 public:
  explicit Mosquitto(MosquittoOptions options = {});
  ~Mosquitto();  ///< stops the broker (SIGTERM, then SIGKILL)

  std::uint16_t port() const { return port_; }
  /// "mqtt://127.0.0.1:<port>"
  std::string uri() const;
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path log_path() const { return dir() / "mosquitto.log"; }
  std::string log() const { return read_file(log_path()); }

  /// Waits until the broker log contains `needle` at least `count` times.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout,
                    std::size_t count = 1) const;
  std::size_t count_in_log(const std::string& needle) const;

  /// Stops the broker with `signal` (SIGTERM saves the persistence database) and waits.
  void stop(int signal = 15);
  /// Starts it again on the same port and directory.
  void start();
  /// Freezes the broker (SIGSTOP): connections stay open and nothing is answered.
  void freeze();
  /// Lets a frozen broker run on (SIGCONT).
  void thaw();
  bool running() const { return process_ != nullptr; }

 private:
  void launch(bool may_move);
  void write_config() const;
  bool wait_until_accepting(std::chrono::milliseconds timeout) const;

  MosquittoOptions options_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
  int generation_ = 0;
  std::size_t starts_ = 0;  // "running" lines our broker has logged
};

/// A mosquitto_sub peer writing raw payloads (no separator) to a file.
struct SubOptions {
  std::string topic;
  int qos = 0;
  int count = 1;       ///< exit after this many messages (-C)
  int timeout_s = 20;  ///< give up after this long (-W)
  bool v5 = false;
  bool clean = true;
  std::string client_id;       ///< required to wait for SUBACK in the broker log
  bool retained_only = false;  ///< --retained-only
  std::string format;          ///< -F format; empty: raw payload with -N
};

class MosquittoSub {
 public:
  MosquittoSub(const Mosquitto& broker, const SubOptions& options);
  /// Waits for the broker to log the SUBACK for this client.
  /// Waits for the broker's SUBACK to this peer; on failure prints what the peer and the broker
  /// said to stderr.
  bool wait_subscribed(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Waits for the process to exit (after `count` messages); returns its exit status.
  std::optional<int> wait(std::chrono::milliseconds timeout) { return process_->wait(timeout); }
  std::string output() const { return read_file(out_); }

 private:
  const Mosquitto& broker_;
  std::string client_id_;
  std::filesystem::path out_;
  std::unique_ptr<Process> process_;
};

struct PubOptions {
  std::string topic;
  std::string payload;  ///< any bytes; sent from a file
  int qos = 0;
  bool retain = false;
  bool v5 = false;
};

/// Runs mosquitto_pub to completion (at most 20 s); returns its exit status.
std::optional<int> run_mosquitto_pub(const Mosquitto& broker, const PubOptions& options);

}  // namespace portmqtt::test
