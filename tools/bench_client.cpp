#include "bench_client.hpp"

#include <cmath>

#include "bench_payload.hpp"
#include "tool_client.hpp"

namespace portmqtt::tools {
namespace {

using Clock = std::chrono::steady_clock;

// Messages published in one go before the client yields its loop to reading and writing.
constexpr int kBatch = 64;
// How long a publisher waits when the send queue is full (there is no event for "drained").
constexpr auto kQueueFullPause = std::chrono::microseconds(200);
// MQTT 3.x has no Receive Maximum: the library's window (SessionConfig::max_inflight).
constexpr std::uint32_t kV3Window = 20;

std::uint64_t micros_since(std::uint64_t start_ns, std::uint64_t now_ns) {
  return now_ns > start_ns ? (now_ns - start_ns) / 1000 : 0;
}

}  // namespace

void FleetContext::note_error(const std::string& text) {
  const std::lock_guard lock(mutex_);
  if (first_error_.empty()) first_error_ = text;
}

std::string FleetContext::first_error() const {
  const std::lock_guard lock(mutex_);
  return first_error_;
}

std::optional<std::uint64_t> InFlightTimes::take(MessageHandle id) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->id != id) continue;
    const auto sent = it->sent_ns;
    entries_.erase(it);
    return sent;
  }
  return std::nullopt;
}

BenchClient::BenchClient(EventLoop& loop, FleetContext& fleet, std::uint64_t index)
    : fleet_(fleet),
      index_(index),
      client_id_(client_id_for(fleet.plan, index)),
      topic_(fleet.plan.options.mode == BenchMode::conn
                 ? ""
                 : topic_for(fleet.plan, index, client_id_)) {
  if (fleet.plan.options.mode == BenchMode::pub)
    payload_ = make_bench_payload(static_cast<std::size_t>(fleet.plan.options.size));
  client_ = std::make_unique<Client>(loop, fleet.config, client_id_);
  Handlers handlers;
  handlers.on_connected = [this](const Connected& e) { on_connected(e); };
  handlers.on_disconnected = [this](const Disconnected& e) { on_disconnected(e); };
  handlers.on_error = [this](const Error& e) { on_error(e); };
  handlers.on_published = [this](const Published& e) { on_published(e); };
  handlers.on_subscribed = [this](const Subscribed& e) { on_subscribed(e); };
  handlers.on_message = [this](const MessageReceived& e) { on_message(e); };
  client_->set_handlers(std::move(handlers));
}

BenchClient::~BenchClient() {
  stop();
}

void BenchClient::start() {
  started_ns_ = steady_ns();
  fleet_.counters.started.fetch_add(1, std::memory_order_relaxed);
  fleet_.counters.connect_span.mark(started_ns_);
  if (const auto ec = client_->start()) {
    fleet_.counters.connect_failures.fetch_add(1, std::memory_order_relaxed);
    fleet_.counters.errors.fetch_add(1, std::memory_order_relaxed);
    fleet_.note_error("client " + client_id_ + ": " + ec.message());
  }
}

void BenchClient::wake() {
  client_->post([this] { pump(); });
}

void BenchClient::stop() {
  if (client_)
    client_->stop(discard, ReasonCode::normal_disconnection,
                  fleet_.plan.connection.properties.disconnect);
}

void BenchClient::on_connected(const Connected& event) {
  auto& counters = fleet_.counters;
  const auto now = steady_ns();
  connected_ = true;
  counters.connects.fetch_add(1, std::memory_order_relaxed);
  counters.connected.fetch_add(1, std::memory_order_relaxed);
  counters.connect_latency.record(micros_since(started_ns_, now));
  counters.connect_span.mark(now);
  const bool v5 = fleet_.plan.connection.config.session.protocol_version == ProtocolVersion::v5;
  const std::uint32_t automatic = v5 ? event.server.receive_maximum : kV3Window;
  const auto asked = static_cast<std::uint32_t>(fleet_.plan.options.inflight);
  window_ = asked == 0 ? automatic : (v5 ? std::min(asked, automatic) : asked);
  switch (fleet_.plan.options.mode) {
    case BenchMode::sub:
      if (const auto id = client_->subscribe(topic_, {.qos = fleet_.plan.qos},
                                             fleet_.plan.connection.properties.subscribe);
          !id) {
        counters.errors.fetch_add(1, std::memory_order_relaxed);
        fleet_.note_error("subscribe to '" + topic_ + "': " + id.error().message());
      }
      break;
    case BenchMode::pub:
      pump();
      break;
    case BenchMode::conn:
      break;
  }
}

void BenchClient::on_disconnected(const Disconnected& event) {
  auto& counters = fleet_.counters;
  if (event.was_connected) {
    connected_ = false;
    counters.connected.fetch_sub(1, std::memory_order_relaxed);
    counters.disconnects.fetch_add(1, std::memory_order_relaxed);
    counters.errors.fetch_add(1, std::memory_order_relaxed);
    // Without reconnection the messages in flight will never complete.
    counters.in_flight.fetch_sub(in_flight_.size(), std::memory_order_relaxed);
    in_flight_.clear();
  } else {
    counters.connect_failures.fetch_add(1, std::memory_order_relaxed);
    counters.errors.fetch_add(1, std::memory_order_relaxed);
  }
  if (event.error)
    fleet_.note_error("client " + client_id_ + ": connection " +
                      (event.was_connected ? "lost" : "failed") + ": " + event.error.message());
}

