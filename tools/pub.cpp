// `portmqtt pub`: mosquitto_pub on the portmqtt C++ API. With -m, -f or -n it connects once and
// a refused or lost connection ends it with mosquitto_pub's message and exit code; with -l and
// -s it reconnects (as mosquitto_pub -l does) and nothing read is lost.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <thread>

#include "commands.hpp"
#include "payload.hpp"
#include "tool_client.hpp"
#include "topics.hpp"

namespace portmqtt::tools {
namespace {

// How long a failed publish waits for the Disconnected event that may explain it.
constexpr auto kLossGrace = std::chrono::milliseconds(200);

enum class Source { none, message, file, stdin_whole, stdin_lines, null_message };

struct PubOptions {
  ConnectionOptions connection;
  std::string topic;
  bool topic_given = false;  // -t, even an empty one
  std::optional<std::string> message;
  int messages_given = 0;  // -m, counted: a second one is refused as mosquitto's tools do
  std::string file;
  bool stdin_whole = false;
  bool stdin_lines = false;
  bool null_message = false;
  int qos = 0;
  bool retain = false;
  int max_inflight = 20;
  int repeat = 1;
  double repeat_delay = 0.0;
};

void add_pub_options(CLI::App& app, PubOptions& o) {
  add_connection_options(app, o.connection);
  app.add_option("-t,--topic", o.topic, "Topic to publish to.")
      ->each([&o, check = utf8_argument("-t")](const std::string& topic) {
        check(topic);
        o.topic_given = true;
      });
  app.add_option("-m,--message", o.message, "Message payload.")->each([&o](const std::string&) {
    ++o.messages_given;
  });
  app.add_option("-f,--file", o.file, "Send the contents of this file as the message.");
  app.add_flag("-s,--stdin-file", o.stdin_whole, "Send all of stdin as one message.");
  app.add_flag("-l,--stdin-line", o.stdin_lines, "Send each line of stdin as a message.");
  app.add_flag("-n,--null-message", o.null_message, "Send a zero-length message.");
  app.add_option("-q,--qos", o.qos, "QoS 0, 1 or 2 (default 0).");
  app.add_flag("-r,--retain", o.retain, "Retain the message.");
  app.add_option("-M", o.max_inflight, "Most QoS 1/2 messages in flight (default 20).");
  app.add_option("--repeat", o.repeat, "Publish the message this many times.");
  app.add_option("--repeat-delay", o.repeat_delay, "Seconds between repeats (default 0).");
}

Source pick_source(const PubOptions& o) {
  int chosen = 0;
  Source source = Source::none;
  const auto take = [&](bool given, Source kind) {
    if (!given) return;
    ++chosen;
    source = kind;
  };
  take(o.message.has_value(), Source::message);
  if (o.messages_given > 1) ++chosen;
  take(!o.file.empty(), Source::file);
  take(o.stdin_whole, Source::stdin_whole);
  take(o.stdin_lines, Source::stdin_lines);
  take(o.null_message, Source::null_message);
  if (chosen > 1) throw UsageError("Only one type of message can be sent at once.");
  return source;
}

void check_publish_topic(const std::string& topic) {
  if (topic.empty()) throw UsageError("Both topic and message must be supplied.");
  if (!publishable_topic(topic))
    throw UsageError("Invalid publish topic '" + topic + "', does it contain '+' or '#'?");
}

// Publishes and tracks completions; one instance per run.
class Publisher {
 public:
  /// `keep_offline`: -l and -s, whose QoS 0 messages wait for the next connection.
  Publisher(ToolClient& tool, const PubOptions& options, const Properties& properties,
            bool keep_offline)
      : tool_(tool), options_(options), properties_(properties), keep_offline_(keep_offline) {
    tool_.handlers.on_published = [this](const Published& event) { on_published(event); };
    tool_.handlers.on_deleted = [this](const Deleted& event) { on_deleted(event); };
    // A new connection has no topic aliases: the next message names its topic again.
    tool_.handlers.on_connected = [this](const Connected&) { alias_sent_ = false; };
    // QoS 0 messages that were in the socket's last write when it broke are gone (at most
    // once); those enqueued since wait in the outbox and are traced when written.
    tool_.handlers.on_disconnected = [this](const Disconnected&) {
      if (options_.qos == 0) unwritten_qos0_ = tool_.client().outbox_messages();
    };
    tool_.on_packet = [this](const PacketTrace& packet) {
      if (packet.direction == PacketDirection::sent && packet.type == PacketType::publish &&
          packet.qos == QoS::at_most_once && unwritten_qos0_ > 0)
        --unwritten_qos0_;
    };
  }
  // The handlers above point at this object.
  ~Publisher() { tool_.detach(); }
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Drops a topic alias the broker does not allow, so that it is never sent.
  void check_topic_alias() {
    const auto alias = properties_.number(PropertyId::topic_alias);
    if (!alias) return;
    const auto maximum = tool_.client().server().topic_alias_maximum;
    if (*alias >= 1 && *alias <= maximum) return;
    std::fprintf(stderr,
                 "Warning: topic alias %u is not allowed by the broker (Topic Alias Maximum %u); "
                 "sending the topic name instead.\n",
                 *alias, static_cast<unsigned>(maximum));
    properties_.erase(PropertyId::topic_alias);
  }

