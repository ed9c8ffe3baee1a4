#include "bench_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <vector>

namespace portmqtt::tools {
namespace {

std::string format(const char* pattern, auto... values) {
  char buffer[1024];
  const int size = std::snprintf(buffer, sizeof buffer, pattern, values...);
  return std::string(buffer, static_cast<std::size_t>(std::clamp(size, 0, 1023)));
}

std::string escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Plot geometry, in SVG user units.
constexpr double kWidth = 760, kHeight = 300;
constexpr double kLeft = 78, kRight = 20, kTop = 34, kBottom = 48;
constexpr double kPlotWidth = kWidth - kLeft - kRight, kPlotHeight = kHeight - kTop - kBottom;

// A step of 1, 2 or 5 times a power of ten that cuts `range` into about `parts` parts.
double nice_step(double range, int parts) {
  if (range <= 0) return 1;
  const double rough = range / parts;
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  for (const double m : {1.0, 2.0, 5.0, 10.0})
    if (rough <= m * power) return m * power;
  return 10 * power;
}

// A tick label: thousands as k, millions as M, no trailing zeros.
std::string tick_label(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e6) return format("%gM", value / 1e6);
  if (magnitude >= 1e4) return format("%gk", value / 1e3);
  return format("%g", value);
}

std::string svg_open(const std::string& title) {
  return format(
             "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 %g %g' width='%g' "
             "height='%g' role='img'>",
             kWidth, kHeight, kWidth, kHeight) +
         "<title>" + escape(title) + "</title>" +
         format("<rect x='0' y='0' width='%g' height='%g' fill='#fff'/>", kWidth, kHeight) +
         format("<text x='%g' y='20' class='title'>", kLeft) + escape(title) + "</text>";
}

std::string axis_labels(const std::string& x_label, const std::string& y_label) {
  return format("<text x='%g' y='%g' text-anchor='middle'>", kLeft + kPlotWidth / 2, kHeight - 8) +
         escape(x_label) + "</text>" +
         format("<text transform='translate(16 %g) rotate(-90)' text-anchor='middle'>",
                kTop + kPlotHeight / 2) +
         escape(y_label) + "</text>" +
         format("<rect x='%g' y='%g' width='%g' height='%g' fill='none' stroke='#444'/>", kLeft,
                kTop, kPlotWidth, kPlotHeight);
}

// Horizontal grid lines and labels for 0..y_max; returns the top of the scale.
std::string y_grid(double y_max, double& top) {
  const double step = nice_step(y_max > 0 ? y_max : 1, 5);
  top = std::ceil((y_max > 0 ? y_max : 1) / step) * step;
  std::string out;
  for (double y = 0; y <= top + step / 2; y += step) {
    const double py = kTop + kPlotHeight - y / top * kPlotHeight;
    out += format("<line x1='%g' x2='%g' y1='%.1f' y2='%.1f' class='grid'/>", kLeft,
                  kLeft + kPlotWidth, py, py);
    out += format("<text x='%g' y='%.1f' text-anchor='end'>", kLeft - 6, py + 4) + tick_label(y) +
           "</text>";
  }
  return out;
}

struct Series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;  // (seconds, value)
};

std::string line_chart(const std::string& title, const std::string& y_label,
                       const std::vector<Series>& all) {
  double x_max = 1, y_max = 0;
  for (const auto& s : all)
    for (const auto& [x, y] : s.points) {
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
    }
  std::string out = svg_open(title);
  double top = 1;
  out += y_grid(y_max, top);
  const double x_step = nice_step(x_max, 8);
  const double x_top = std::ceil(x_max / x_step) * x_step;
  const auto px = [&](double x) { return kLeft + x / x_top * kPlotWidth; };
  const auto py = [&](double y) { return kTop + kPlotHeight - y / top * kPlotHeight; };
  for (double x = 0; x <= x_top + x_step / 2; x += x_step)
    out += format("<text x='%.1f' y='%g' text-anchor='middle'>", px(x), kTop + kPlotHeight + 16) +
           tick_label(x) + "</text>";
  out += axis_labels("seconds since start", y_label);
  double legend_x = kLeft + kPlotWidth;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const auto& s = *it;
    legend_x -= 14 + 7.5 * static_cast<double>(s.name.size()) + 18;
    out += format("<rect x='%.1f' y='12' width='12' height='4' fill='%s'/>", legend_x,
                  s.color.c_str());
    out += format("<text x='%.1f' y='19'>", legend_x + 16) + escape(s.name) + "</text>";
    if (s.points.empty()) continue;
    std::string path;
    for (const auto& [x, y] : s.points)
      path += format("%s%.1f,%.1f ", path.empty() ? "" : "", px(x), py(y));
    // Later series dashed: equal rates (published and acknowledged) draw over each other.
    const bool dashed = it != std::prev(all.rend());
    out += format("<polyline fill='none' stroke='%s' stroke-width='2'%s points='", s.color.c_str(),
                  dashed ? " stroke-dasharray='6 4'" : "") +
           path + "'/>";
    for (const auto& [x, y] : s.points)
      out +=
          format("<circle cx='%.1f' cy='%.1f' r='2.5' fill='%s'/>", px(x), py(y), s.color.c_str());
  }
  return out + "</svg>";
}

