#include "options.hpp"

#include "proxy_url.hpp"
#include "topics.hpp"
#include "url.hpp"
#include "usage_words.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

namespace portmqtt::tools {
namespace {

enum class ValueKind { byte, u16, u32, varint, text, binary, pair };

struct PropertySpec {
  const char* name;
  PropertyId id;
  ValueKind kind;
  const char* commands;  // space separated, each word a -D command that may carry it
};

// The identifiers mosquitto's -D accepts, with the packets MQTT 5 allows them on.
constexpr PropertySpec kPropertySpecs[] = {
    {"payload-format-indicator", PropertyId::payload_format_indicator, ValueKind::byte,
     " publish will "},
    {"message-expiry-interval", PropertyId::message_expiry_interval, ValueKind::u32,
     " publish will "},
    {"content-type", PropertyId::content_type, ValueKind::text, " publish will "},
    {"response-topic", PropertyId::response_topic, ValueKind::text, " publish will "},
    {"correlation-data", PropertyId::correlation_data, ValueKind::binary, " publish will "},
    {"subscription-identifier", PropertyId::subscription_identifier, ValueKind::varint,
     " subscribe "},
    {"session-expiry-interval", PropertyId::session_expiry_interval, ValueKind::u32,
     " connect disconnect "},
    {"authentication-method", PropertyId::authentication_method, ValueKind::text, " connect "},
    {"authentication-data", PropertyId::authentication_data, ValueKind::binary, " connect "},
    {"request-problem-information", PropertyId::request_problem_information, ValueKind::byte,
     " connect "},
    {"will-delay-interval", PropertyId::will_delay_interval, ValueKind::u32, " will "},
    {"request-response-information", PropertyId::request_response_information, ValueKind::byte,
     " connect "},
    {"reason-string", PropertyId::reason_string, ValueKind::text, " disconnect "},
    {"receive-maximum", PropertyId::receive_maximum, ValueKind::u16, " connect "},
    {"topic-alias-maximum", PropertyId::topic_alias_maximum, ValueKind::u16, " connect "},
    {"topic-alias", PropertyId::topic_alias, ValueKind::u16, " publish "},
    {"user-property", PropertyId::user_property, ValueKind::pair,
     " connect publish subscribe unsubscribe disconnect will "},
    {"maximum-packet-size", PropertyId::maximum_packet_size, ValueKind::u32, " connect "},
};

const PropertySpec* find_spec(const std::string& name) {
  for (const auto& spec : kPropertySpecs)
    if (name == spec.name) return &spec;
  return nullptr;
}

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::uint64_t parse_unsigned(const std::string& text, std::uint64_t max, const std::string& what) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value > max)
    throw UsageError("Property value (" + text + ") out of range for property " + what + ".");
  return value;
}

Properties* target_of(ParsedProperties& parsed, const std::string& command) {
  if (command == "connect") return &parsed.connect;
  if (command == "publish") return &parsed.publish;
  if (command == "subscribe") return &parsed.subscribe;
  if (command == "unsubscribe") return &parsed.unsubscribe;
  if (command == "disconnect") return &parsed.disconnect;
  if (command == "will") return &parsed.will;
  return nullptr;
}

