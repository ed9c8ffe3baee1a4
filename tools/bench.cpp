// `portmqtt bench pub|sub|conn`: many clients on one shared portmqtt::EventLoop, in the
// spirit of emqtt-bench. The main thread paces connections and publishes; the loop threads
// only count.
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "bench_report.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "tool_client.hpp"

namespace portmqtt::tools {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  std::string mode;
  ConnectionOptions connection;
  int clients = 10;
  double connect_rate = 0;    ///< connections per second; 0: use connect_interval
  int connect_interval = 10;  ///< ms between connections
  std::string topic = "bench/%i";
  int qos = 0;
  std::size_t payload_size = 256;
  int publish_interval = 1000;  ///< ms between publishes of one client
  double publish_rate = 0;      ///< messages per second over all clients; wins over interval
  double duration = 0;          ///< seconds; 0: no time bound
  std::uint64_t limit = 0;      ///< messages (sent by pub, received by sub); 0: none
  std::string id_prefix = "bench";
  std::size_t threads = 1;
  bool json = false;
  bool progress = true;
};

void add_bench_options(CLI::App& app, BenchOptions& o) {
  auto& c = o.connection;
  app.set_help_flag("--help", "Print this help and exit.");
  app.add_option("-h,--host", c.host, "Broker host (default localhost).");
  app.add_option("-p,--port", c.port, "Broker port (default 1883, or 8883 with TLS).");
  app.add_option("-u,--username", c.username, "User name.");
  app.add_option("-P,--pw", c.password, "Password.");
  app.add_option("-k,--keepalive", c.keepalive, "Keep-alive in seconds (default 60).");
  app.add_option("-V,--protocol-version", c.version, "mqttv5 (5), mqttv311 (311) or mqttv31 (31).");
  app.add_option("--cafile", c.tls.cafile, "Trusted CA certificates (PEM); enables TLS.");
  app.add_option("--cert", c.tls.cert, "Client certificate (PEM).");
  app.add_option("--key", c.tls.key, "Client private key (PEM).");
  app.add_flag("--insecure", c.tls.insecure, "Do not check the broker's host name.");
  app.add_option("-c,--count", o.clients, "Number of clients (default 10).");
  app.add_option("-R,--connect-rate", o.connect_rate, "Connections per second.");
  app.add_option("-i,--interval", o.connect_interval, "ms between connections (default 10).");
  app.add_option("-t,--topic", o.topic, "Topic; %i is the client index (default bench/%i).");
  app.add_option("-q,--qos", o.qos, "QoS 0, 1 or 2 (default 0).");
  app.add_option("-s,--size", o.payload_size, "Payload bytes, at least 12 (default 256).");
  app.add_option("-I,--interval-of-msg", o.publish_interval, "ms between publishes per client.");
  app.add_option("--rate", o.publish_rate, "Messages per second over all clients.");
  app.add_option("-d,--duration", o.duration, "Stop after this many seconds.");
  app.add_option("-L,--limit", o.limit, "Stop after this many messages sent (pub) or received.");
  app.add_option("--prefix", o.id_prefix, "Client id prefix (default bench).");
  app.add_option("--threads", o.threads, "Event loop threads (default 1).");
  app.add_flag("--json", o.json, "Print the summary as JSON.");
  app.add_flag("!--no-progress", o.progress, "No live progress line.");
}

std::string topic_for(const std::string& pattern, std::size_t index) {
  std::string topic;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'i') {
      topic += std::to_string(index);
      ++i;
    } else {
      topic += pattern[i];
    }
  }
  return topic;
}

class Bench {
 public:
  Bench(BenchOptions& options, ConnectionPlan plan)
      : options_(options),
        plan_(std::move(plan)),
        loop_(std::max<std::size_t>(options.threads, 1)) {}

  int run() {
    start_ = Clock::now();
    std::optional<Clock::time_point> deadline;
    if (options_.duration > 0)
      deadline = start_ + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(options_.duration));
    ProgressLine progress(counters_, static_cast<std::uint64_t>(options_.clients));
    const bool live = options_.progress && isatty(STDERR_FILENO) != 0;
    auto next_report = start_ + std::chrono::seconds(1);
    auto next_connect = start_;
    next_publish_.clear();
    while (!interrupted() && !(deadline && Clock::now() >= *deadline) && !limit_reached()) {
      const auto now = Clock::now();
      if (clients_.size() < static_cast<std::size_t>(options_.clients) && now >= next_connect) {
        connect_next();
        next_connect = now + connect_gap();
      }
      if (options_.mode == "pub") publish_due(now);
      if (live && now >= next_report) {
        progress.update(now - start_);
        next_report += std::chrono::seconds(1);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    drain_in_flight();
    const std::chrono::duration<double> elapsed = Clock::now() - start_;
    if (live) progress.finish();
    stop_all();
    const BenchRun summary{options_.mode, static_cast<std::uint64_t>(options_.clients),
                           options_.qos, options_.payload_size, elapsed};
    const auto text =
        options_.json ? summary_json(summary, counters_) : summary_text(summary, counters_);
    std::fputs(text.c_str(), stdout);
    return counters_.connected.load() == 0 ? 1 : 0;
  }

 private:
  struct Slot {
    std::unique_ptr<Client> client;
    std::string topic;
    Clock::time_point started;
    std::atomic<bool> connected{false};
  };

  Clock::duration connect_gap() const {
    if (options_.connect_rate > 0)
      return std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(1.0 / options_.connect_rate));
    return std::chrono::milliseconds(options_.connect_interval);
  }