  // 0 on success, else the exit code (the error already printed).
  int publish(const std::string& payload) {
    const auto qos = static_cast<QoS>(options_.qos);
    if (qos != QoS::at_most_once) {
      const auto room = [this] {
        return in_flight_ < static_cast<std::size_t>(std::max(options_.max_inflight, 1));
      };
      tool_.wait(room);
      if (const int code = loss_code()) return code;
    }
    // After the first message with an alias, the alias alone names the topic.
    const bool alias_known = alias_sent_ && properties_.find(PropertyId::topic_alias);
    const std::string_view topic = alias_known ? std::string_view{} : options_.topic;
    // enqueue() never blocks, so the lock (which the loop's handlers need) is never held
    // while waiting for the socket; a full send queue is retried after a short pause.
    std::unique_lock lock(tool_.mutex());
    // While reconnecting, QoS 0 messages wait in the outbox like QoS 1/2 ones.
    const PublishOptions publish_options{
        .qos = qos, .retain = options_.retain, .store_when_offline = keep_offline_};
    auto id = tool_.client().enqueue(topic, payload, publish_options, properties_);
    while (!id && id.error() == errc::send_queue_full && !interrupted()) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      lock.lock();
      id = tool_.client().enqueue(topic, payload, publish_options, properties_);
    }
    if (!id) {
      lock.unlock();
      tool_.wait([] { return false; }, std::chrono::steady_clock::now() + kLossGrace);
      if (const int code = loss_code()) return code;  // the publish failed because of it
      tool_.report("Publish failed: " + id.error().message());
      return 1;
    }
    alias_sent_ = true;
    if (qos != QoS::at_most_once)
      ++in_flight_;
    else
      ++unwritten_qos0_;
    return 0;
  }

  // Waits for every QoS 1/2 completion and every QoS 0 write; 0 or an exit code.
  int finish() {
    tool_.wait([this] { return in_flight_ == 0 && unwritten_qos0_ == 0; });
    if (const int code = loss_code()) return code;
    if (interrupted()) return 0;
    return failed_ ? 1 : 0;
  }

 private:
  // Runs on the loop thread under the tool's lock.
  void on_published(const Published& event) {
    // As mosquitto_pub: a refusal is a warning naming the reason, and the run goes on (the
    // exit status stays 0; the message was answered, not lost).
    if (is_failure(event.reason)) {
      const std::string_view why = to_string(event.reason);
      std::fprintf(stderr, "Warning: Publish %u failed: %.*s.\n",
                   static_cast<unsigned>(event.packet_id), static_cast<int>(why.size()),
                   why.data());
    }
    if (in_flight_ > 0) --in_flight_;
  }