// A latency histogram on a logarithmic time axis: 10 bins per decade, bar height the share
// of samples, with the p50, p99 and p99.9 marked.
std::string histogram_chart(const std::string& title, const LatencyHistogram& h,
                            const std::string& color) {
  constexpr int kBinsPerDecade = 10;
  // Bin b covers [10^(b/10), 10^((b+1)/10)) microseconds; b = -1 holds zero.
  std::vector<std::uint64_t> bins;
  int first_bin = 1 << 30, last_bin = -1;
  const auto bin_of = [](double micros) {
    return micros < 1 ? 0 : static_cast<int>(std::floor(std::log10(micros) * kBinsPerDecade));
  };
  h.for_each_bucket([&](std::uint64_t low, std::uint64_t high, std::uint64_t n) {
    const int bin = bin_of((static_cast<double>(low) + static_cast<double>(high)) / 2);
    if (bin >= static_cast<int>(bins.size())) bins.resize(static_cast<std::size_t>(bin) + 1, 0);
    bins[static_cast<std::size_t>(bin)] += n;
    first_bin = std::min(first_bin, bin);
    last_bin = std::max(last_bin, bin);
  });
  std::string out = svg_open(title);
  if (last_bin < 0) return out + axis_labels("latency", "share of samples (%)") + "</svg>";
  // Whole decades around the data.
  const int low_decade = first_bin / kBinsPerDecade;
  const int high_decade = last_bin / kBinsPerDecade + 1;
  const double decades = high_decade - low_decade;
  const auto px = [&](double micros) {
    const double position = micros < 1 ? 0 : std::log10(micros);
    return kLeft + (position - low_decade) / decades * kPlotWidth;
  };
  double peak = 0;
  for (const auto n : bins)
    peak = std::max(peak, 100.0 * static_cast<double>(n) / static_cast<double>(h.count()));
  double top = 1;
  out += y_grid(peak, top);
  for (int d = low_decade; d <= high_decade; ++d) {
    const double micros = std::pow(10.0, d);
    const double x = px(micros);
    out += format("<line x1='%.1f' x2='%.1f' y1='%g' y2='%g' class='grid'/>", x, x, kTop,
                  kTop + kPlotHeight);
    const std::string label = micros < 1e3   ? format("%g µs", micros)
                              : micros < 1e6 ? format("%g ms", micros / 1e3)
                                             : format("%g s", micros / 1e6);
    out += format("<text x='%.1f' y='%g' text-anchor='middle'>", x, kTop + kPlotHeight + 16) +
           label + "</text>";
  }
  out += axis_labels("latency (logarithmic)", "share of samples (%)");
  for (int b = first_bin; b <= last_bin; ++b) {
    const auto n = bins[static_cast<std::size_t>(b)];
    if (n == 0) continue;
    const double share = 100.0 * static_cast<double>(n) / static_cast<double>(h.count());
    const double x0 = px(std::pow(10.0, static_cast<double>(b) / kBinsPerDecade));
    const double x1 = px(std::pow(10.0, static_cast<double>(b + 1) / kBinsPerDecade));
    const double height = share / top * kPlotHeight;
    out += format(
        "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>%s samples "
        "(%.2f%%)</title></rect>",
        x0 + 0.5, kTop + kPlotHeight - height, std::max(x1 - x0 - 1, 1.0), height, color.c_str(),
        grouped(static_cast<double>(n)).c_str(), share);
  }
  struct Mark {
    const char* name;
    double fraction;
  };
  double label_y = kTop + 14;
  for (const auto& mark : {Mark{"p50", 0.5}, Mark{"p99", 0.99}, Mark{"p99.9", 0.999}}) {
    const auto micros = static_cast<double>(h.percentile(mark.fraction));
    const double x = px(std::max(micros, 1.0));
    out += format("<line x1='%.1f' x2='%.1f' y1='%g' y2='%g' class='mark'/>", x, x, kTop,
                  kTop + kPlotHeight);
    // Labels near the right edge go on the left of their line.
    const bool left = x > kLeft + kPlotWidth - 110;
    out += format("<text x='%.1f' y='%.1f' class='marklabel' text-anchor='%s'>%s %.3f ms</text>",
                  left ? x - 4 : x + 4, label_y, left ? "end" : "start", mark.name, micros / 1000);
    label_y += 14;
  }
  return out + "</svg>";
}

