// `portmqtt sub`: mosquitto_sub on the portmqtt C++ API. Reconnects after a lost connection
// (as mosquitto_sub does) but exits when the first connection attempt fails or the broker
// sends a malformed packet.
#include <cstdio>
#include <random>

#include "acked_output.hpp"
#include "commands.hpp"
#include "sub_format.hpp"
#include "tool_client.hpp"
#include "topics.hpp"

namespace portmqtt::tools {
namespace {

struct SubOptions {
  ConnectionOptions connection;
  std::vector<std::string> topics;
  std::vector<std::string> filter_out;
  std::vector<std::string> unsubscribe;
  int qos = 0;
  std::optional<int> count;
  bool exit_after_suback = false;
  bool no_retained = false;
  bool retained_only = false;
  bool remove_retained = false;
  bool retain_as_published = false;
  std::optional<int> timeout;
  double print_percentage = 100.0;
  OutputOptions output;
  bool no_eol = false;
  int max_inflight = 20;  // -M: taken as mosquitto's tools take it
};

void add_sub_options(CLI::App& app, SubOptions& o) {
  add_connection_options(app, o.connection);
  // One filter per option, as mosquitto_sub takes them: a second word is not a filter.
  app.add_option("-t,--topic", o.topics, "Topic filter to subscribe to; may be repeated.")
      ->allow_extra_args(false)
      ->each(utf8_argument("-t"));
  app.add_option("-T,--filter-out", o.filter_out, "Do not print topics matching this filter.")
      ->allow_extra_args(false)
      ->each(utf8_argument("-T"));
  app.add_option("-U,--unsubscribe", o.unsubscribe, "Unsubscribe from this filter.")
      ->allow_extra_args(false)
      ->each(utf8_argument("-U"));
  app.add_option("-q,--qos", o.qos, "Subscription QoS 0, 1 or 2 (default 0).");
  app.add_option("-C,--count", o.count, "Exit after this many messages.");
  app.add_flag("-E", o.exit_after_suback, "Exit once the subscriptions are acknowledged.");
  app.add_option("-F", o.output.format, "Output format (%t topic, %p payload, %j JSON, ...).");
  app.add_flag("-N", o.no_eol, "Do not print an end of line after each message.");
  app.add_flag("-R,--no-retained", o.no_retained, "Do not print retained messages.");
  app.add_flag("--retained-only", o.retained_only, "Print retained messages only, then exit.");
  app.add_flag("--remove-retained", o.remove_retained, "Clear the retained messages received.");
  app.add_flag("--retain-as-published", o.retain_as_published, "MQTT 5 retain-as-published.");
  app.add_flag("-v,--verbose", o.output.verbose, "Print the topic before the payload.");
  app.add_option("-W,--timeout", o.timeout, "Exit after this many seconds.");
  app.add_flag("--pretty", o.output.pretty, "Indented JSON for %j and %J.");
  app.add_option("-M", o.max_inflight, "Most QoS 1/2 messages of ours in flight (default 20).");
  app.add_option("--random-filter", o.print_percentage,
                 "Print only this percentage of the messages (0.1..100).");
}

void validate(SubOptions& o, const ConnectionPlan& plan) {
  if (!plan.url_topic.empty()) o.topics.push_back(plan.url_topic);
  if (o.topics.empty() && o.unsubscribe.empty())
    throw UsageError("You must specify a topic to subscribe to.");
  const auto check = [](const std::vector<std::string>& filters, const char* what) {
    for (const auto& filter : filters)
      if (!valid_filter(filter))
        throw UsageError(std::string("Invalid ") + what + " topic '" + filter +
                         "', are all '+' and '#' wildcards correct?");
  };
  check(o.topics, "subscription");
  check(o.filter_out, "filter");
  check(o.unsubscribe, "unsubscribe");
  parse_qos(o.qos);
  // mosquitto_sub's words; 0 is refused as well (it would mean "never" or "at once").
  if (o.count && *o.count < 1)
    throw UsageError("Invalid message count \"" + std::to_string(*o.count) + "\".");
  if (o.timeout && *o.timeout < 1)
    throw UsageError("Invalid timeout \"" + std::to_string(*o.timeout) + "\".");
  if (o.print_percentage < 0.1 || o.print_percentage > 100.0)
    throw UsageError("--random-filter must be between 0.1 and 100.");
  if (o.no_retained && o.retained_only)
    throw UsageError("-R and --retained-only cannot be used together.");
  if (o.retain_as_published && plan.config.session.protocol_version != ProtocolVersion::v5)
    throw UsageError("--retain-as-published needs MQTT v5: add -V 5.");
  if (const auto error = check_format(o.output.format.value_or("")); !error.empty())
    throw UsageError(error);
  o.output.end_of_line = !o.no_eol;
}

// State shared with the loop thread, guarded by the tool's lock.
class Subscriber {
 public:
  Subscriber(ToolClient& tool, const SubOptions& options, const ParsedProperties& properties)
      : tool_(tool), options_(options), properties_(properties) {
    tool_.handlers.on_connected = [this](const Connected& event) { on_connected(event); };
    tool_.handlers.on_subscribed = [this](const Subscribed& event) { on_subscribed(event); };
    tool_.handlers.on_message = [this](const MessageReceived& event) { on_message(event); };
    tool_.handlers.on_published = [this](const Published&) {
      if (removals_pending_ > 0) --removals_pending_;
    };
    tool_.on_packet = [this](const PacketTrace& packet) {
      if (auto text = output_.packet(packet)) show(*text);
    };
  }
  // The handlers above point at this object.
  ~Subscriber() { tool_.detach(); }
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  bool done() const { return (finished_ || denied_) && removals_pending_ == 0; }
  bool denied() const { return denied_; }