void BenchClient::on_error(const Error& event) {
  if (event.kind == ErrorKind::connection_refused)
    fleet_.note_error("client " + client_id_ + ": " +
                      describe_refusal(event.connect_reason,
                                       fleet_.plan.connection.config.session.protocol_version));
}

void BenchClient::on_published(const Published& event) {
  auto& counters = fleet_.counters;
  const auto now = steady_ns();
  if (const auto sent = in_flight_.take(event.handle)) {
    counters.ack_latency.record(micros_since(*sent, now));
    counters.in_flight.fetch_sub(1, std::memory_order_relaxed);
  }
  counters.acked.fetch_add(1, std::memory_order_relaxed);
  counters.send_span.mark(now);
  if (is_failure(event.reason)) {
    counters.refused.fetch_add(1, std::memory_order_relaxed);
    counters.errors.fetch_add(1, std::memory_order_relaxed);
    fleet_.note_error("publish to '" + topic_ +
                      "' refused: " + std::string(to_string(event.reason)));
  }
  pump();
}

void BenchClient::on_subscribed(const Subscribed& event) {
  const bool granted = !event.reasons.empty() && !is_failure(event.reasons.front());
  if (granted) {
    fleet_.counters.subscribed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  fleet_.counters.errors.fetch_add(1, std::memory_order_relaxed);
  fleet_.note_error("subscription to '" + topic_ + "' refused" +
                    (event.reasons.empty() ? std::string{}
                                           : ": " + std::string(to_string(event.reasons.front()))));
}

void BenchClient::on_message(const MessageReceived& event) {
  if (!event.is_first_fragment()) return;
  auto& counters = fleet_.counters;
  counters.received.fetch_add(1, std::memory_order_relaxed);
  counters.receive_span.mark(steady_ns());
  if (const auto stamp = read_bench_stamp(event.payload)) {
    const auto now = wall_ns();
    counters.end_to_end.record(micros_since(stamp->sent_ns, now));
  }
}

bool BenchClient::claim_message() {
  const auto limit = fleet_.plan.limit;
  if (limit == 0) return true;
  if (fleet_.claimed.fetch_add(1, std::memory_order_relaxed) < limit) return true;
  fleet_.claimed.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

void BenchClient::give_back_message() {
  if (fleet_.plan.limit != 0) fleet_.claimed.fetch_sub(1, std::memory_order_relaxed);
}

void BenchClient::wake_at(Clock::time_point when) {
  if (wake_pending_) return;
  wake_pending_ = true;
  fleet_.scheduler.at(when, [this] {
    client_->post([this] {
      wake_pending_ = false;
      pump();
    });
  });
}

void BenchClient::pump() {
  if (!connected_ || failed_ || fleet_.stopping.load(std::memory_order_relaxed) ||
      !fleet_.publishing.load(std::memory_order_relaxed))
    return;
  const auto& plan = fleet_.plan;
  const bool acknowledged = plan.qos != QoS::at_most_once;
  const auto now = Clock::now();
  // With a rate, message n (from 0) is due at pace_start_ + n / rate.
  std::uint64_t due = UINT64_MAX;
  if (plan.rate > 0) {
    if (!paced_) {
      pace_start_ = now;
      paced_ = true;
    }
    const std::chrono::duration<double> elapsed = now - pace_start_;
    due = static_cast<std::uint64_t>(std::floor(elapsed.count() * plan.rate)) + 1;
  }
  auto& counters = fleet_.counters;
  for (int batch = 0; sequence_ < due; ++batch) {
    if (acknowledged && in_flight_.size() >= window_) return;  // an acknowledgement resumes
    if (batch == kBatch) {
      if (!yield_pending_) {
        yield_pending_ = true;
        client_->post([this] {
          yield_pending_ = false;
          pump();
        });
      }
      return;
    }
    if (!claim_message()) return;
    stamp_bench_payload(
        payload_, {.sent_ns = wall_ns(),
                   .client_index = static_cast<std::uint32_t>(plan.options.start_number +
                                                              static_cast<std::int64_t>(index_)),
                   .sequence = sequence_});
    const auto sent_ns = steady_ns();
    const auto id =
        client_->enqueue(topic_, payload_, {.qos = plan.qos, .retain = plan.options.retain},
                         plan.connection.properties.publish);
    if (!id) {
      give_back_message();
      const auto error = id.error();
      if (error == errc::send_queue_full || error == errc::outbox_full) {
        wake_at(Clock::now() + kQueueFullPause);
      } else if (error != errc::not_connected) {
        failed_ = true;
        counters.errors.fetch_add(1, std::memory_order_relaxed);
        fleet_.note_error("publish to '" + topic_ + "': " + error.message());
      }
      return;
    }
    ++sequence_;
    counters.sent.fetch_add(1, std::memory_order_relaxed);
    counters.send_span.mark(sent_ns);
    if (acknowledged) {
      in_flight_.add(id->handle, sent_ns);
      counters.in_flight.fetch_add(1, std::memory_order_relaxed);
    }
  }
  // The next message's time, rounded up: woken a tick early, the client would find nothing due.
  if (plan.rate > 0)
    wake_at(pace_start_ + std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(
                              static_cast<double>(sequence_) / plan.rate)));
}

}  // namespace portmqtt::tools