void add_property(ParsedProperties& parsed, const std::vector<std::string>& group) {
  // mosquitto's words for each mistake, in the order its tools check them.
  constexpr const char* kTooFew = "--property argument given but not enough arguments specified.";
  if (group.size() < 3) throw UsageError(kTooFew);
  const auto command = lower(group[0]);
  const auto& name = group[1];
  Properties* target = target_of(parsed, command);
  if (target == nullptr) throw UsageError("Invalid command given in --property argument.");
  const PropertySpec* spec = find_spec(lower(name));
  if (spec == nullptr) throw UsageError("Invalid property name given in --property argument.");
  if (std::string_view{spec->commands}.find(" " + command + " ") == std::string_view::npos)
    throw UsageError(lower(name) + " property not allowed for " + command +
                     " in --property argument.");
  const std::size_t wanted = spec->kind == ValueKind::pair ? 4 : 3;
  if (group.size() < wanted) throw UsageError(kTooFew);
  if (group.size() > wanted)
    throw UsageError("-D " + command + " " + name + " takes " + std::to_string(wanted - 2) +
                     " value(s).");
  const std::string what = lower(name);
  switch (spec->kind) {
    case ValueKind::byte:
      target->add(spec->id, static_cast<std::uint32_t>(parse_unsigned(group[2], 255, what)));
      break;
    case ValueKind::u16:
      target->add(spec->id, static_cast<std::uint32_t>(parse_unsigned(group[2], 65535, what)));
      break;
    case ValueKind::u32:
      target->add(spec->id,
                  static_cast<std::uint32_t>(parse_unsigned(group[2], 4294967295U, what)));
      break;
    case ValueKind::varint:
      target->add(spec->id, static_cast<std::uint32_t>(parse_unsigned(group[2], 268435455, what)));
      break;
    case ValueKind::text:
    case ValueKind::binary:
      target->add(spec->id, std::string_view{group[2]});
      break;
    case ValueKind::pair:
      target->add_user_property(group[2], group[3]);
      break;
  }
}

ProtocolVersion parse_version(const std::string& text) {
  if (text == "mqttv31" || text == "31") return ProtocolVersion::v3_1;
  if (text == "mqttv311" || text == "311") return ProtocolVersion::v3_1_1;
  if (text == "mqttv5" || text == "5") return ProtocolVersion::v5;
  throw UsageError("Invalid protocol version argument given.");
}

// A TLS file (--cafile, --cert, --key) read now, so that a missing one is refused before
// connecting, as mosquitto's tools do: in their words, without the usage hint.
std::string read_tls_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("Problem setting TLS options: File not found.", false);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// As in mosquitto's tools, a CA, the system's CAs or a pre-shared key turn TLS on; a client
// certificate alone does not.
bool wants_tls(const TlsOptions& tls) {
  return !tls.cafile.empty() || !tls.capath.empty() || !tls.psk.empty() || tls.use_os_certs;
}

// The TLS flags that do not fit together, refused in mosquitto's words whether or not TLS is on.
void check_tls_flags(const TlsOptions& tls) {
  if (tls.cert.empty() != tls.key.empty())
    throw UsageError("Both certfile and keyfile must be provided if one of them is set.");
  if (!tls.keyform.empty() && tls.key.empty())
    throw UsageError("If keyform is set, keyfile must be also specified.");
  if (!tls.psk.empty() && (!tls.cafile.empty() || !tls.capath.empty()))
    throw UsageError("Only one of --psk or --cafile/--capath may be used at once.");
  if (!tls.psk.empty() && tls.psk_identity.empty())
    throw UsageError("--psk-identity required if --psk used.");
}