 private:
  // Subscribes on every connection, the first and each reconnect (as mosquitto_sub does).
  void on_connected(const Connected&) {
    std::vector<Subscription> subscriptions;
    for (const auto& topic : options_.topics)
      subscriptions.push_back({topic,
                               {.qos = static_cast<QoS>(options_.qos),
                                .retain_as_published = options_.retain_as_published}});
    if (!subscriptions.empty()) {
      const auto id = tool_.client().subscribe(subscriptions, properties_.subscribe);
      if (!id) tool_.report("Subscribe failed: " + id.error().message());
    }
    for (const auto& filter : options_.unsubscribe) {
      const auto id = tool_.client().unsubscribe(filter, properties_.unsubscribe);
      if (!id) tool_.report("Unsubscribe failed: " + id.error().message());
    }
    if (subscriptions.empty() && options_.exit_after_suback) finished_ = true;
  }

  void on_subscribed(const Subscribed& event) {
    std::string codes;
    bool any_granted = false;
    for (const auto reason : event.reasons) {
      codes += (codes.empty() ? "" : ", ") + std::to_string(static_cast<int>(reason));
      any_granted = any_granted || !is_failure(reason);
    }
    if (tool_.debug())
      std::printf("Subscribed (mid: %u): %s\n", static_cast<unsigned>(event.packet_id),
                  codes.c_str());
    if (!any_granted) {
      tool_.report("All subscription requests were denied.");
      denied_ = true;
    }
    if (options_.exit_after_suback) finished_ = true;
  }

  void on_message(const MessageReceived& event) {
    if (finished_) return;
    for (const auto& filter : options_.filter_out)
      if (topic_matches(filter, event.topic)) return;
    if (options_.remove_retained && event.retain && !event.payload.empty()) remove(event.topic);
    if (options_.retained_only && !event.retain) {
      finished_ = true;
      return;
    }
    if (options_.no_retained && event.retain) return;
    if (options_.print_percentage < 100.0 && chance_(random_) * 100.0 >= options_.print_percentage)
      return;
    if (auto text = output_.received(event, render(event))) show(*text);
  }

  // Prints a message whose acknowledgement (if any) is written; -C counts it then.
  void show(const std::string& text) {
    if (finished_) return;
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    if (options_.count && ++received_ >= *options_.count) finished_ = true;
  }

  void remove(std::string_view topic) {
    const auto id = tool_.client().enqueue(topic, "", {.qos = QoS::at_least_once, .retain = true});
    if (id) ++removals_pending_;
  }

  std::string render(const MessageReceived& event) {
    std::timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    std::string errors;
    auto text = render_message(options_.output, event, now, errors);
    if (!errors.empty() && !options_.connection.quiet) std::fputs(errors.c_str(), stderr);
    return text;
  }

  ToolClient& tool_;
  const SubOptions& options_;
  const ParsedProperties& properties_;
  std::mt19937 random_{std::random_device{}()};
  std::uniform_real_distribution<double> chance_{0.0, 1.0};
  AckedOutput output_;
  int received_ = 0;
  int removals_pending_ = 0;
  bool finished_ = false;
  bool denied_ = false;
};

int run_sub(SubOptions& o) {
  auto plan = make_plan(o.connection, "sub");
  validate(o, plan);
  plan.config.session.max_inflight = check_max_inflight(o.max_inflight);
  ToolClient tool(plan, o.connection, true);
  Subscriber subscriber(tool, o, plan.properties);
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (o.timeout) deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*o.timeout);
  if (const int code = tool.connect()) return code;
  const bool done = tool.wait([&] { return subscriber.done(); }, deadline);
  int code = kExitOk;
  if (subscriber.denied()) {
    code = kExitFailure;
  } else if (const auto loss = tool.loss()) {
    tool.report(loss->message);
    code = loss->exit_code;
  } else if (!done && !interrupted()) {
    if (!o.connection.quiet) std::fprintf(stderr, "Timed out\n");
    code = kExitTimedOut;
  }
  tool.disconnect();
  return code;
}

}  // namespace

void add_sub_command(CLI::App& parent, std::function<int()>& run) {
  auto* app = parent.add_subcommand("sub", "Subscribe and print messages (mosquitto_sub options).");
  auto options = std::make_shared<SubOptions>();
  add_sub_options(*app, *options);
  app->callback([&run, options] { run = [options] { return run_sub(*options); }; });
}

}  // namespace portmqtt::tools
