#include "bench_report.hpp"

#include <cmath>
#include <cstdio>

#include "json_text.hpp"

namespace portmqtt::tools {
namespace {

std::string format(const char* pattern, auto... values) {
  char buffer[512];
  const int size = std::snprintf(buffer, sizeof buffer, pattern, values...);
  return std::string(buffer, static_cast<std::size_t>(std::clamp(size, 0, 511)));
}

std::uint64_t load(const std::atomic<std::uint64_t>& value) {
  return value.load(std::memory_order_relaxed);
}

double per_second(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

double millis(std::uint64_t micros) {
  return static_cast<double>(micros) / 1000.0;
}

struct Percentiles {
  double p50, p90, p99, p999, max, mean;
};

Percentiles percentiles_ms(const LatencyHistogram& h) {
  return {millis(h.percentile(0.50)),
          millis(h.percentile(0.90)),
          millis(h.percentile(0.99)),
          millis(h.percentile(0.999)),
          millis(h.max()),
          h.mean() / 1000.0};
}

std::string latency_row(const char* label, const LatencyHistogram& h) {
  if (h.count() == 0) return "";
  const auto p = percentiles_ms(h);
  return format("  %-15s %11s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", label,
                grouped(static_cast<double>(h.count())).c_str(), p.p50, p.p90, p.p99, p.p999, p.max,
                p.mean);
}

json::Value number(double value, int decimals = 3) {
  const double scale = std::pow(10.0, decimals);
  return json::Value::of_number(std::round(value * scale) / scale);
}

json::Value count(std::uint64_t value) {
  return json::Value::of_number(static_cast<double>(value));
}

json::Value latency_json(const LatencyHistogram& h) {
  if (h.count() == 0) return json::Value{};
  const auto p = percentiles_ms(h);
  auto out = json::Value::object();
  out.add("samples", count(h.count()));
  out.add("p50", number(p.p50));
  out.add("p90", number(p.p90));
  out.add("p99", number(p.p99));
  out.add("p99_9", number(p.p999));
  out.add("max", number(p.max));
  out.add("mean", number(p.mean));
  return out;
}

json::Value samples_json(const std::vector<Sample>& samples) {
  json::Value out;
  out.kind = json::Value::Kind::array;
  const Sample* previous = nullptr;
  Sample zero;
  for (const auto& s : samples) {
    const auto& p = previous ? *previous : zero;
    auto item = json::Value::object();
    item.add("t", number(s.seconds));
    item.add("connected", count(s.connected));
    item.add("connects", count(s.connects - p.connects));
    item.add("sent", count(s.sent - p.sent));
    item.add("acked", count(s.acked - p.acked));
    item.add("received", count(s.received - p.received));
    item.add("errors", count(s.errors - p.errors));
    out.items.emplace_back("", std::move(item));
    previous = &s;
  }
  return out;
}

std::uint64_t messages_of(const BenchCounters& c) {
  return load(c.sent) + load(c.received);
}

}  // namespace

std::string grouped(double value, int decimals) {
  const auto text = format("%.*f", decimals, value);
  const auto point = text.find('.');
  const auto integer_end = point == std::string::npos ? text.size() : point;
  const std::size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  std::string out = text.substr(0, start);
  for (std::size_t i = start; i < integer_end; ++i) {
    out += text[i];
    const auto left = integer_end - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  return out + text.substr(integer_end);
}

BenchRates rates_of(const BenchResult& r) {
  const auto& c = r.counters;
  return {.connects = per_second(load(c.connects), c.connect_span.seconds()),
          .sent = per_second(load(c.sent), c.send_span.seconds()),
          .acked = per_second(load(c.acked), c.send_span.seconds()),
          .received = per_second(load(c.received), c.receive_span.seconds())};
}

double memory_per_client_kib(const BenchResult& r) {
  const auto clients = load(r.counters.connects);
  if (clients == 0 || r.memory_kib < r.memory_before_kib) return 0;
  return static_cast<double>(r.memory_kib - r.memory_before_kib) / static_cast<double>(clients);
}

std::string summary_text(const BenchResult& r) {
  const auto& c = r.counters;
  const auto& o = r.plan.options;
  const auto mode = o.mode;
  const auto rates = rates_of(r);
  std::string text = format("bench %s: %s client%s, %.2f s", mode_name(mode),
                            grouped(static_cast<double>(r.plan.clients)).c_str(),
                            r.plan.clients == 1 ? "" : "s", r.seconds);
  if (mode != BenchMode::conn) text += format(", QoS %d", static_cast<int>(r.plan.qos));
  if (mode == BenchMode::pub) {
    text += format(", %lld-byte payloads, ", static_cast<long long>(o.size));
    text +=
        r.plan.rate > 0 ? grouped(r.plan.rate, 1) + " msg/s per client" : std::string("full speed");
  }
  text += "\n";
  text += format("connections  %s connected, %s failed, %s lost",
                 grouped(static_cast<double>(load(c.connects))).c_str(),
                 grouped(static_cast<double>(load(c.connect_failures))).c_str(),
                 grouped(static_cast<double>(load(c.disconnects))).c_str());
  // Rates and shares per client say something only about a fleet.
  const bool fleet = load(c.connects) > 1;
  if (fleet) text += format(" (%s conn/s)", grouped(rates.connects, 1).c_str());
  text += format("; memory %s KiB", grouped(static_cast<double>(r.memory_kib)).c_str());
  if (fleet) text += format(" (%s KiB per client)", grouped(memory_per_client_kib(r), 1).c_str());
  text += "\n";
  if (mode == BenchMode::pub) {
    text += format("published    %s (%s msg/s)", grouped(static_cast<double>(load(c.sent))).c_str(),
                   grouped(rates.sent, 1).c_str());
    if (r.plan.qos != QoS::at_most_once)
      text += format(
          ", acknowledged %s (%s msg/s), refused %s, unacknowledged %s",
          grouped(static_cast<double>(load(c.acked))).c_str(), grouped(rates.acked, 1).c_str(),
          grouped(static_cast<double>(load(c.refused))).c_str(),
          grouped(static_cast<double>(load(c.sent) - std::min(load(c.sent), load(c.acked))))
              .c_str());
    text += "\n";
  }
  if (mode == BenchMode::sub)
    text += format("received     %s (%s msg/s); %s subscriptions granted\n",
                   grouped(static_cast<double>(load(c.received))).c_str(),
                   grouped(rates.received, 1).c_str(),
                   grouped(static_cast<double>(load(c.subscribed))).c_str());
  const auto latencies = latency_row("connect", c.connect_latency) +
                         latency_row("publish-to-ack", c.ack_latency) +
                         latency_row("end-to-end", c.end_to_end);
  if (!latencies.empty())
    text += format("%-15s %13s %9s %9s %9s %9s %9s %9s\n", "latency (ms)", "samples", "p50", "p90",
                   "p99", "p99.9", "max", "mean") +
            latencies;
  const auto messages = messages_of(c);
  text += format("cpu          %.2f s", r.cpu_seconds);
  if (messages > 0)
    text += format(" (%.2f us per message)", r.cpu_seconds * 1e6 / static_cast<double>(messages));
  text += format("; errors %s\n", grouped(static_cast<double>(load(c.errors))).c_str());
  if (!r.first_error.empty()) text += "first error  " + r.first_error + "\n";
  return text;
}

std::string summary_json(const BenchResult& r) {
  const auto& c = r.counters;
  const auto rates = rates_of(r);
  auto out = json::Value::object();
  out.add("mode", json::Value::of_string(mode_name(r.plan.options.mode)));
  out.add("clients", count(r.plan.clients));
  out.add("qos", count(static_cast<std::uint64_t>(r.plan.qos)));
  out.add("payload_size", count(static_cast<std::uint64_t>(r.plan.options.size)));
  out.add("rate_per_client", number(r.plan.rate));
  out.add("seconds", number(r.seconds));
  out.add("connects", count(load(c.connects)));
  out.add("connected", count(load(c.connected)));
  out.add("connect_failures", count(load(c.connect_failures)));
  out.add("disconnects", count(load(c.disconnects)));
  out.add("subscribed", count(load(c.subscribed)));
  out.add("sent", count(load(c.sent)));
  out.add("acked", count(load(c.acked)));
  out.add("refused", count(load(c.refused)));
  out.add("received", count(load(c.received)));
  out.add("in_flight", count(load(c.in_flight)));
  out.add("errors", count(load(c.errors)));
  out.add("first_error",
          r.first_error.empty() ? json::Value{} : json::Value::of_string(r.first_error));
  out.add("connects_per_s", number(rates.connects));
  out.add("sent_per_s", number(rates.sent));
  out.add("acked_per_s", number(rates.acked));
  out.add("received_per_s", number(rates.received));
  out.add("connect_latency_ms", latency_json(c.connect_latency));
  out.add("ack_latency_ms", latency_json(c.ack_latency));
  out.add("end_to_end_latency_ms", latency_json(c.end_to_end));
  out.add("memory_kib", count(r.memory_kib));
  out.add("memory_per_client_kib", number(memory_per_client_kib(r), 2));
  out.add("cpu_seconds", number(r.cpu_seconds));
  const auto messages = messages_of(c);
  out.add("cpu_us_per_message",
          messages ? number(r.cpu_seconds * 1e6 / static_cast<double>(messages)) : json::Value{});
  out.add("per_second", samples_json(r.samples));
  return json::print(out, false) + "\n";
}

void ProgressLine::update(const Sample& previous, const Sample& now,
                          const BenchCounters& counters) {
  const double window = now.seconds - previous.seconds;
  std::string line = format("\r[%7.1fs] clients %s/%s", now.seconds,
                            grouped(static_cast<double>(now.connected)).c_str(),
                            grouped(static_cast<double>(plan_.clients)).c_str());
  switch (plan_.options.mode) {
    case BenchMode::conn:
      line += format("  connects %s/s",
                     grouped(per_second(now.connects - previous.connects, window)).c_str());
      break;
    case BenchMode::pub:
      line += format("  sent %s/s", grouped(per_second(now.sent - previous.sent, window)).c_str());
      if (plan_.qos != QoS::at_most_once && counters.ack_latency.count() > 0)
        line += format("  acked %s/s  ack p99 %.2f ms",
                       grouped(per_second(now.acked - previous.acked, window)).c_str(),
                       millis(counters.ack_latency.percentile(0.99)));
      break;
    case BenchMode::sub:
      line += format("  received %s/s",
                     grouped(per_second(now.received - previous.received, window)).c_str());
      if (counters.end_to_end.count() > 0)
        line += format("  e2e p99 %.2f ms", millis(counters.end_to_end.percentile(0.99)));
      break;
  }
  line += format("  errors %s\x1b[K", grouped(static_cast<double>(now.errors)).c_str());
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  printed_ = true;
}

void ProgressLine::finish() {
  if (printed_) std::fputc('\n', stderr);
  printed_ = false;
}

}  // namespace portmqtt::tools