std::string hex_to_bytes(const std::string& hex) {
  // mosquitto's words for a key that is not hexadecimal digits, without the usage hint.
  if (hex.size() % 2 != 0 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw UsageError("Problem setting TLS-PSK options.", false);
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

TlsVersion parse_tls_version(const std::string& text) {
  if (text == "tlsv1.2") return TlsVersion::tls1_2;
  if (text == "tlsv1.3") return TlsVersion::tls1_3;
  throw UsageError("Invalid --tls-version '" + text +
                   "': use tlsv1.2 or tlsv1.3 (older versions are not available).");
}

// mosquitto's TLS flags in TlsConfig terms. --insecure, as in mosquitto, skips the host name
// check only; the chain is still verified.
void map_tls(const TlsOptions& tls, TlsConfig& config) {
  if (!tls.keyform.empty() && lower(tls.keyform) != "pem")
    throw UsageError("--keyform engine is not available: use a PEM key file.");
  if (!tls.cafile.empty()) {
    read_tls_file(tls.cafile);
    config.ca_file = tls.cafile;
  }
  config.ca_directory = tls.capath;
  config.use_system_trust_store = tls.use_os_certs;
  if (!tls.cert.empty()) config.client_certificate = read_tls_file(tls.cert);
  if (!tls.key.empty()) config.client_key = read_tls_file(tls.key);
  config.skip_hostname_check = tls.insecure;
  if (!tls.alpn.empty()) config.alpn.push_back(tls.alpn);
  if (!tls.psk.empty())
    config.psk = TlsPsk{.identity = tls.psk_identity, .key = hex_to_bytes(tls.psk)};
  config.ciphers_tls12 = tls.ciphers;
  // As in mosquitto, the version named is the lowest one accepted.
  if (!tls.tls_version.empty()) config.min_version = parse_tls_version(tls.tls_version);
}

std::string random_client_id(const std::string& tool) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string id = "portmqtt_" + tool + "_";
  for (int i = 0; i < 10; ++i)
    id.push_back(kAlphabet[pick(device)]);
  return id;
}

// -x in seconds, refused in mosquitto's words.
std::uint32_t parse_session_expiry(const std::string& text) {
  long long value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::invalid_argument || ptr != end)
    throw UsageError("session-expiry-interval not a number.");
  if (ec != std::errc{} || value < 0 || value > 4294967295LL)
    throw UsageError("session-expiry-interval out of range.");
  return static_cast<std::uint32_t>(value);
}

void apply_session(const ConnectionOptions& options, ConnectionPlan& plan) {
  auto& session = plan.config.session;
  const bool v5 = session.protocol_version == ProtocolVersion::v5;
  // mosquitto's tools refuse 0..4 as well (no keep-alive is not offered).
  if (options.keepalive < 5 || options.keepalive > 65535)
    throw UsageError("Invalid keepalive given, it must be between 5 and 65535 inclusive.");
  session.keep_alive = Seconds{options.keepalive};
  session.clean_session = !options.persistent;
  // The tools subscribe on every CONNACK themselves, as mosquitto_sub does.
  session.resubscribe_on_session_lost = false;
  std::optional<std::uint32_t> expiry;
  if (options.session_expiry) {
    const auto& text = *options.session_expiry;
    const bool never =
        text == "-1" || text == "\u221e";  // mosquitto accepts -1 and the infinity sign
    expiry = never ? 4294967295U : parse_session_expiry(text);
    // mosquitto's tools take -x on every version and send it only on MQTT 5; we say so.
    if (!v5) {
      if (!options.quiet)
        std::fprintf(stderr,
                     "Warning: -x (session expiry) is sent only with MQTT v5 (-V 5); ignored.\n");
      expiry.reset();
    }
  } else if (v5 && options.persistent) {
    expiry = 4294967295U;  // -c without -x: the session never expires (mosquitto)
  }
  session.connect_properties = plan.properties.connect;
  if (expiry && !session.connect_properties.find(PropertyId::session_expiry_interval))
    session.connect_properties.add(PropertyId::session_expiry_interval, *expiry);
}

void apply_will(const ConnectionOptions& options, ConnectionPlan& plan) {
  const auto& will = options.will;
  if (will.qos < 0 || will.qos > 2)
    throw UsageError("Invalid will QoS " + std::to_string(will.qos) + ".");  // mosquitto's words
  const auto qos = static_cast<QoS>(will.qos);
  if (will.topic.empty()) {
    // As mosquitto's tools: a will QoS alone is no will and no mistake.
    if (!will.payload.empty()) throw UsageError("Will payload given, but no will topic given.");
    if (will.retain) throw UsageError("Will retain given, but no will topic given.");
    return;
  }
  if (!publishable_topic(will.topic))
    throw UsageError("Invalid will topic '" + will.topic + "', does it contain '+' or '#'?");
  plan.config.session.last_will = Message{.topic = will.topic,
                                          .payload = will.payload,
                                          .qos = qos,
                                          .retain = will.retain,
                                          .properties = plan.properties.will};
}