// Per-second rates from the cumulative samples.
std::vector<std::pair<double, double>> rate_points(const std::vector<Sample>& samples,
                                                   std::uint64_t Sample::*field) {
  std::vector<std::pair<double, double>> points;
  Sample previous;
  for (const auto& s : samples) {
    const double window = s.seconds - previous.seconds;
    // A short last window (the run ended just after a full second) gives a noisy rate.
    if (window > 0.5)
      points.emplace_back(s.seconds, static_cast<double>(s.*field - previous.*field) / window);
    previous = s;
  }
  return points;
}

std::string row(const std::string& name, const std::string& value) {
  return "<tr><th>" + escape(name) + "</th><td>" + escape(value) + "</td></tr>";
}

std::string latency_table(const BenchCounters& c) {
  std::string out =
      "<table class='numbers'><tr><th>latency (ms)</th><th>samples</th><th>p50</th><th>p90</th>"
      "<th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>";
  const auto line = [&](const char* name, const LatencyHistogram& h) {
    if (h.count() == 0) return;
    out +=
        format("<tr><th>%s</th><td>%s</td>", name, grouped(static_cast<double>(h.count())).c_str());
    for (const double f : {0.5, 0.9, 0.99, 0.999})
      out += format("<td>%.3f</td>", static_cast<double>(h.percentile(f)) / 1000);
    out += format("<td>%.3f</td><td>%.3f</td></tr>", static_cast<double>(h.max()) / 1000,
                  h.mean() / 1000);
  };
  line("connect", c.connect_latency);
  line("publish-to-ack", c.ack_latency);
  line("end-to-end", c.end_to_end);
  return out + "</table>";
}

std::string settings_table(const BenchResult& r) {
  const auto& o = r.plan.options;
  const auto& broker = r.plan.connection.config.broker;
  std::string out = "<table>";
  out += row("mode", mode_name(o.mode));
  out +=
      row("broker", broker.transport == TransportKind::unix_socket
                        ? broker.path
                        : broker.host + ":" +
                              (broker.port ? std::to_string(broker.port) : std::string("default")));
  out += row("clients", grouped(static_cast<double>(r.plan.clients)));
  if (o.mode != BenchMode::conn) {
    out += row("topic", r.plan.topic_pattern);
    out += row("QoS", std::to_string(static_cast<int>(r.plan.qos)));
  }
  if (o.mode == BenchMode::pub) {
    out += row("payload", std::to_string(o.size) + " bytes");
    out += row("rate per client",
               r.plan.rate > 0 ? grouped(r.plan.rate, 1) + " msg/s" : "as fast as acknowledged");
  }
  out += row("client ids", r.plan.id_pattern);
  return out + "</table>";
}

