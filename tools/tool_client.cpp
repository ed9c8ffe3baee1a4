#include "tool_client.hpp"

#include <csignal>
#include <cstdio>
#include <string_view>

namespace portmqtt::tools {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int) {
  g_interrupted = 1;
}

// Text and v3 return code of the refusals 3.1.1 can express (ReasonCode maps them to v5 codes).
struct V3Refusal {
  ReasonCode reason;
  int return_code;
  const char* text;
};
constexpr V3Refusal kV3Refusals[] = {
    {ReasonCode::unsupported_protocol_version, 1, "unacceptable protocol version"},
    {ReasonCode::client_identifier_not_valid, 2, "identifier rejected"},
    {ReasonCode::server_unavailable, 3, "broker unavailable"},
    {ReasonCode::bad_user_name_or_password, 4, "bad user name or password"},
    {ReasonCode::not_authorized, 5, "not authorised"},
};

std::string v5_reason_text(ReasonCode reason) {
  switch (reason) {
    case ReasonCode::unsupported_protocol_version:
      return "Unsupported protocol version";
    case ReasonCode::client_identifier_not_valid:
      return "Client identifier not valid";
    case ReasonCode::bad_user_name_or_password:
      return "Bad username or password";
    case ReasonCode::not_authorized:
      return "Not authorized";
    case ReasonCode::server_unavailable:
      return "Server unavailable";
    case ReasonCode::server_busy:
      return "Server busy";
    case ReasonCode::banned:
      return "Banned";
    case ReasonCode::bad_authentication_method:
      return "Bad authentication method";
    case ReasonCode::quota_exceeded:
      return "Quota exceeded";
    case ReasonCode::packet_too_large:
      return "Packet too large";
    case ReasonCode::use_another_server:
      return "Use another server";
    case ReasonCode::server_moved:
      return "Server moved";
    case ReasonCode::connection_rate_exceeded:
      return "Connection rate exceeded";
    default:
      return "Unspecified error (reason code " + std::to_string(static_cast<int>(reason)) + ")";
  }
}

