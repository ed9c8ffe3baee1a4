// `portmqtt rr`: mosquitto_rr on the portmqtt C++ API. Subscribes to the response topic, sends
// the request (MQTT 5: with that topic as its Response Topic), prints the first response and
// exits. Connects once; no reconnect.
#include <cstdio>

#include "acked_output.hpp"
#include "commands.hpp"
#include "payload.hpp"
#include "sub_format.hpp"
#include "tool_client.hpp"
#include "topics.hpp"

namespace portmqtt::tools {
namespace {

struct RrOptions {
  ConnectionOptions connection;
  std::string topic;
  std::string response_topic;
  std::optional<std::string> message;
  int messages_given = 0;  // -m, counted: a second one is refused as mosquitto's tools do
  std::string file;
  bool stdin_whole = false;
  bool null_message = false;
  int qos = 0;
  bool no_retained = false;
  std::optional<int> timeout;
  OutputOptions output;
  bool no_eol = false;
  int max_inflight = 20;  // -M: taken as mosquitto's tools take it
};

void add_rr_options(CLI::App& app, RrOptions& o) {
  o.connection.version = "5";  // mosquitto_rr's default: Response Topic needs MQTT 5
  add_connection_options(app, o.connection);
  app.add_option("-t,--topic", o.topic, "Topic the request is published to.")
      ->each(utf8_argument("-t"));
  app.add_option("-e,--response-topic", o.response_topic,
                 "Topic to subscribe to and wait for the response on.")
      ->each(utf8_argument("-e"));
  app.add_option("-m,--message", o.message, "Request payload.")->each([&o](const std::string&) {
    ++o.messages_given;
  });
  app.add_option("-f,--file", o.file, "Send the contents of this file as the request.");
  app.add_flag("-s,--stdin-file", o.stdin_whole, "Send all of stdin as the request.");
  app.add_flag("-n,--null-message", o.null_message, "Send a zero-length request.");
  app.add_option("-q,--qos", o.qos, "QoS of the request and the subscription (default 0).");
  app.add_flag("-R", o.no_retained, "Do not print a retained (stale) response.");
  app.add_option("-W,--timeout", o.timeout, "Give up after this many seconds.");
  app.add_option("-F", o.output.format, "Output format (%t topic, %p payload, %j JSON, ...).");
  app.add_flag("-N", o.no_eol, "Do not print an end of line after the response.");
  app.add_flag("-v,--verbose", o.output.verbose, "Print the topic before the payload.");
  app.add_flag("--pretty", o.output.pretty, "Indented JSON for %j and %J.");
  app.add_option("-M", o.max_inflight, "Most QoS 1/2 messages of ours in flight (default 20).");
}

std::string request_payload(const RrOptions& o) {
  const int sources =
      o.messages_given + int{!o.file.empty()} + int{o.stdin_whole} + int{o.null_message};
  if (sources > 1) throw UsageError("Only one type of message can be sent at once.");
  if (o.message) return *o.message;
  if (!o.file.empty()) return read_file_payload(o.file);
  if (o.stdin_whole) return read_stdin_payload();
  return {};
}

void validate(RrOptions& o, const ConnectionPlan& plan) {
  if (o.topic.empty()) o.topic = plan.url_topic;
  const bool has_message = o.message || !o.file.empty() || o.stdin_whole || o.null_message;
  if (o.topic.empty() || o.response_topic.empty() || !has_message)
    throw UsageError("All of topic, message, and response topic must be supplied.");
  if (!publishable_topic(o.topic))
    throw UsageError("Invalid publish topic '" + o.topic + "', does it contain '+' or '#'?");
  if (!publishable_topic(o.response_topic))
    throw UsageError("Invalid response topic '" + o.response_topic +
                     "', does it contain '+' or '#'?");
  parse_qos(o.qos);
  if (o.timeout && *o.timeout < 1)
    throw UsageError("Invalid timeout \"" + std::to_string(*o.timeout) + "\".");
  if (const auto error = check_format(o.output.format.value_or("")); !error.empty())
    throw UsageError(error);
  o.output.end_of_line = !o.no_eol;
}

// State shared with the loop thread, guarded by the tool's lock.
class Requester {
 public:
  Requester(ToolClient& tool, const RrOptions& options, std::string payload, Properties properties)
      : tool_(tool),
        options_(options),
        payload_(std::move(payload)),
        properties_(std::move(properties)) {
    tool_.handlers.on_connected = [this](const Connected&) { subscribe(); };
    tool_.handlers.on_subscribed = [this](const Subscribed& event) { on_subscribed(event); };
    tool_.handlers.on_published = [this](const Published& event) {
      request_pending_ = false;
      if (is_failure(event.reason)) {
        std::fprintf(stderr, "Warning: Publish %u failed: reason code %d.\n",
                     static_cast<unsigned>(event.packet_id), static_cast<int>(event.reason));
        failed_ = true;
      }
    };
    tool_.handlers.on_message = [this](const MessageReceived& event) { on_message(event); };
    tool_.on_packet = [this](const PacketTrace& packet) {
      if (auto text = output_.packet(packet)) show(*text);
    };
  }
  // The handlers above point at this object.
  ~Requester() { tool_.detach(); }
  Requester(const Requester&) = delete;
  Requester& operator=(const Requester&) = delete;