std::string results_table(const BenchResult& r) {
  const auto& c = r.counters;
  const auto rates = rates_of(r);
  const auto n = [](const std::atomic<std::uint64_t>& v) {
    return grouped(static_cast<double>(v.load(std::memory_order_relaxed)));
  };
  std::string out = "<table>";
  out += row("duration", format("%.2f s", r.seconds));
  // Rates and shares per client say something only about a fleet.
  const bool fleet = c.connects.load(std::memory_order_relaxed) > 1;
  out += row("connections", n(c.connects) + " connected, " + n(c.connect_failures) + " failed, " +
                                n(c.disconnects) + " lost" +
                                (fleet ? " (" + grouped(rates.connects, 1) + " conn/s)" : ""));
  if (r.plan.options.mode == BenchMode::pub) {
    out += row("published", n(c.sent) + " (" + grouped(rates.sent, 1) + " msg/s)");
    if (r.plan.qos != QoS::at_most_once)
      out += row("acknowledged", n(c.acked) + " (" + grouped(rates.acked, 1) + " msg/s), " +
                                     n(c.refused) + " refused");
  }
  if (r.plan.options.mode == BenchMode::sub) {
    out += row("subscriptions", n(c.subscribed) + " granted");
    out += row("received", n(c.received) + " (" + grouped(rates.received, 1) + " msg/s)");
  }
  out += row("memory",
             grouped(static_cast<double>(r.memory_kib)) + " KiB" +
                 (fleet ? " (" + grouped(memory_per_client_kib(r), 1) + " KiB per client)" : ""));
  out += row("CPU", format("%.2f s", r.cpu_seconds));
  out += row("errors", n(c.errors));
  if (!r.first_error.empty()) out += row("first error", r.first_error);
  return out + "</table>";
}

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 2em auto; max-width: 800px; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 2px 10px; text-align: left; border-bottom: 1px solid #ddd; }
table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
svg { display: block; margin: 0.8em 0; font-size: 12px; }
svg text { fill: #222; } svg .title { font-size: 14px; font-weight: bold; }
svg .grid { stroke: #e3e3e3; } svg .mark { stroke: #c0392b; stroke-dasharray: 4 3; }
svg .marklabel { fill: #c0392b; font-size: 11px; }
)";

}  // namespace

std::string html_report(const BenchResult& r) {
  const auto mode = r.plan.options.mode;
  char when[64] = "";
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &local);
  std::string out =
      "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>portmqtt bench ";
  out += mode_name(mode);
  out += "</title><style>";
  out += kStyle;
  out += "</style></head><body>\n<h1>portmqtt bench ";
  out += mode_name(mode);
  out += "</h1><p>" + escape(when) + "</p>\n<h2>Settings</h2>" + settings_table(r);
  out += "\n<h2>Results</h2>" + results_table(r) + latency_table(r.counters);

  std::vector<Series> rates;
  switch (mode) {
    case BenchMode::conn:
      rates.push_back({"connects/s", "#2c7fb8", rate_points(r.samples, &Sample::connects)});
      break;
    case BenchMode::pub:
      rates.push_back({"published/s", "#2c7fb8", rate_points(r.samples, &Sample::sent)});
      if (r.plan.qos != QoS::at_most_once)
        rates.push_back({"acknowledged/s", "#e6862e", rate_points(r.samples, &Sample::acked)});
      break;
    case BenchMode::sub:
      rates.push_back({"received/s", "#2c7fb8", rate_points(r.samples, &Sample::received)});
      break;
  }
  out +=
      "\n<h2>Rate over time</h2>\n" +
      line_chart("Rate per second",
                 mode == BenchMode::conn ? "connections per second" : "messages per second", rates);
  Series connected{"connected clients", "#31a354", {}};
  for (const auto& s : r.samples)
    connected.points.emplace_back(s.seconds, static_cast<double>(s.connected));
  out += "\n" + line_chart("Connected clients", "clients", {connected});

  out += "\n<h2>Latency</h2>\n";
  const auto& c = r.counters;
  if (c.ack_latency.count() > 0)
    out += histogram_chart("Publish-to-acknowledgement latency", c.ack_latency, "#e6862e") + "\n";
  if (c.end_to_end.count() > 0)
    out += histogram_chart("End-to-end latency", c.end_to_end, "#2c7fb8") + "\n";
  if (c.connect_latency.count() > 0)
    out +=
        histogram_chart("Connect latency (start to CONNACK)", c.connect_latency, "#31a354") + "\n";
  return out + "</body></html>\n";
}

}  // namespace portmqtt::tools