std::string describe_error(const std::error_code& error) {
  if (error.category() == std::system_category() || error.category() == std::generic_category())
    return error.message();
  auto text = error.message();
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

bool interrupted() {
  return g_interrupted != 0;
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

std::string describe_refusal(ReasonCode reason, ProtocolVersion version) {
  if (version != ProtocolVersion::v5)
    for (const auto& refusal : kV3Refusals)
      if (refusal.reason == reason) return std::string("Connection Refused: ") + refusal.text + ".";
  return v5_reason_text(reason);
}

int refusal_exit_code(ReasonCode reason, ProtocolVersion version) {
  if (version != ProtocolVersion::v5)
    for (const auto& refusal : kV3Refusals)
      if (refusal.reason == reason) return refusal.return_code;
  return static_cast<int>(reason);
}

namespace {

Config traced_config(const ConnectionPlan& plan, bool reconnect,
                     std::function<void(const PacketTrace&)> trace) {
  Config config = plan.config;
  config.packet_trace = std::move(trace);
  config.network.reconnect.enabled = reconnect;
  config.network.reconnect.interval = std::chrono::seconds(1);
  config.network.reconnect.exponential_backoff = false;
  return config;
}

// A malformed or protocol-breaking packet from the broker, which mosquitto's tools do not
// retry (they exit with MOSQ_ERR_PROTOCOL).
bool is_protocol_violation(const std::optional<Error>& error) {
  return error && error->kind == ErrorKind::protocol &&
         (error->error == errc::malformed_packet || error->error == errc::protocol_error);
}

// The proxy refused our credentials or wanted some ("portmqtt.proxy" category, code 3:
// authentication failed), which mosquitto's tools report as MOSQ_ERR_AUTH.
bool is_proxy_authentication_failure(const std::error_code& error) {
  return std::string_view{error.category().name()} == "portmqtt.proxy" && error.value() == 3;
}

}  // namespace

ToolClient::ToolClient(const ConnectionPlan& plan, const ConnectionOptions& options, bool reconnect)
    : id_(plan.client_id),
      debug_(options.debug),
      quiet_(options.quiet),
      version_(plan.config.session.protocol_version),
      reconnects_(reconnect),
      disconnect_properties_(plan.properties.disconnect),
      client_(std::make_unique<Client>(
          traced_config(plan, reconnect, [this](const PacketTrace& p) { trace(p); }))),
      broker_count_(plan.broker_count) {}

ToolClient::~ToolClient() {
  detach();
  client_.reset();
}

void ToolClient::detach() {
  std::lock_guard lock(mutex_);
  detached_ = true;
}

void ToolClient::report(const std::string& message) const {
  if (!quiet_) std::fprintf(stderr, "Error: %s\n", message.c_str());
}

void ToolClient::debug_line(const std::string& line) const {
  // mosquitto's tools print their debug lines on stdout.
  if (!debug_) return;
  std::printf("Client %s %s\n", id_.c_str(), line.c_str());
  std::fflush(stdout);
}

void ToolClient::trace(const PacketTrace& packet) {
  {
    std::lock_guard lock(mutex_);
    if (packet.type == PacketType::connack && packet.direction == PacketDirection::received)
      if (const auto assigned = packet.properties.text(PropertyId::assigned_client_identifier))
        id_ = std::string(*assigned);
    print_packet(packet);
    if (on_packet && !detached_) on_packet(packet);
  }
  changed_.notify_all();
}

// The -d lines of libmosquitto, word for word.
void ToolClient::print_packet(const PacketTrace& p) {
  if (!debug_) return;
  const bool sent = p.direction == PacketDirection::sent;
  const std::string verb = sent ? "sending " : "received ";
  const auto mid = std::to_string(p.packet_id);
  const auto rc = std::to_string(static_cast<int>(p.reason));
  switch (p.type) {
    case PacketType::connack: {
      const int code = p.reason == ReasonCode::success ? 0 : refusal_exit_code(p.reason, version_);
      return debug_line(verb + "CONNACK (" + std::to_string(code) + ")");
    }
    case PacketType::publish:
      return debug_line(verb + "PUBLISH (d" + std::to_string(p.dup) + ", q" +
                        std::to_string(static_cast<int>(p.qos)) + ", r" + std::to_string(p.retain) +
                        ", m" + mid + ", '" + std::string(p.topic) + "', ... (" +
                        std::to_string(p.payload_size) + " bytes))");
    case PacketType::puback:
      return debug_line(sent ? "sending PUBACK (m" + mid + ", rc" + rc + ")"
                             : "received PUBACK (Mid: " + mid + ", RC:" + rc + ")");
    case PacketType::pubrec:
      return debug_line(sent ? "sending PUBREC (m" + mid + ", rc" + rc + ")"
                             : "received PUBREC (Mid: " + mid + ")");
    case PacketType::pubrel:
      return debug_line(sent ? "sending PUBREL (m" + mid + ")"
                             : "received PUBREL (Mid: " + mid + ")");
    case PacketType::pubcomp:
      return debug_line(sent ? "sending PUBCOMP (m" + mid + ")"
                             : "received PUBCOMP (Mid: " + mid + ", RC:" + rc + ")");
    case PacketType::subscribe:
      for (const auto& f : p.filters) {
        char options[8];
        std::snprintf(options, sizeof options, "0x%02x", f.options & 0xFCU);
        debug_line("sending SUBSCRIBE (Mid: " + mid + ", Topic: " + std::string(f.filter) +
                   ", QoS: " + std::to_string(f.options & 0x03U) + ", Options: " + options + ")");
      }
      return;
    case PacketType::unsubscribe:
      for (const auto& f : p.filters)
        debug_line("sending UNSUBSCRIBE (Mid: " + mid + ", Topic: " + std::string(f.filter) + ")");
      return;
    case PacketType::disconnect:
      if (sent) return debug_line("sending DISCONNECT");
      return debug_line("received DISCONNECT (" + rc + ")");
    default:
      return debug_line(verb + std::string(to_string(p.type)));
  }
}

void ToolClient::record_loss(const Disconnected& event) {
  std::lock_guard lock(mutex_);
  if (!event.was_connected) return;
  ConnectionLoss loss;
  if (is_protocol_violation(last_error_)) {
    loss.exit_code = kExitProtocol;
    loss.message = "A network protocol error occurred when communicating with the broker (" +
                   describe_error(last_error_->error) + ").";
  } else if (reconnects_) {
    return;  // the client reconnects, silently as mosquitto's tools do (-d shows it)
  } else if (event.server_reason) {
    loss.message = "The broker disconnected: " + v5_reason_text(*event.server_reason);
    if (const auto reason = event.properties.text(PropertyId::reason_string))
      loss.message += " (" + std::string(*reason) + ")";
    loss.exit_code = static_cast<int>(*event.server_reason);
  } else {
    loss.message = "The connection was lost (" + describe_error(event.error) + ").";
  }
  loss_ = loss;
}

// Only a list says which broker each attempt goes to: a single broker prints what
// mosquitto's -d prints.
void ToolClient::on_attempt(const BeforeConnect& event) {
  std::lock_guard lock(mutex_);
  attempt_index_ = event.broker_index;
  attempt_redirected_ = event.redirected;
  last_error_.reset();  // what failed belongs to this attempt
  if (broker_count_ < 2) return;
  std::string line = "connecting to " + std::string(event.broker) + " (broker " +
                     std::to_string(event.broker_index + 1) + " of " +
                     std::to_string(broker_count_);
  debug_line(line + (event.redirected ? ", redirected)" : ")"));
}

void ToolClient::on_attempt_failed(const Disconnected& event) {
  std::lock_guard lock(mutex_);
  if (broker_count_ > 1 && !event.was_connected) {
    std::string cause = last_error_ ? describe_error(last_error_->error) : "no CONNACK";
    if (last_error_ && last_error_->kind == ErrorKind::connection_refused)
      cause = describe_refusal(last_error_->connect_reason, version_);
    debug_line("connection to " + std::string(event.broker) + " failed: " + cause);
  }
  // A broker that sent us elsewhere, or a server it named, has not failed as a list entry.
  if (!event.was_connected && event.redirect.empty() && !attempt_redirected_)
    failed_brokers_.insert(attempt_index_);
  const bool fatal = last_error_ && last_error_->fatal;  // the client stopped
  if (event.was_connected || fatal || failed_brokers_.size() >= broker_count_)
    finished_attempt_ = true;
}

void ToolClient::install_handlers() {
  Handlers wrapped = handlers;
  wrapped.on_before_connect = [this](const BeforeConnect& event) { on_attempt(event); };
  const auto tool_connected = handlers.on_connected;
  wrapped.on_connected = [this, tool_connected](const Connected& event) {
    std::lock_guard lock(mutex_);
    if (event.assigned_client_id.size() > 0) id_ = std::string(event.assigned_client_id);
    connected_ = true;
    finished_attempt_ = true;
    if (tool_connected && !detached_) tool_connected(event);
  };
  wrapped.on_error = [this](const Error& event) {
    std::lock_guard lock(mutex_);
    last_error_ = event;
  };
  const auto tool_disconnected = handlers.on_disconnected;
  wrapped.on_disconnected = [this, tool_disconnected](const Disconnected& event) {
    record_loss(event);
    on_attempt_failed(event);
    std::lock_guard lock(mutex_);
    if (tool_disconnected && !detached_) tool_disconnected(event);
  };
  // Every event wakes the main thread, after the tool's own handler ran under the lock.
  const auto notify = [this](auto&& handler) {
    return [this, handler](const auto& event) {
      {
        std::lock_guard lock(mutex_);
        if (handler && !detached_) handler(event);
      }
      changed_.notify_all();
    };
  };
  const auto notify_only = [this](auto&& handler) {
    return [this, handler](const auto& event) {
      handler(event);
      changed_.notify_all();
    };
  };
  wrapped.on_connected = notify_only(wrapped.on_connected);
  wrapped.on_disconnected = notify_only(wrapped.on_disconnected);
  wrapped.on_published = notify(handlers.on_published);
  wrapped.on_subscribed = notify(handlers.on_subscribed);
  wrapped.on_unsubscribed = notify(handlers.on_unsubscribed);
  wrapped.on_message = notify(handlers.on_message);
  wrapped.on_deleted = notify(handlers.on_deleted);
  client_->set_handlers(std::move(wrapped));
}

int ToolClient::connect() {
  install_handlers();
  if (auto error = client_->start()) {
    if (error == errc::unsupported_transport)
      report(
          "This transport is not available in this build of portmqtt; use mqtt:// (or "
          "mqtts:// when TLS is built in).");
    else
      report(describe_error(error));
    return kExitFailure;
  }
  std::unique_lock lock(mutex_);
  while (!finished_attempt_ && !interrupted())
    changed_.wait_for(lock, std::chrono::milliseconds(100));
  if (connected_) return kExitOk;
  if (interrupted()) return kExitOk;
  const auto error = last_error_.value_or(Error{});
  lock.unlock();
  if (error.kind == ErrorKind::connection_refused) {
    if (!quiet_)
      std::fprintf(stderr, "Connection error: %s\n",
                   describe_refusal(error.connect_reason, version_).c_str());
    return refusal_exit_code(error.connect_reason, version_);
  }
  if (error.error == errc::tls_configuration_invalid) {
    // A CA file, certificate, key or cipher list OpenSSL refuses: mosquitto's tools fail
    // before connecting, in these words and with status 1 (a failed handshake is 8).
    if (!quiet_) std::fputs("Unable to connect (A TLS error occurred.).\n", stderr);
    return kExitFailure;
  }
  if (error.error == errc::host_not_found) {
    // mosquitto's tools name every failed lookup (no such name, no address, DNS down) so.
    if (!quiet_) std::fputs("Unable to connect (Lookup error.).\n", stderr);
    return kExitFailure;
  }
  report(describe_error(error.error));
  if (error.kind == ErrorKind::tls) return kExitTls;
  if (is_proxy_authentication_failure(error.error)) return kExitAuth;
  if (is_protocol_violation(error)) return kExitProtocol;
  return kExitFailure;
}

bool ToolClient::wait(const std::function<bool()>& done,
                      std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::unique_lock lock(mutex_);
  while (!done() && !loss_ && !interrupted()) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    if (deadline && *deadline < until) until = *deadline;
    changed_.wait_until(lock, until);
    if (deadline && std::chrono::steady_clock::now() >= *deadline) break;
  }
  return done();
}

std::optional<ConnectionLoss> ToolClient::loss() const {
  std::lock_guard lock(mutex_);
  return loss_;
}

void ToolClient::disconnect() {
  client_->stop(discard, ReasonCode::normal_disconnection, disconnect_properties_);
}

}  // namespace portmqtt::tools