  // An outbox item dropped before it was acknowledged: said, never silent.
  void on_deleted(const Deleted& event) {
    std::fprintf(stderr, "Warning: Publish %u was dropped before it was acknowledged.\n",
                 static_cast<unsigned>(event.packet_id));
    failed_ = true;
    if (event.packet_id != 0 && in_flight_ > 0) --in_flight_;
  }

  int loss_code() {
    const auto loss = tool_.loss();
    if (!loss) return 0;
    tool_.report(loss->message);
    return loss->exit_code;
  }

  ToolClient& tool_;
  const PubOptions& options_;
  Properties properties_;
  std::size_t in_flight_ = 0;
  std::size_t unwritten_qos0_ = 0;  // QoS 0 messages handed over but not yet written
  const bool keep_offline_;
  bool alias_sent_ = false;
  bool failed_ = false;
};

int publish_all(Publisher& publisher, const PubOptions& o, Source source,
                const std::string& payload) {
  if (source == Source::stdin_lines) {
    std::string line;
    while (!interrupted() && std::getline(std::cin, line))
      if (const int code = publisher.publish(line)) return code;
    return 0;
  }
  for (int i = 0; i < o.repeat && !interrupted(); ++i) {
    if (i > 0 && o.repeat_delay > 0)
      std::this_thread::sleep_for(std::chrono::duration<double>(o.repeat_delay));
    if (const int code = publisher.publish(payload)) return code;
  }
  return 0;
}

// `-t ''`: mosquitto_pub connects, then fails the publish and ends without an error status
// (-l: with libmosquitto's "invalid arguments", 3). The broker never sees the message.
int refuse_empty_topic(ToolClient& tool, Source source) {
  if (const int code = tool.connect()) return code;
  const bool lines = source == Source::stdin_lines;
  std::fputs(lines ? "Error: Invalid function arguments provided.\n"
                   : "Error: Invalid input. Does your topic contain '+' or '#'?\n",
             stderr);
  tool.disconnect();
  return lines ? 3 : 0;
}

int run_pub(PubOptions& o) {
  auto plan = make_plan(o.connection, "pub");
  const bool empty_topic = o.topic_given && o.topic.empty() && plan.url_topic.empty();
  if (o.topic.empty()) o.topic = plan.url_topic;
  const Source source = pick_source(o);
  if ((o.topic.empty() && !empty_topic) || source == Source::none)
    throw UsageError("Both topic and message must be supplied.");
  if (!empty_topic) check_publish_topic(o.topic);
  parse_qos(o.qos);
  if (o.repeat < 1) throw UsageError("--repeat argument must be >0.");
  if (o.repeat_delay < 0) throw UsageError("--repeat-delay argument must be >=0.0.");
  plan.config.session.max_inflight = check_max_inflight(o.max_inflight);
  std::string payload;
  if (source == Source::message) payload = *o.message;
  if (source == Source::file) payload = read_file_payload(o.file);
  if (source == Source::stdin_whole) payload = read_stdin_payload();

  // -l and -s read from a stream that may outlive a broker restart: they reconnect, keep what
  // they read until it is sent, and never expire it.
  const bool survives = source == Source::stdin_lines || source == Source::stdin_whole;
  if (survives) plan.config.outbox.expiry = Milliseconds{0};
  ToolClient tool(plan, o.connection, survives);
  if (empty_topic) return refuse_empty_topic(tool, source);
  Publisher publisher(tool, o, plan.properties.publish, survives);
  if (const int code = tool.connect()) return code;
  if (interrupted()) return 0;
  publisher.check_topic_alias();
  int code = publish_all(publisher, o, source, payload);
  if (code == 0) code = publisher.finish();
  if (!tool.loss()) tool.disconnect();
  return code;
}

}  // namespace

void add_pub_command(CLI::App& parent, std::function<int()>& run) {
  auto* app = parent.add_subcommand("pub", "Publish messages (mosquitto_pub options).");
  auto options = std::make_shared<PubOptions>();
  add_pub_options(*app, *options);
  app->callback([&run, options] { run = [options] { return run_pub(*options); }; });
}

}  // namespace portmqtt::tools