void apply_identity(const ConnectionOptions& options, const std::string& tool,
                    ConnectionPlan& plan) {
  if (!options.client_id.empty() && !options.id_prefix.empty())
    throw UsageError("-i and -I argument cannot be used together.");
  auto& credentials = plan.config.credentials;
  if (!options.client_id.empty())
    credentials.client_id = options.client_id;
  else if (!options.id_prefix.empty())
    credentials.client_id = options.id_prefix + std::to_string(getpid());
  else if (plan.config.session.protocol_version != ProtocolVersion::v5)
    credentials.client_id = random_client_id(tool);
  // mosquitto's tools want -i itself: a generated id (-I) could not find the session again.
  // bench's clients each have their own -I id ("dev-%i"), which does.
  const bool prefix_is_enough = tool == "bench" && !options.id_prefix.empty();
  if (options.persistent && options.client_id.empty() && !prefix_is_enough)
    throw UsageError(plan.config.session.protocol_version == ProtocolVersion::v5
                         ? "You must provide a client id if you are using an infinite session "
                           "expiry interval."
                         : "You must provide a client id if you are using the -c option.");
  if (credentials.client_id.size() > 65535) throw UsageError("Client id is too long.");
  if (!credentials.username) credentials.username = options.username;
  if (!credentials.password) credentials.password = options.password;
  if (credentials.password && !credentials.username &&
      plan.config.session.protocol_version != ProtocolVersion::v5)
    // MQTT 3.1.1 sends a password only after a user name; mosquitto's words, no hint.
    throw UsageError("Problem setting username and/or password.", false);
  plan.client_id = credentials.client_id.empty() ? "(null)" : credentials.client_id;
}

// -A takes an IP address, as mosquitto's does (it binds before connecting).
void check_bind_address(const std::string& address) {
  in6_addr buffer{};
  if (inet_pton(AF_INET, address.c_str(), &buffer) == 1 ||
      inet_pton(AF_INET6, address.c_str(), &buffer) == 1)
    return;
  throw UsageError("-A needs a local IP address (e.g. 127.0.0.2 or ::1), not '" + address + "'.");
}

// One broker of the -h / -L list, before it becomes part of the configuration.
struct BrokerEntry {
  TransportKind transport = TransportKind::tcp;
  std::string host;
  int port = 0;  // 0: the transport's default
  std::optional<std::string> username, password;
};

// The brokers in the order given: every -L, or else every -h (localhost when none). A single
// one is exactly mosquitto's -h or -L; -p and the TLS options apply to each of them.
std::vector<BrokerEntry> broker_entries(const ConnectionOptions& options, ConnectionPlan& plan) {
  std::vector<BrokerEntry> entries;
  for (const auto& url : options.urls) {
    auto parts = parse_url(url);
    if (entries.empty())
      plan.url_topic = parts.topic;
    else if (parts.topic != plan.url_topic)
      throw UsageError("Every -L of a broker list must name the same topic ('" + plan.url_topic +
                       "' and '" + parts.topic + "').");
    entries.push_back({parts.transport, parts.host, parts.port, parts.username, parts.password});
  }
  if (entries.empty())
    for (const auto& host : options.hosts)
      entries.push_back({.host = host});
  if (entries.empty()) entries.push_back({.host = "localhost"});
  for (auto& entry : entries) {
    if (entry.host.empty()) throw UsageError("-h needs a host name.");
    if (wants_tls(options.tls) && entry.transport == TransportKind::tcp)
      entry.transport = TransportKind::tls;
    if (wants_tls(options.tls) && entry.transport == TransportKind::websocket)
      entry.transport = TransportKind::websocket_secure;
    const bool from_url = !options.urls.empty();
    if (options.port && !(from_url && options.port_before_url)) entry.port = *options.port;
  }
  return entries;
}

void apply_proxy(const ConnectionOptions& options, ConnectionPlan& plan) {
  if (options.proxy.empty()) return;
  if (!options.unix_path.empty()) throw UsageError("--proxy and --unix cannot be used together.");
  plan.config.network.proxy = proxy_uri(parse_proxy_url(options.proxy));
}

