#include "bench_options.hpp"

#include <unistd.h>

#include <cmath>

#include "bench_pattern.hpp"
#include "topics.hpp"

namespace portmqtt::tools {
namespace {

constexpr double kDefaultConnectIntervalMs = 10;  // as emqtt-bench: 100 connections per second
constexpr std::size_t kSendQueueLimit = 512 * 1024;

void add_fleet_options(CLI::App& app, BenchOptions& o) {
  const std::string fleet = "Fleet";
  app.add_option("--clients", o.clients, "Number of clients (default 1).")->group(fleet);
  app.add_option("--start-number", o.start_number, "Index of the first client, %i (default 0).")
      ->group(fleet);
  app.add_option("--connrate", o.connect_rate, "Connections started per second.")->group(fleet);
  app.add_option("--interval", o.connect_interval_ms,
                 "Milliseconds between two connections (default 10).")
      ->group(fleet);
  app.add_option("--ramp-up", o.ramp_up, "Seconds over which to spread all connections.")
      ->group(fleet);
  app.add_option("--duration", o.duration,
                 "Stop after this many seconds (default: at -C, or at Ctrl-C).")
      ->group(fleet);
  app.add_option("--threads", o.threads, "Event loop threads shared by all clients (default 1).")
      ->group(fleet);
}

void add_output_options(CLI::App& app, BenchOptions& o) {
  const std::string output = "Output";
  app.add_flag("--json", o.json, "Print the summary as one JSON object.")->group(output);
  app.add_option("--html", o.html, "Also write a report with plots to this HTML file.")
      ->group(output);
  app.add_flag("--no-progress", o.no_progress, "No live progress line (shown on a terminal only).")
      ->group(output);
}

void add_message_options(CLI::App& app, BenchOptions& o) {
  const bool pub = o.mode == BenchMode::pub;
  const std::string messages = "Messages";
  app.add_option("-t,--topic", o.topic,
                 pub ? "Topic; %i, %c, %u, %p are replaced (default bench/%i)."
                     : "Topic filter; %i, %c, %u, %p are replaced (default bench/%i).")
      ->group(messages);
  app.add_option("-q,--qos", o.qos, "QoS 0, 1 or 2 (default 0).")->group(messages);
  app.add_option("-C,--limit", o.limit,
                 pub ? "Stop after this many messages sent by all clients together."
                     : "Stop after this many messages received by all clients together.")
      ->group(messages);
  if (!pub) return;
  app.add_flag("-r,--retain", o.retain, "Publish retained messages.")->group(messages);
  app.add_option("--size", o.size, "Payload bytes (default 256; the first 24 carry a timestamp).")
      ->group(messages);
  app.add_option("--rate", o.rate,
                 "Messages per second per client (default: as fast as acknowledgements allow).")
      ->group(messages);
  app.add_option("--interval-of-msg", o.interval_of_msg,
                 "Milliseconds between two messages of a client (instead of --rate).")
      ->group(messages);
  app.add_option("--inflight", o.inflight,
                 "QoS 1/2 messages a client keeps unacknowledged (default: 20 on MQTT 3.x, the "
                 "broker's Receive Maximum on MQTT 5).")
      ->group(messages);
  app.add_flag("--wait-before-publishing", o.wait_before_publishing,
               "Start publishing once every client has connected (or failed to).")
      ->group(messages);
}

void check_range(double value, double low, double high, const char* flag) {
  if (!(value >= low && value <= high) || !std::isfinite(value)) {
    char text[160];
    std::snprintf(text, sizeof text, "Invalid value %g for %s: use %g..%g.", value, flag, low,
                  high);
    throw UsageError(text);
  }
}

std::chrono::nanoseconds seconds_to_ns(double seconds) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

std::chrono::nanoseconds connect_gap(const BenchOptions& o) {
  const int given =
      (o.connect_rate ? 1 : 0) + (o.connect_interval_ms ? 1 : 0) + (o.ramp_up ? 1 : 0);
  if (given > 1) throw UsageError("Use only one of --connrate, --interval and --ramp-up.");
  if (o.connect_rate) {
    check_range(*o.connect_rate, 0.001, 1e6, "--connrate");
    return seconds_to_ns(1.0 / *o.connect_rate);
  }
  if (o.ramp_up) {
    check_range(*o.ramp_up, 0, 86400, "--ramp-up");
    return seconds_to_ns(*o.ramp_up / static_cast<double>(o.clients));
  }
  const double ms = o.connect_interval_ms.value_or(kDefaultConnectIntervalMs);
  check_range(ms, 0, 3600e3, "--interval");
  return seconds_to_ns(ms / 1000.0);
}

double message_rate(const BenchOptions& o) {
  if (o.rate && o.interval_of_msg)
    throw UsageError("Use either --rate or --interval-of-msg, not both.");
  if (o.rate) {
    check_range(*o.rate, 0, 1e9, "--rate");
    return *o.rate;
  }
  if (o.interval_of_msg) {
    check_range(*o.interval_of_msg, 0, 86400e3, "--interval-of-msg");
    return *o.interval_of_msg > 0 ? 1000.0 / *o.interval_of_msg : 0;
  }
  return 0;
}

std::string escape_percent(const std::string& text) {
  std::string out;
  for (const char c : text) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

std::string id_pattern(const BenchOptions& o) {
  const auto& c = o.connection;
  if (!c.client_id.empty()) {
    if (o.clients > 1 && !pattern_uses(c.client_id, 'i'))
      throw UsageError("-i with --clients " + std::to_string(o.clients) +
                       " needs %i in the id, so that every client has its own (e.g. -i 'dev-%i').");
    return c.client_id;
  }
  if (!c.id_prefix.empty()) return escape_percent(c.id_prefix) + "%i";
  return "bench_%p_%i";
}

std::string topic_pattern(const BenchOptions& o, const std::string& url_topic) {
  if (o.mode == BenchMode::conn) return "";
  if (!o.topic.empty() && !url_topic.empty())
    throw UsageError("Give the topic with -t or in the -L URL, not both.");
  if (!o.topic.empty()) return o.topic;
  return url_topic.empty() ? "bench/%i" : url_topic;
}

void check_topic(const BenchPlan& plan) {
  if (plan.options.mode == BenchMode::conn) return;
  const auto id = client_id_for(plan, 0);
  const auto topic = topic_for(plan, 0, id);
  if (plan.options.mode == BenchMode::pub &&
      (topic.empty() || topic.find_first_of("+#") != std::string::npos))
    throw UsageError("Invalid publish topic '" + topic +
                     "': it must not be empty nor contain + or #.");
  if (plan.options.mode == BenchMode::sub && !valid_filter(topic))
    throw UsageError("Invalid subscription filter '" + topic + "'.");
}

// The shared connection options, with the meaning of -i, -I and -L adapted to a fleet.
void add_fleet_connection_options(CLI::App& app, ConnectionOptions& o) {
  add_connection_options(app, o);
  // Packets of a fleet are not printed: the summary reports them.
  if (auto* debug = app.get_option_no_throw("-d")) app.remove_option(debug);
  if (auto* id = app.get_option_no_throw("-i"))
    id->description(
        "Client id; %i (the client index), %u and %p are replaced (default "
        "bench_%p_%i).");
  if (auto* prefix = app.get_option_no_throw("-I"))
    prefix->description("Client id prefix; the client index is appended.");
  if (auto* url = app.get_option_no_throw("-L"))
    url->description("scheme://[user[:pass]@]host[:port]/topic; the topic is used as with -t.");
}

}  // namespace

const char* mode_name(BenchMode mode) {
  switch (mode) {
    case BenchMode::conn:
      return "conn";
    case BenchMode::pub:
      return "pub";
    case BenchMode::sub:
      return "sub";
  }
  return "?";
}

void add_bench_options(CLI::App& app, BenchOptions& o) {
  add_fleet_connection_options(app, o.connection);
  add_fleet_options(app, o);
  if (o.mode != BenchMode::conn) add_message_options(app, o);
  add_output_options(app, o);
}

BenchPlan make_bench_plan(const BenchOptions& o) {
  check_range(static_cast<double>(o.clients), 1, 10'000'000, "--clients");
  check_range(static_cast<double>(o.start_number), 0, 1e15, "--start-number");
  check_range(static_cast<double>(o.threads), 1, 256, "--threads");
  check_range(static_cast<double>(o.size), 0, 268'435'455, "--size");
  check_range(static_cast<double>(o.inflight), 0, 65535, "--inflight");
  if (o.duration) check_range(*o.duration, 0.001, 1e9, "--duration");
  if (o.limit) check_range(static_cast<double>(*o.limit), 1, 1e18, "-C");
  BenchPlan plan{.options = o, .connection = make_plan(o.connection, "bench")};
  plan.qos = parse_qos(o.qos);
  plan.connect_gap = connect_gap(o);
  plan.rate = message_rate(o);
  plan.clients = static_cast<std::uint64_t>(o.clients);
  plan.limit = o.limit ? static_cast<std::uint64_t>(*o.limit) : 0;
  plan.id_pattern = id_pattern(o);
  plan.topic_pattern = topic_pattern(o, plan.connection.url_topic);
  expand_pattern(plan.id_pattern, {}, "iup", "-i");  // throws on an unknown sequence
  check_topic(plan);

  auto& config = plan.connection.config;
  // A bench measures the broker and the client, not retransmission or expiry.
  config.network.reconnect.enabled = false;
  config.session.retransmit_interval = Milliseconds{0};
  config.outbox.expiry = Milliseconds{0};
  config.session.max_inflight = static_cast<std::uint16_t>(o.inflight);
  // A QoS 0 message counts as sent when the client takes it: keep little waiting behind it, so
  // that the rate says what reached the socket.
  config.buffer.send_queue_limit = kSendQueueLimit;
  return plan;
}

namespace {

std::string_view username_of(const BenchPlan& plan) {
  const auto& username = plan.connection.config.credentials.username;
  return username ? std::string_view{*username} : std::string_view{};
}

std::uint64_t index_of(const BenchPlan& plan, std::uint64_t index) {
  return static_cast<std::uint64_t>(plan.options.start_number) + index;
}

}  // namespace

std::string client_id_for(const BenchPlan& plan, std::uint64_t index) {
  const PatternValues values{.index = index_of(plan, index),
                             .username = username_of(plan),
                             .pid = static_cast<std::uint64_t>(getpid())};
  return expand_pattern(plan.id_pattern, values, "iup", "-i");
}

std::string topic_for(const BenchPlan& plan, std::uint64_t index, std::string_view client_id) {
  const PatternValues values{.index = index_of(plan, index),
                             .client_id = client_id,
                             .username = username_of(plan),
                             .pid = static_cast<std::uint64_t>(getpid())};
  return expand_pattern(plan.topic_pattern, values, "icup", "-t");
}

}  // namespace portmqtt::tools
