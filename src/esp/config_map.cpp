#include "esp/config_map.hpp"

#include <net/if.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "esp_log.h"
#include "portmqtt/error.hpp"
#include "portmqtt/uri.hpp"

namespace portmqtt::esp {
namespace {

constexpr const char* kTag = "mqtt_client";

// ESP-IDF's esp_transport defaults for a keep-alive field left at 0.
constexpr int kTcpKeepAliveIdleS = 5;
constexpr int kTcpKeepAliveIntervalS = 5;
constexpr int kTcpKeepAliveCount = 3;

void set_if_given(const char* value, std::optional<std::string>& field) {
  if (value != nullptr) field = value;
}

bool is_tls_scheme(std::string_view scheme) {
  return scheme == "mqtts" || scheme == "wss";
}

esp_err_t validate(const esp_mqtt_client_config_t& in) {
  if (in.broker.address.port > 65535) {
    ESP_LOGE(kTag, "port %u is out of range", static_cast<unsigned>(in.broker.address.port));
    return ESP_ERR_INVALID_ARG;
  }
  if (in.broker.address.transport < MQTT_TRANSPORT_UNKNOWN ||
      in.broker.address.transport > MQTT_TRANSPORT_OVER_WSS) {
    ESP_LOGE(kTag, "unknown transport %d", static_cast<int>(in.broker.address.transport));
    return ESP_ERR_INVALID_ARG;
  }
  if (in.session.protocol_ver < MQTT_PROTOCOL_UNDEFINED ||
      in.session.protocol_ver > MQTT_PROTOCOL_V_5) {
    ESP_LOGE(kTag, "unknown protocol version %d", static_cast<int>(in.session.protocol_ver));
    return ESP_ERR_INVALID_ARG;
  }
  if (in.session.last_will.qos < 0 || in.session.last_will.qos > 2 || in.session.keepalive < 0) {
    ESP_LOGE(kTag, "last will QoS or keepalive out of range");
    return ESP_ERR_INVALID_ARG;
  }
  if (const char* option = hardware_key_option(in)) {
    ESP_LOGE(kTag, "credentials.authentication.%s: %s (ESP hardware keys do not exist on Linux)",
             option, make_error_code(errc::not_supported_on_platform).message().c_str());
    return ESP_ERR_NOT_SUPPORTED;
  }
  if (in.network.transport != nullptr) {
    // There is no way to build an esp_transport_handle_t on Linux; a non-NULL one cannot be
    // used, and silently ignoring it would connect somewhere the application did not ask for.
    ESP_LOGE(kTag, "a custom transport (network.transport) is not supported on Linux");
    return ESP_ERR_INVALID_ARG;
  }
  return ESP_OK;
}

void apply_broker(const esp_mqtt_client_config_t& in, Settings& s) {
  const auto& address = in.broker.address;
  if (address.port != 0) s.port = address.port;
  set_if_given(address.hostname, s.host);
  set_if_given(address.path, s.path);
  set_if_given(address.uri, s.uri);
  if (address.transport != MQTT_TRANSPORT_UNKNOWN) s.transport = address.transport;
}

void apply_credentials(const esp_mqtt_client_config_t& in, Settings& s) {
  const auto& cred = in.credentials;
  set_if_given(cred.username, s.username);
  set_if_given(cred.authentication.password, s.password);
  // set_null_client_id leaves the id alone: empty if none was ever set (ESP-MQTT).
  if (!cred.set_null_client_id) {
    if (cred.client_id != nullptr) {
      s.client_id = cred.client_id;
    } else if (!s.client_id) {
      s.client_id = default_client_id();
    }
  }
  if (cred.authentication.key_password != nullptr && cred.authentication.key_password_len > 0) {
    s.key_password = std::string(cred.authentication.key_password,
                                 static_cast<std::size_t>(cred.authentication.key_password_len));
  }
}

void apply_session(const esp_mqtt_client_config_t& in, Settings& s) {
  const auto& session = in.session;
  set_if_given(session.last_will.topic, s.will_topic);
  if (session.last_will.msg != nullptr) {
    s.will_message = session.last_will.msg_len > 0
                         ? std::string(session.last_will.msg,
                                       static_cast<std::size_t>(session.last_will.msg_len))
                         : std::string(session.last_will.msg);
  }
  if (session.last_will.qos != 0) s.will_qos = session.last_will.qos;
  if (session.last_will.retain != 0) s.will_retain = true;
  s.clean_session = !session.disable_clean_session;
  if (session.keepalive != 0) s.keepalive_s = session.keepalive;
  if (s.keepalive_s == 0) s.keepalive_s = kDefaultKeepAliveS;
  if (session.disable_keepalive) s.keepalive_s = 0;
  if (session.protocol_ver != MQTT_PROTOCOL_UNDEFINED) s.protocol = session.protocol_ver;
  if (s.protocol == MQTT_PROTOCOL_UNDEFINED) s.protocol = MQTT_PROTOCOL_V_3_1_1;
  s.retransmit_timeout_ms = session.message_retransmit_timeout > 0
                                ? session.message_retransmit_timeout
                                : kDefaultRetransmitMs;
}

void apply_network(const esp_mqtt_client_config_t& in, Settings& s) {
  const auto& net = in.network;
  s.network_timeout_ms = net.timeout_ms > 0 ? net.timeout_ms : kDefaultNetworkTimeoutMs;
  if (net.refresh_connection_after_ms != 0)
    s.refresh_connection_after_ms = net.refresh_connection_after_ms;
  s.auto_reconnect = !net.disable_auto_reconnect;
  s.reconnect_timeout_ms =
      net.reconnect_timeout_ms > 0 ? net.reconnect_timeout_ms : kDefaultReconnectMs;
  if (net.tcp_keep_alive_cfg.keep_alive_enable) s.tcp_keep_alive = net.tcp_keep_alive_cfg;
  if (net.if_name != nullptr) {
    s.interface_name.assign(net.if_name->ifr_name, strnlen(net.if_name->ifr_name, IFNAMSIZ));
  }
  s.task_priority = in.task.priority > 0 ? in.task.priority : 0;
  s.task_stack = in.task.stack_size > 0 ? in.task.stack_size : kDefaultTaskStack;
  s.buffer_size = in.buffer.size > 0 ? in.buffer.size : 0;
  s.outbox_limit = in.outbox.limit;
}

void apply_tls(const esp_mqtt_client_config_t& in, Settings& s) {
  s.tls.assign(read_tls_settings(in), is_unset);
  const auto& verify = in.broker.verification;
  if (verify.alpn_protos != nullptr) {
    s.alpn.clear();
    for (const char** p = verify.alpn_protos; *p != nullptr; ++p)
      s.alpn.emplace_back(*p);
  }
}

// esp_mqtt_check_cfg_conflict(): TLS options need a TLS scheme; a URI excludes a transport.
esp_err_t check_conflicts(const esp_mqtt_client_config_t& in, const Settings& s) {
  const TlsSettings& tls = s.tls.get();
  bool tls_configured = tls.use_global_ca_store || tls.ca_certificate || tls.client_certificate ||
                        tls.psk || !s.alpn.empty();
  esp_err_t result = ESP_OK;
  if (tls_configured && !is_tls_scheme(scheme_of(s))) {
    ESP_LOGW(kTag, "TLS options are set, but the scheme %s has no TLS", scheme_of(s).c_str());
    result = ESP_ERR_INVALID_ARG;
  }
  if (s.uri && in.broker.address.transport != MQTT_TRANSPORT_UNKNOWN) {
    ESP_LOGW(kTag, "transport %d is set together with a URI", in.broker.address.transport);
    result = ESP_ERR_INVALID_ARG;
  }
  return result;
}

Properties to_properties(const UserProperties& users) {
  Properties props;
  for (const auto& [key, value] : users)
    props.add_user_property(key, value);
  return props;
}

Properties connect_properties(const ConnectProperties& c) {
  Properties props = to_properties(c.user_properties);
  if (c.session_expiry_interval != 0)
    props.add(PropertyId::session_expiry_interval, c.session_expiry_interval);
  if (c.receive_maximum != 0) props.add(PropertyId::receive_maximum, c.receive_maximum);
  if (c.topic_alias_maximum != 0) props.add(PropertyId::topic_alias_maximum, c.topic_alias_maximum);
  if (c.request_response_info) props.add(PropertyId::request_response_information, 1U);
  if (c.request_problem_info) props.add(PropertyId::request_problem_information, 1U);
  return props;
}

Properties will_properties(const ConnectProperties& c) {
  Properties props = to_properties(c.will_user_properties);
  if (c.will_delay_interval != 0) props.add(PropertyId::will_delay_interval, c.will_delay_interval);
  if (c.will_message_expiry_interval != 0)
    props.add(PropertyId::message_expiry_interval, c.will_message_expiry_interval);
  if (c.will_payload_is_utf8) props.add(PropertyId::payload_format_indicator, 1U);
  if (c.will_content_type) props.add(PropertyId::content_type, *c.will_content_type);
  if (c.will_response_topic) props.add(PropertyId::response_topic, *c.will_response_topic);
  if (c.will_correlation_data) props.add(PropertyId::correlation_data, *c.will_correlation_data);
  return props;
}

TransportKind to_transport_kind(esp_mqtt_transport_t transport) {
  switch (transport) {
    case MQTT_TRANSPORT_OVER_SSL:
      return TransportKind::tls;
    case MQTT_TRANSPORT_OVER_WS:
      return TransportKind::websocket;
    case MQTT_TRANSPORT_OVER_WSS:
      return TransportKind::websocket_secure;
    default:
      return TransportKind::tcp;
  }
}

std::uint16_t default_port_for(std::string_view scheme, const esp_mqtt_client_ext_config_t& ext) {
  if (scheme == "mqtt") return ext.tcp_default_port;
  if (scheme == "mqtts") return ext.ssl_default_port;
  if (scheme == "ws") return ext.ws_default_port;
  if (scheme == "wss") return ext.wss_default_port;
  return 0;
}

// ESP-MQTT takes the path from the URI only when the URI has one; otherwise
// broker.address.path stays in force. portmqtt reads the path from the URI alone, so the
// configured path is written into a URI without one (before its fragment, if any).
std::string uri_with_path(const std::string& uri, const std::optional<std::string>& path) {
  UriParts parts;
  if (!path || path->empty() || parse_uri(uri, parts, {}) || !parts.path.empty()) return uri;
  const std::size_t fragment = std::min(uri.find('#'), uri.size());
  return uri.substr(0, fragment) + ((*path)[0] == '/' ? "" : "/") + *path + uri.substr(fragment);
}

BrokerConfig broker_config(const Settings& s, const esp_mqtt_client_ext_config_t& ext) {
  BrokerConfig broker;
  const std::string scheme = scheme_of(s);
  const bool websocket = scheme == "ws" || scheme == "wss";
  broker.uri = s.uri ? (websocket ? uri_with_path(*s.uri, s.path) : *s.uri) : "";
  broker.host = s.host.value_or("");
  broker.port = static_cast<std::uint16_t>(s.port);
  // The Kconfig-style default port stands in for a port neither the URI nor the
  // configuration gives (portmqtt uses broker.port exactly then).
  if (broker.port == 0) broker.port = default_port_for(scheme, ext);
  broker.transport = to_transport_kind(s.transport);
  broker.path = s.path.value_or("");
  for (const char* const* uri = ext.broker_uris; uri != nullptr && *uri != nullptr; ++uri)
    broker.failover_uris.emplace_back(*uri);
  broker.shuffle = ext.shuffle_broker_uris;
  broker.redirect.follow = ext.follow_server_redirects;
  return broker;
}

SessionConfig session_config(const Settings& s) {
  SessionConfig session;
  session.protocol_version = to_protocol_version(s.protocol);
  session.clean_session = s.clean_session;
  session.keep_alive = Seconds{s.keepalive_s};
  if (s.will_topic) {
    Message will{*s.will_topic, s.will_message, static_cast<QoS>(s.will_qos), s.will_retain, {}};
    if (session.protocol_version == ProtocolVersion::v5)
      will.properties = will_properties(s.connect_properties.get());
    session.last_will = std::move(will);
  }
  if (session.protocol_version == ProtocolVersion::v5)
    session.connect_properties = connect_properties(s.connect_properties.get());
  session.retransmit_interval = Milliseconds{s.retransmit_timeout_ms};
  return session;
}

NetworkConfig network_config(const Settings& s, const esp_mqtt_client_ext_config_t& ext) {
  NetworkConfig net;
  net.timeout = Milliseconds{s.network_timeout_ms};
  net.reconnect.enabled = s.auto_reconnect;
  // ESP-MQTT retries a refused CONNECT like any other failure, wrong password included.
  net.reconnect.retry_after_fatal_refusal = true;
  net.reconnect.interval = Milliseconds{s.reconnect_timeout_ms};
  net.reconnect.exponential_backoff = false;  // ESP-MQTT: a fixed interval unless asked
  if (ext.reconnect_backoff.max_ms > 0) {
    net.reconnect.exponential_backoff = true;
    net.reconnect.multiplier = 2.0;
    net.reconnect.max_interval =
        Milliseconds{std::max(ext.reconnect_backoff.max_ms, s.reconnect_timeout_ms)};
  }
  net.reconnect.jitter = ext.reconnect_backoff.jitter_percent / 100.0;
  net.refresh_connection_after = Milliseconds{s.refresh_connection_after_ms};
  const esp_transport_keep_alive_t& ka = s.tcp_keep_alive;
  net.tcp_keep_alive.enabled = ka.keep_alive_enable;
  net.tcp_keep_alive.idle =
      Seconds{ka.keep_alive_idle > 0 ? ka.keep_alive_idle : kTcpKeepAliveIdleS};
  net.tcp_keep_alive.interval =
      Seconds{ka.keep_alive_interval > 0 ? ka.keep_alive_interval : kTcpKeepAliveIntervalS};
  net.tcp_keep_alive.count = ka.keep_alive_count > 0 ? ka.keep_alive_count : kTcpKeepAliveCount;
  net.interface_name = s.interface_name;
  return net;
}

}  // namespace

esp_err_t apply_config(const esp_mqtt_client_config_t& in, Settings& settings) {
  if (esp_err_t err = validate(in); err != ESP_OK) return err;
  apply_broker(in, settings);
  apply_credentials(in, settings);
  apply_session(in, settings);
  apply_network(in, settings);
  apply_tls(in, settings);
  return check_conflicts(in, settings);
}

Config to_config(const Settings& s, const esp_mqtt_client_ext_config_t& ext) {
  Config config;
  config.broker = broker_config(s, ext);
  config.credentials.client_id = s.client_id.value_or("");
  config.credentials.username = s.username;
  config.credentials.password = s.password;
  config.session = session_config(s);
  config.session.max_inflight = ext.max_inflight;
  config.session.auto_topic_aliases = ext.auto_topic_aliases;
  config.session.resubscribe_on_session_lost = ext.resubscribe_on_session_lost;
  // ESP-MQTT's CONNECT carries no Request Response Information; the application asks for it
  // in its mqtt5 connect properties when it wants it.
  config.request_response.request_response_information = false;
  config.network = network_config(s, ext);
  if (ext.proxy_uri != nullptr) config.network.proxy = ext.proxy_uri;
  config.network.tcp_user_timeout = Milliseconds{ext.tcp_user_timeout_ms};

  int buffer = s.buffer_size > 0             ? s.buffer_size
               : ext.default_buffer_size > 0 ? ext.default_buffer_size
                                             : kDefaultBufferSize;
  // buffer.size is what an ESP application sees: the most payload bytes one DATA event
  // carries. How much one read asks the socket for is not visible to it, so reads may grow to
  // portmqtt's default: a 1 KiB limit made a busy subscriber read (and dispatch) 4 times as
  // often. An idle connection holds no receive buffer either way.
  config.buffer.receive_size =
      std::max(static_cast<std::size_t>(buffer), BufferConfig{}.receive_size);
  config.buffer.fragment_size = static_cast<std::size_t>(buffer);
  if (s.connect_properties.get().maximum_packet_size != 0)  // else portmqtt's bounded default
    config.buffer.max_packet_size = s.connect_properties.get().maximum_packet_size;

  config.outbox.limit_bytes = static_cast<std::size_t>(s.outbox_limit);
  config.outbox.limit_messages = ext.outbox_message_limit;
  // ESP-MQTT's contract: publish() returns the msg_id of the message at once, and a full
  // outbox is -2 at once. Ids run out only with 65,535 messages waiting: publish() then waits
  // for one up to the network timeout, enqueue() returns -2.
  config.outbox.packet_id_on_accept = true;
  config.outbox.wait_when_full = false;
  int expiry = ext.outbox_expired_timeout_ms == 0 ? kDefaultOutboxExpiryMs
                                                  : std::max(ext.outbox_expired_timeout_ms, 0);
  config.outbox.expiry = Milliseconds{expiry};
  // Through the ESP API a returned message id is a stored message: per-message durability
  // unless group commit is asked for.
  if (ext.outbox_store_path != nullptr) config.outbox.store_path = ext.outbox_store_path;
  config.outbox.store_durability =
      ext.outbox_store_group_commit_ms > 0 ? StoreDurability::group : StoreDurability::per_message;
  if (ext.outbox_store_group_commit_ms > 0)
    config.outbox.group_commit_interval = Milliseconds{ext.outbox_store_group_commit_ms};
  config.outbox.store_start_fresh = ext.outbox_store_start_fresh;

  config.task.stack_size = static_cast<std::size_t>(s.task_stack);
  config.task.priority = s.task_priority;
  config.tls = to_tls_config(s.tls.get(), s.alpn, s.key_password, is_tls_scheme(scheme_of(s)));
  return config;
}

std::string scheme_of(const Settings& settings) {
  if (settings.uri) {
    // Any scheme: ESP-MQTT accepts an unknown one until connect time. A URI that cannot be
    // read has none.
    UriParts parts;
    return parse_uri(*settings.uri, parts, {}) ? std::string{} : parts.scheme;
  }
  switch (settings.transport) {
    case MQTT_TRANSPORT_OVER_SSL:
      return "mqtts";
    case MQTT_TRANSPORT_OVER_WS:
      return "ws";
    case MQTT_TRANSPORT_OVER_WSS:
      return "wss";
    default:
      return "mqtt";
  }
}

std::string default_client_id() {
  // ESP-MQTT's id is per device; on Linux every process of a host would share it and the
  // broker would keep dropping one for the other. The process id tells processes running at
  // the same time apart, and a count tells the clients of one process apart. 23 characters at
  // most, the MQTT 3.1 limit: "ESP32_" + 6 + "_" + up to 7 + "_" + up to 2 hex digits.
  static std::atomic<unsigned> clients{0};
  const unsigned nth = clients.fetch_add(1);
  std::array<char, 24> suffix{};
  if (nth == 0) {
    std::snprintf(suffix.data(), suffix.size(), "_%x", static_cast<unsigned>(::getpid()));
  } else {
    std::snprintf(suffix.data(), suffix.size(), "_%x_%x", static_cast<unsigned>(::getpid()),
                  nth & 0xFFU);
  }
  return device_client_id() + suffix.data();
}

std::string device_client_id() {
  std::vector<std::filesystem::path> interfaces;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net", ec))
    interfaces.push_back(entry.path());
  std::sort(interfaces.begin(), interfaces.end());
  for (const auto& dir : interfaces) {
    if (dir.filename() == "lo") continue;
    std::ifstream file(dir / "address");
    std::string text;
    std::array<unsigned, 6> mac{};
    if (!std::getline(file, text) || std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &mac[0],
                                                 &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) != 6)
      continue;
    if (std::all_of(mac.begin(), mac.end(), [](unsigned b) { return b == 0; })) continue;
    std::array<char, 16> id{};
    std::snprintf(id.data(), id.size(), "ESP32_%02x%02X%02X", mac[3] & 0xFFU, mac[4] & 0xFFU,
                  mac[5] & 0xFFU);
    return id.data();
  }
  return "esp_mqtt_client_id";
}

