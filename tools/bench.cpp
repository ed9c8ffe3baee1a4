// `portmqtt bench conn|pub|sub`: a fleet of clients on one shared portmqtt::EventLoop, in the
// spirit of emqtt-bench. The main thread starts connections at scheduled times, takes a
// sample of the counters every second and decides when the run ends; the clients do
// everything else on the loop (bench_client.hpp).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include "bench_client.hpp"
#include "bench_html.hpp"
#include "bench_options.hpp"
#include "bench_report.hpp"
#include "commands.hpp"
#include "tool_client.hpp"

namespace portmqtt::tools {
namespace {

using Clock = std::chrono::steady_clock;

// After the run, QoS 1/2 messages in flight get this long to be acknowledged.
constexpr auto kDrainTime = std::chrono::seconds(5);

class Fleet {
 public:
  explicit Fleet(const BenchPlan& plan)
      : plan_(plan),
        loop_(static_cast<std::size_t>(plan.options.threads)),
        fleet_(plan, counters_, scheduler_),
        progress_(plan),
        live_(!plan.options.no_progress && isatty(STDERR_FILENO) != 0) {}

  int run() {
    std::ofstream html;
    if (!plan_.options.html.empty()) {
      html.open(plan_.options.html, std::ios::binary | std::ios::trunc);
      if (!html) throw UsageError("Unable to write the report '" + plan_.options.html + "'.");
    }
    raise_open_file_limit();
    BenchResult result{.plan = plan_, .counters = counters_};
    result.memory_before_kib = resident_kib();
    const double cpu_at_start = cpu_seconds();
    start_ = Clock::now();
    fleet_.publishing = !plan_.options.wait_before_publishing;
    clients_.reserve(plan_.clients);
    scheduler_.at(start_, [this] { connect_next(); });
    scheduler_.at(start_ + std::chrono::seconds(1), [this] { take_sample(); });
    const auto deadline = plan_.options.duration
                              ? start_ + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(*plan_.options.duration))
                              : Clock::time_point::max();
    while (!finished(deadline)) {
      scheduler_.run_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)));
      start_publishing_when_all_connected();
    }
    result.memory_kib = resident_kib();
    fleet_.stopping = true;
    drain();
    result.seconds = seconds_since_start();
    result.cpu_seconds = cpu_seconds() - cpu_at_start;
    if (samples_.empty() || result.seconds - samples_.back().seconds > 0.05)
      samples_.push_back(portmqtt::tools::take_sample(counters_, result.seconds));
    if (live_) progress_.finish();
    for (auto& client : clients_)
      client->stop();
    clients_.clear();
    result.samples = std::move(samples_);
    result.first_error = fleet_.first_error();
    const auto text = plan_.options.json ? summary_json(result) : summary_text(result);
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
    if (html) html << html_report(result);
    if (html && !html.flush()) {
      std::fprintf(stderr, "Error: writing the report '%s' failed.\n", plan_.options.html.c_str());
      return 1;
    }
    if (counters_.connects.load() == 0) {
      if (!plan_.options.connection.quiet)
        std::fprintf(stderr, "Error: no client connected%s%s\n",
                     result.first_error.empty() ? "." : ": ", result.first_error.c_str());
      return 1;
    }
    return 0;
  }

 private:
  double seconds_since_start() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }

  // Starts the next client, and schedules the one after at its own time (not "now + gap", so
  // that the rate holds however long a start takes).
  void connect_next() {
    do {
      const auto index = clients_.size();
      clients_.push_back(std::make_unique<BenchClient>(loop_, fleet_, index));
      clients_.back()->start();
    } while (plan_.connect_gap.count() == 0 && clients_.size() < plan_.clients);
    if (clients_.size() < plan_.clients)
      scheduler_.at(start_ + plan_.connect_gap * static_cast<std::int64_t>(clients_.size()),
                    [this] { connect_next(); });
  }

  void take_sample() {
    const auto sample = portmqtt::tools::take_sample(counters_, seconds_since_start());
    if (live_) progress_.update(samples_.empty() ? Sample{} : samples_.back(), sample, counters_);
    samples_.push_back(sample);
    scheduler_.at(start_ + std::chrono::seconds(samples_.size() + 1), [this] { take_sample(); });
  }

  bool every_attempt_ended() const {
    return clients_.size() == plan_.clients &&
           counters_.connects.load() + counters_.connect_failures.load() >= plan_.clients;
  }

  void start_publishing_when_all_connected() {
    if (fleet_.publishing.load() || !every_attempt_ended()) return;
    fleet_.publishing = true;
    for (auto& client : clients_)
      client->wake();
  }

  bool finished(Clock::time_point deadline) const {
    if (interrupted() || Clock::now() >= deadline) return true;
    const auto limit = plan_.limit;
    if (limit != 0 && plan_.options.mode == BenchMode::pub && counters_.sent.load() >= limit)
      return true;
    if (limit != 0 && plan_.options.mode == BenchMode::sub && counters_.received.load() >= limit)
      return true;
    // Nothing left to measure: every client has tried and none is connected.
    return every_attempt_ended() && counters_.connected.load() == 0;
  }

  // Lets the QoS 1/2 messages in flight complete, so that sent and acknowledged agree.
  void drain() const {
    const auto until = Clock::now() + kDrainTime;
    while (counters_.in_flight.load() > 0 && Clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  const BenchPlan& plan_;
  BenchCounters counters_;
  Scheduler scheduler_;
  EventLoop loop_;
  FleetContext fleet_;
  ProgressLine progress_;
  bool live_;
  Clock::time_point start_;
  std::vector<Sample> samples_;
  // Last: the clients go before the loop and the state their handlers use.
  std::vector<std::unique_ptr<BenchClient>> clients_;
};

int run_bench(const BenchOptions& options) {
  const auto plan = make_bench_plan(options);
  Fleet fleet(plan);
  return fleet.run();
}

const char* describe(BenchMode mode) {
  switch (mode) {
    case BenchMode::conn:
      return "Connect a fleet of clients and hold the connections: connect rate, latency, "
             "memory.";
    case BenchMode::pub:
      return "Publish from a fleet of clients: throughput, publish-to-ack latency.";
    case BenchMode::sub:
      return "Subscribe with a fleet of clients: receive rate, end-to-end latency of messages "
             "from 'bench pub'.";
  }
  return "";
}

}  // namespace

void add_bench_command(CLI::App& parent, std::function<int()>& run) {
  auto* bench = parent.add_subcommand("bench", "Load test: a fleet of clients on one event loop.");
  bench->set_help_flag("--help", "Print this help and exit.");
  bench->require_subcommand(1);
  for (const auto mode : {BenchMode::conn, BenchMode::pub, BenchMode::sub}) {
    auto* app = bench->add_subcommand(mode_name(mode), describe(mode));
    auto options = std::make_shared<BenchOptions>();
    options->mode = mode;
    add_bench_options(*app, *options);
    app->callback([&run, options] { run = [options] { return run_bench(*options); }; });
  }
}

}  // namespace portmqtt::tools