  bool done() const { return failed_ || (answered_ && !request_pending_); }
  bool failed() const { return failed_; }

 private:
  void subscribe() {
    const auto id =
        tool_.client().subscribe(options_.response_topic, {.qos = static_cast<QoS>(options_.qos)});
    if (!id) fail("Subscribe failed: " + id.error().message());
  }

  // The request goes out once the response topic is subscribed, so no response is missed.
  void on_subscribed(const Subscribed& event) {
    if (event.reasons.empty() || is_failure(event.reasons.front()))
      return fail("The subscription to the response topic was denied.");
    Properties properties = properties_;
    if (tool_.client().protocol_version() == ProtocolVersion::v5 &&
        !properties.find(PropertyId::response_topic))
      properties.add(PropertyId::response_topic, std::string_view{options_.response_topic});
    const auto qos = static_cast<QoS>(options_.qos);
    const auto id = tool_.client().enqueue(options_.topic, payload_, {.qos = qos}, properties);
    if (!id) return fail("Publish failed: " + id.error().message());
    request_pending_ = qos != QoS::at_most_once;
  }

  void on_message(const MessageReceived& event) {
    if (answered_ || event.topic != options_.response_topic) return;
    if (options_.no_retained && event.retain) return;
    std::timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    std::string errors;
    auto text = render_message(options_.output, event, now, errors);
    if (!errors.empty() && !options_.connection.quiet) std::fputs(errors.c_str(), stderr);
    if (auto ready = output_.received(event, std::move(text))) show(*ready);
  }

  void show(const std::string& text) {
    if (answered_) return;
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    answered_ = true;
  }

  void fail(const std::string& message) {
    tool_.report(message);
    failed_ = true;
  }

  ToolClient& tool_;
  const RrOptions& options_;
  std::string payload_;
  Properties properties_;
  AckedOutput output_;
  bool request_pending_ = false;
  bool answered_ = false;
  bool failed_ = false;
};

int run_rr(RrOptions& o) {
  auto plan = make_plan(o.connection, "rr");
  validate(o, plan);
  plan.config.session.max_inflight = check_max_inflight(o.max_inflight);
  auto payload = request_payload(o);
  ToolClient tool(plan, o.connection);
  Requester requester(tool, o, std::move(payload), plan.properties.publish);
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (o.timeout) deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*o.timeout);
  if (const int code = tool.connect()) return code;
  const bool done = tool.wait([&] { return requester.done(); }, deadline);
  int code = kExitOk;
  if (const auto loss = tool.loss()) {
    tool.report(loss->message);
    code = loss->exit_code;
  } else if (requester.failed()) {
    code = kExitFailure;
  } else if (!done && !interrupted()) {
    if (!o.connection.quiet) std::fprintf(stderr, "Timed out\n");
    code = kExitTimedOut;
  }
  if (!tool.loss()) tool.disconnect();
  return code;
}

}  // namespace

void add_rr_command(CLI::App& parent, std::function<int()>& run) {
  auto* app =
      parent.add_subcommand("rr", "Send a request and print the response (mosquitto_rr options).");
  auto options = std::make_shared<RrOptions>();
  add_rr_options(*app, *options);
  app->callback([&run, options] { run = [options] { return run_rr(*options); }; });
}

}  // namespace portmqtt::tools