void apply_broker(const ConnectionOptions& options, ConnectionPlan& plan) {
  auto& broker = plan.config.broker;
  if (!options.bind_address.empty()) {
    check_bind_address(options.bind_address);
    plan.config.network.bind_address = options.bind_address;
  }
  if (options.port && (*options.port < 1 || *options.port > 65535))
    throw UsageError("Invalid port given: " + std::to_string(*options.port));
  apply_proxy(options, plan);
  if (!options.unix_path.empty()) {
    if (!options.urls.empty()) throw UsageError("--unix and -L cannot be used together.");
    if (options.hosts.size() > 1)
      throw UsageError("--unix and a list of -h cannot be used together.");
    if (wants_tls(options.tls))
      throw UsageError("--unix connects without TLS: leave out the TLS options.");
    broker.transport = TransportKind::unix_socket;
    broker.path = options.unix_path;
    return;
  }
  const auto entries = broker_entries(options, plan);
  const auto& first = entries.front();
  broker.transport = first.transport;
  broker.host = first.host;
  broker.port = static_cast<std::uint16_t>(first.port);
  if (!options.urls.empty()) {
    plan.config.credentials.username = first.username;
    plan.config.credentials.password = first.password;
  }
  bool any_tls = broker.transport != TransportKind::tcp;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    broker.failover_uris.push_back(
        broker_uri(entry.transport, entry.host, entry.port, entry.username, entry.password));
    any_tls = any_tls || entry.transport != TransportKind::tcp;
  }
  plan.broker_count = entries.size();
  if (any_tls) map_tls(options.tls, plan.config.tls);
}

}  // namespace

QoS parse_qos(int value) {
  if (value < 0 || value > 2) throw UsageError("Invalid QoS given: " + std::to_string(value));
  return static_cast<QoS>(value);
}

std::function<void(const std::string&)> utf8_argument(const char* flag) {
  return [flag](const std::string& text) {
    // With the empty line mosquitto's tools print after it.
    if (!mosquitto_accepts_utf8(text))
      throw UsageError(std::string("Malformed UTF-8 in ") + flag + " argument.\n");
  };
}

std::uint16_t check_max_inflight(int value) {
  if (value < 1) throw UsageError("Maximum inflight messages must be greater than 0.");
  return static_cast<std::uint16_t>(std::min(value, 65535));
}

