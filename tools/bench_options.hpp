// The options of `portmqtt bench conn|pub|sub` and their validation.
//
// Letters keep the meaning they have in mosquitto_pub/mosquitto_sub (-h host, -p port, -L URL,
// -i client id, -I id prefix, -c persistent session, -t topic, -q QoS, -r retain, -C message
// count, -V protocol version, ...). Concepts mosquitto's tools lack have long options, named
// as emqtt-bench names them where it has them (--connrate, --interval, --interval-of-msg,
// --inflight, --limit, --start-number).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "options.hpp"

namespace portmqtt::tools {

enum class BenchMode { conn, pub, sub };

const char* mode_name(BenchMode mode);

/// What was typed.
struct BenchOptions {
  BenchMode mode = BenchMode::pub;
  ConnectionOptions connection;
  std::int64_t clients = 1;
  std::int64_t start_number = 0;
  std::optional<double> connect_rate;         ///< --connrate, connections per second
  std::optional<double> connect_interval_ms;  ///< --interval
  std::optional<double> ramp_up;              ///< --ramp-up, seconds for all connections
  std::string topic;
  int qos = 0;
  bool retain = false;
  std::int64_t size = 256;
  std::optional<double> rate;             ///< --rate, messages per second per client
  std::optional<double> interval_of_msg;  ///< --interval-of-msg, ms between messages
  std::int64_t inflight = 0;
  std::optional<std::int64_t> limit;  ///< -C
  std::optional<double> duration;
  bool wait_before_publishing = false;
  std::int64_t threads = 1;
  bool json = false;
  std::string html;
  bool no_progress = false;
};

/// Registers the options of `mode` on `app`.
void add_bench_options(CLI::App& app, BenchOptions& options);

/// The options, validated and resolved.
struct BenchPlan {
  BenchOptions options;
  ConnectionPlan connection;  ///< the configuration every client starts from
  std::string id_pattern;     ///< client id, with %i
  std::string topic_pattern;  ///< topic (pub) or filter (sub)
  QoS qos = QoS::at_most_once;
  /// Between two connection attempts; zero: all at once.
  std::chrono::nanoseconds connect_gap{0};
  /// Messages per second per client; zero: as fast as the in-flight window allows.
  double rate = 0;
  std::uint64_t clients = 1;
  std::uint64_t limit = 0;  ///< total messages (sent by pub, received by sub); 0: none
};

/// Validates `options`. Throws UsageError with a message for the user on bad input.
BenchPlan make_bench_plan(const BenchOptions& options);

/// The id and topic of client number `index` (counted from 0, before --start-number).
std::string client_id_for(const BenchPlan& plan, std::uint64_t index);
std::string topic_for(const BenchPlan& plan, std::uint64_t index, std::string_view client_id);

}  // namespace portmqtt::tools
