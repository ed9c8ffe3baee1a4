// One client of a `portmqtt bench` fleet. Everything it does after start() happens on the
// shared loop, in its handlers: a publisher keeps up to its window of QoS 1/2 messages
// unacknowledged and publishes the next one when an acknowledgement arrives (or, with a rate,
// when the next message is due), so a single connection runs as fast as the broker answers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bench_options.hpp"
#include "bench_scheduler.hpp"
#include "bench_stats.hpp"
#include "portmqtt/client.hpp"

namespace portmqtt::tools {

/// What every client of the fleet shares with the command that runs it.
struct FleetContext {
  FleetContext(const BenchPlan& the_plan, BenchCounters& the_counters, Scheduler& the_scheduler)
      : plan(the_plan),
        config(std::make_shared<const Config>(the_plan.connection.config)),
        counters(the_counters),
        scheduler(the_scheduler) {}

  const BenchPlan& plan;
  /// The clients' configuration, shared by all of them (each adds its own client id).
  std::shared_ptr<const Config> config;
  BenchCounters& counters;
  Scheduler& scheduler;
  /// Publishers may send (false until every client connected with --wait-before-publishing).
  std::atomic<bool> publishing{false};
  /// The run is ending: send nothing more.
  std::atomic<bool> stopping{false};
  /// Messages taken from the -C budget.
  std::atomic<std::uint64_t> claimed{0};

  /// Remembers the first error of the run for the summary. Any thread.
  void note_error(const std::string& text);
  std::string first_error() const;

 private:
  mutable std::mutex mutex_;
  std::string first_error_;
};

/// Send times of the QoS 1/2 messages a client has in flight, matched to their completions
/// by packet id. Brokers acknowledge in order almost always, so the search starts at the
/// oldest entry. (A per-call completion will carry the send time instead.)
class InFlightTimes {
 public:
  void add(MessageHandle id, std::uint64_t sent_ns) { entries_.push_back({id, sent_ns}); }
  /// The send time of `id`, removed; nothing when unknown.
  std::optional<std::uint64_t> take(MessageHandle id);
  std::size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    MessageHandle id;
    std::uint64_t sent_ns;
  };
  std::deque<Entry> entries_;
};

class BenchClient {
 public:
  /// A client for fleet member `index` (0-based); nothing connects yet.
  BenchClient(EventLoop& loop, FleetContext& fleet, std::uint64_t index);
  ~BenchClient();
  BenchClient(const BenchClient&) = delete;
  BenchClient& operator=(const BenchClient&) = delete;

  /// Starts connecting. Main thread.
  void start();
  /// Asks the client to publish what is due, on its loop. Any thread.
  void wake();
  /// Disconnects and stops; no handler runs after it returns. Main thread.
  void stop();

 private:
  void on_connected(const Connected& event);
  void on_disconnected(const Disconnected& event);
  void on_error(const Error& event);
  void on_published(const Published& event);
  void on_subscribed(const Subscribed& event);
  void on_message(const MessageReceived& event);

  // Loop thread: publishes while the window, the rate, the -C budget and the send queue allow.
  void pump();
  bool claim_message();
  void give_back_message();
  void wake_at(std::chrono::steady_clock::time_point when);

  FleetContext& fleet_;
  const std::uint64_t index_;
  const std::string client_id_;
  const std::string topic_;
  std::uint64_t started_ns_ = 0;

  // Touched on the client's loop only (its handlers and posted functions are serialised).
  std::string payload_;
  bool connected_ = false;
  bool failed_ = false;        // a publish failed for good: this client stops publishing
  bool wake_pending_ = false;  // a timed wake is scheduled
  bool yield_pending_ = false;
  bool paced_ = false;  // pace_start_ is set
  std::chrono::steady_clock::time_point pace_start_;
  std::uint32_t window_ = 0;
  std::uint64_t sequence_ = 0;  // messages published
  InFlightTimes in_flight_;

  std::unique_ptr<Client> client_;  // last: destroyed first, before the state its handlers use
};

}  // namespace portmqtt::tools
