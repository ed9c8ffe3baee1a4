// esp_mqtt_client_config_t -> portmqtt::Config, with ESP-MQTT's defaults and its rules for
// applying a configuration again (esp_mqtt_set_config(): some fields fall back to their
// default when zero, others keep their previous value).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "esp/on_demand.hpp"
#include "esp/tls_map.hpp"
#include "mqtt_client.h"
#include "portmqtt/config.hpp"

namespace portmqtt::esp {

/// ESP-MQTT's built-in defaults (mqtt_config.h and Kconfig).
inline constexpr int kDefaultKeepAliveS = 120;
inline constexpr int kDefaultNetworkTimeoutMs = 10'000;
inline constexpr int kDefaultReconnectMs = 10'000;
inline constexpr int kDefaultRetransmitMs = 1'000;
inline constexpr int kDefaultBufferSize = 1024;
inline constexpr int kDefaultOutboxExpiryMs = 30'000;
inline constexpr int kDefaultTaskPriority = 5;
inline constexpr int kDefaultTaskStack = 6144;
inline constexpr int kDefaultEventQueueSize = 1;

using UserProperties = std::vector<std::pair<std::string, std::string>>;

/// MQTT 5 CONNECT and will properties, merged call after call by
/// esp_mqtt5_client_set_connect_property() (a zero field keeps the previous value).
/// Default-made: none set.
struct ConnectProperties {
  std::uint32_t session_expiry_interval = 0;
  std::uint32_t maximum_packet_size = 0;
  std::uint16_t receive_maximum = 0;
  std::uint16_t topic_alias_maximum = 0;
  bool request_response_info = false;
  bool request_problem_info = false;
  UserProperties user_properties;
  std::uint32_t will_delay_interval = 0;
  std::uint32_t will_message_expiry_interval = 0;
  bool will_payload_is_utf8 = false;
  std::optional<std::string> will_content_type;
  std::optional<std::string> will_response_topic;
  std::optional<std::string> will_correlation_data;
  UserProperties will_user_properties;
};

/// What esp_mqtt5_client_set_disconnect_property() stored for the next DISCONNECT.
struct DisconnectProperties {
  std::uint32_t session_expiry_interval = 0;
  /// Sent even when 0 (esp_mqtt5_client_set_disconnect_session_expiry()).
  bool session_expiry_explicit = false;
  std::uint8_t reason = 0;
  UserProperties user_properties;
};

/// The configuration as ESP-MQTT keeps it between esp_mqtt_set_config() calls.
struct Settings {
  // Kept when a later configuration leaves them zero / NULL ("sticky").
  std::optional<std::string> uri;
  std::optional<std::string> host;
  std::optional<std::string> path;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> client_id;  // absent: empty id (set_null_client_id)
  std::uint32_t port = 0;
  esp_mqtt_transport_t transport = MQTT_TRANSPORT_UNKNOWN;
  std::optional<std::string> will_topic;
  std::string will_message;
  int will_qos = 0;
  bool will_retain = false;
  int keepalive_s = 0;  // after apply_config: 0 means disabled
  esp_mqtt_protocol_ver_t protocol = MQTT_PROTOCOL_UNDEFINED;
  int refresh_connection_after_ms = 0;
  esp_transport_keep_alive_t tcp_keep_alive{};
  std::string interface_name;
  std::vector<std::string> alpn;
  std::optional<std::string> key_password;
  // Back to their defaults when zero.
  bool clean_session = true;
  int task_priority = 0;  // 0: not given (portmqtt then leaves scheduling alone)
  int task_stack = kDefaultTaskStack;
  int network_timeout_ms = kDefaultNetworkTimeoutMs;
  bool auto_reconnect = true;
  int reconnect_timeout_ms = kDefaultReconnectMs;
  int retransmit_timeout_ms = kDefaultRetransmitMs;
  int buffer_size = 0;  // 0: the extended option's default buffer size
  std::uint64_t outbox_limit = 0;
  // The TLS and MQTT 5 parts (about 0.5 KiB together) are held only when set: most clients
  // use neither.
  OnDemand<TlsSettings> tls;
  // MQTT 5, set through mqtt5_client.h.
  OnDemand<ConnectProperties> connect_properties;
};

/// Applies `in` over `settings` as esp_mqtt_set_config() does.
/// Returns ESP_OK; ESP_ERR_INVALID_ARG when uri is combined with address.transport, TLS options
/// are given for a scheme without TLS, a custom transport is given, or a value is out of
/// range. The settings are applied also when a conflict is reported (ESP-MQTT does the same).
/// ESP_ERR_NOT_SUPPORTED, with nothing applied, when an ESP hardware-key option is set
/// (secure element, DS peripheral, ECDSA peripheral): connecting without the key would
/// present no client certificate at all.
esp_err_t apply_config(const esp_mqtt_client_config_t& in, Settings& settings);

/// The portmqtt configuration these settings and extended options describe.
Config to_config(const Settings& settings, const esp_mqtt_client_ext_config_t& ext);

/// Lower-case scheme in force: the URI's when there is one (empty when the URI cannot be
/// read, see portmqtt::parse_uri), else the transport's ("mqtt").
std::string scheme_of(const Settings& settings);

/// The default client id: device_client_id(), "_" and this process's id in hex, and for the
/// second and later clients of the process "_" and their number in hex
/// ("ESP32_a1B2C3_4d2", "ESP32_a1B2C3_4d2_1"). Unique among the processes of a host (of one
/// PID namespace). Each call counts one more client.
std::string default_client_id();
/// ESP-MQTT's device id: "ESP32_" and the last three bytes of the host's first non-loopback
/// MAC address as "%02x%02X%02X"; "esp_mqtt_client_id" without one.
std::string device_client_id();

/// ESP's protocol enum -> portmqtt's (UNDEFINED is 3.1.1).
ProtocolVersion to_protocol_version(esp_mqtt_protocol_ver_t version);
/// portmqtt's protocol version -> ESP's enum.
esp_mqtt_protocol_ver_t to_esp_protocol(ProtocolVersion version);

/// ESP_ERR_INVALID_ARG when an extended option is out of range, else ESP_OK.
esp_err_t validate_ext_config(const esp_mqtt_client_ext_config_t& ext);

}  // namespace portmqtt::esp