void add_connection_options(CLI::App& app, ConnectionOptions& o) {
  app.set_help_flag("--help", "Print this help and exit.");
  take_last_of_repeated_options(app);
  app.add_option("-h,--host", o.hosts,
                 "Broker host (default localhost). Repeat for a broker list tried in order "
                 "(failover).")
      ->allow_extra_args(false);
  app.add_option("-p,--port", o.port,
                 "Broker port (default 1883, or 8883 with TLS), for every -h and -L.");
  app.add_option("-L,--url", o.urls,
                 "scheme://[user[:pass]@]host[:port]/topic (mqtt, mqtts, ws, wss). Repeat for a "
                 "broker list (same topic); -h is then ignored.")
      ->allow_extra_args(false);
  app.add_option("-i,--id", o.client_id,
                 "Client id (default: generated; MQTT 5: assigned by the broker).")
      ->each([&app](const std::string& id) {
        // mosquitto's tools refuse an empty id in these words, without the usage hint.
        if (!id.empty()) return;
        throw UsageError(
            app.get_name() == "pub" ? "Invalid id." : "Invalid id and/or clean_session.", false);
      });
  app.add_option("-I,--id-prefix", o.id_prefix, "Client id prefix; the process id is appended.");
  app.add_option("-u,--username", o.username, "User name.");
  app.add_option("-P,--pw", o.password, "Password.");
  app.add_option("-k,--keepalive", o.keepalive, "Keep-alive in seconds (default 60).");
  app.add_option("-V,--protocol-version", o.version,
                 "mqttv5 (5), mqttv311 (311, default) or mqttv31 (31).");
  app.add_flag("-c,--disable-clean-session", o.persistent, "Persistent session (needs -i or -I).");
  app.add_option("-x,--session-expiry-interval", o.session_expiry,
                 "MQTT 5 session expiry, seconds; -1: never.");
  app.add_option("-D,--property", o.properties,
                 "MQTT 5 property: -D command identifier value [value].")
      ->expected(3, 4)
      ->allow_extra_args()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);  // every -D group counts
  app.add_option("--will-topic", o.will.topic, "Topic of the will.")
      ->each(utf8_argument("--will-topic"));
  app.add_option("--will-payload", o.will.payload, "Payload of the will.");
  app.add_option("--will-qos", o.will.qos, "QoS of the will.");
  app.add_flag("--will-retain", o.will.retain, "Retain the will.");
  app.add_option("--cafile", o.tls.cafile, "Trusted CA certificates (PEM); enables TLS.");
  app.add_option("--capath", o.tls.capath, "Directory of trusted CA certificates.");
  app.add_option("--cert", o.tls.cert, "Client certificate (PEM).");
  app.add_option("--key", o.tls.key, "Client private key (PEM).");
  app.add_option("--keyform", o.tls.keyform, "Key format: pem.");
  app.add_option("--tls-version", o.tls.tls_version, "TLS version.");
  app.add_option("--tls-alpn", o.tls.alpn, "ALPN protocol.");
  app.add_flag("--tls-use-os-certs", o.tls.use_os_certs, "Trust the system CA certificates.");
  app.add_flag("--insecure", o.tls.insecure,
               "Do not check the broker's host name (the chain is still verified).");
  app.add_option("--psk", o.tls.psk, "TLS pre-shared key, hex.");
  app.add_option("--psk-identity", o.tls.psk_identity, "TLS-PSK identity.");
  app.add_option("--ciphers", o.tls.ciphers, "OpenSSL cipher list.");
  app.add_option("-A", o.bind_address, "Local address to bind to.");
  app.add_flag("--nodelay", o.nodelay, "Disable Nagle's algorithm (always on in portmqtt).");
  app.add_option("--unix", o.unix_path, "Unix socket path of the broker.");
  app.add_option("--proxy", o.proxy,
                 "Proxy: socks5h://[user[:pass]@]host[:port] (SOCKS5, port 1080, the proxy "
                 "resolves the broker), socks5:// (resolved here) or http:// (HTTP CONNECT, "
                 "port 8080).");
  app.add_flag("-d,--debug", o.debug, "Print the packets sent and received.");
  app.add_flag("--quiet", o.quiet, "Do not print errors at run time.");
  app.parse_complete_callback([&app, &o] {
    const auto& order = app.parse_order();
    const auto last = [&order](const char* name) {
      for (auto i = order.size(); i-- > 0;)
        if (order[i]->check_name(name)) return static_cast<std::ptrdiff_t>(i);
      return std::ptrdiff_t{-1};
    };
    o.port_before_url = last("-p") < last("-L");
  });
}

ConnectionPlan make_plan(const ConnectionOptions& options, const std::string& tool) {
  ConnectionPlan plan;
  plan.config.session.protocol_version = parse_version(options.version);
  const bool v5 = plan.config.session.protocol_version == ProtocolVersion::v5;
  // mosquitto's tools check -D on every version and send it only on MQTT 5; we say so.
  for (const auto& group : options.properties)
    add_property(plan.properties, group);
  if (!options.properties.empty() && !v5) {
    if (!options.quiet)
      std::fprintf(stderr, "Warning: -D properties are sent only with MQTT v5 (-V 5); ignored.\n");
    plan.properties = {};
  }
  check_tls_flags(options.tls);
  apply_broker(options, plan);
  apply_session(options, plan);
  apply_will(options, plan);
  apply_identity(options, tool, plan);
  plan.config.network.reconnect.enabled = false;
  return plan;
}

}  // namespace portmqtt::tools