  Clock::duration publish_gap() const {
    if (options_.publish_rate > 0)
      return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
          static_cast<double>(options_.clients) / options_.publish_rate));
    return std::chrono::milliseconds(std::max(options_.publish_interval, 1));
  }

  bool limit_reached() const {
    if (options_.limit == 0) return false;
    const auto& done = options_.mode == "sub" ? counters_.received : counters_.sent;
    return done.load(std::memory_order_relaxed) >= options_.limit;
  }

  void connect_next() {
    const std::size_t index = clients_.size();
    auto config = plan_.config;
    config.credentials.client_id =
        options_.id_prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(index);
    auto slot = std::make_unique<Slot>();
    slot->topic = topic_for(options_.topic, index);
    slot->client = std::make_unique<Client>(loop_, std::move(config));
    set_handlers(*slot);
    slot->started = Clock::now();
    if (slot->client->start()) counters_.connect_failures.fetch_add(1);
    clients_.push_back(std::move(slot));
    // Spread the first publishes of the clients over one publish period.
    next_publish_.push_back(Clock::now() + publish_gap() * static_cast<long>(index % 16) / 16);
  }

  void set_handlers(Slot& slot) {
    Handlers handlers;
    handlers.on_connected = [this, &slot](const Connected&) {
      slot.connected = true;
      counters_.connected.fetch_add(1);
      const auto waited = Clock::now() - slot.started;
      counters_.connect_latency.record(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(waited).count()));
      if (options_.mode == "sub") {
        if (!slot.client->subscribe(slot.topic, {.qos = static_cast<QoS>(options_.qos)}))
          counters_.errors.fetch_add(1);
      }
    };
    handlers.on_disconnected = [this, &slot](const Disconnected& event) {
      if (event.was_connected) {
        slot.connected = false;
        counters_.connected.fetch_sub(1);
        counters_.disconnects.fetch_add(1);
      } else {
        counters_.connect_failures.fetch_add(1);
      }
      if (event.error) counters_.errors.fetch_add(1);
    };
    handlers.on_published = [this](const Published& event) {
      counters_.acked.fetch_add(1);
      counters_.in_flight.fetch_sub(1);
      if (is_failure(event.reason)) counters_.errors.fetch_add(1);
    };
    handlers.on_message = [this](const MessageReceived& event) {
      counters_.received.fetch_add(1);
      if (const auto sent = bench_payload_time(event.payload); sent != 0) {
        const auto now = now_ns();
        counters_.latency.record(now > sent ? (now - sent) / 1000 : 0);
      }
    };
    slot.client->set_handlers(std::move(handlers));
  }

  void publish_due(Clock::time_point now) {
    const auto gap = publish_gap();
    for (std::size_t i = 0; i < clients_.size() && !limit_reached(); ++i) {
      if (now < next_publish_[i]) continue;
      next_publish_[i] += gap;
      if (next_publish_[i] < now) next_publish_[i] = now + gap;  // do not burst after a stall
      auto& slot = *clients_[i];
      if (!slot.connected) continue;
      const auto qos = static_cast<QoS>(options_.qos);
      if (qos != QoS::at_most_once) counters_.in_flight.fetch_add(1);
      const auto id =
          slot.client->enqueue(slot.topic, make_bench_payload(options_.payload_size), {.qos = qos});
      if (id) {
        counters_.sent.fetch_add(1);
      } else {
        counters_.errors.fetch_add(1);
        if (qos != QoS::at_most_once) counters_.in_flight.fetch_sub(1);
      }
    }
  }

  // Gives outstanding QoS 1/2 messages a moment to complete, so that sent and acked agree.
  void drain_in_flight() {
    const auto until = Clock::now() + std::chrono::seconds(5);
    while (counters_.in_flight.load() > 0 && Clock::now() < until && !interrupted())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  void stop_all() {
    for (auto& slot : clients_)
      slot->client->stop(discard);
    clients_.clear();
  }

  BenchOptions& options_;
  ConnectionPlan plan_;
  EventLoop loop_;
  BenchCounters counters_;
  std::vector<std::unique_ptr<Slot>> clients_;
  std::vector<Clock::time_point> next_publish_;
  Clock::time_point start_;
};

void validate(const BenchOptions& o) {
  if (o.clients < 1) throw UsageError("-c must be at least 1 client.");
  parse_qos(o.qos, "-q");
  if (o.payload_size < 12)
    throw UsageError("-s must be at least 12 bytes (the payload carries a timestamp).");
  if (o.connect_rate < 0 || o.publish_rate < 0 || o.duration < 0 || o.connect_interval < 0)
    throw UsageError("Rates, intervals and durations must not be negative.");
  if (o.mode == "sub" && o.topic.empty()) throw UsageError("-t must not be empty.");
}

int run_bench(BenchOptions& o) {
  validate(o);
  auto plan = make_plan(o.connection, "bench");
  plan.config.network.reconnect.enabled = false;
  Bench bench(o, std::move(plan));
  return bench.run();
}

}  // namespace

void add_bench_command(CLI::App& parent, std::function<int()>& run) {
  auto* bench = parent.add_subcommand("bench", "Load test: many clients on one event loop.");
  bench->require_subcommand(1);
  for (const char* mode : {"pub", "sub", "conn"}) {
    const std::string description = std::string("bench ") + mode +
                                    (std::string_view(mode) == "pub"   ? ": clients that publish."
                                     : std::string_view(mode) == "sub" ? ": clients that subscribe."
                                                                       : ": clients that connect.");
    auto* app = bench->add_subcommand(mode, description);
    auto options = std::make_shared<BenchOptions>();
    options->mode = mode;
    add_bench_options(*app, *options);
    app->callback([&run, options] { run = [options] { return run_bench(*options); }; });
  }
}

}  // namespace portmqtt::tools