ProtocolVersion to_protocol_version(esp_mqtt_protocol_ver_t version) {
  switch (version) {
    case MQTT_PROTOCOL_V_3_1:
      return ProtocolVersion::v3_1;
    case MQTT_PROTOCOL_V_5:
      return ProtocolVersion::v5;
    default:
      return ProtocolVersion::v3_1_1;
  }
}

esp_mqtt_protocol_ver_t to_esp_protocol(ProtocolVersion version) {
  switch (version) {
    case ProtocolVersion::v3_1:
      return MQTT_PROTOCOL_V_3_1;
    case ProtocolVersion::v5:
      return MQTT_PROTOCOL_V_5;
    case ProtocolVersion::v3_1_1:
      break;
  }
  return MQTT_PROTOCOL_V_3_1_1;
}

esp_err_t validate_ext_config(const esp_mqtt_client_ext_config_t& ext) {
  bool ok = ext.event_queue_size >= 0 && ext.poll_read_timeout_ms >= 0 &&
            ext.default_buffer_size >= 0 && ext.reconnect_backoff.max_ms >= 0 &&
            ext.reconnect_backoff.jitter_percent >= 0 &&
            ext.reconnect_backoff.jitter_percent <= 100 && ext.outbox_store_group_commit_ms >= 0 &&
            ext.tcp_user_timeout_ms >= 0;
  return ok ? ESP_OK : ESP_ERR_INVALID_ARG;
}

}  // namespace portmqtt::esp
