// The ESP-MQTT client handle: a portmqtt::Client plus what ESP-MQTT keeps beside its protocol
// state (the configuration as esp_mqtt_set_config() accumulates it, Kconfig-style options,
// MQTT 5 one-shot properties, registered handlers).
//
// Design: the facade adds no protocol logic. Every esp_mqtt_* call becomes one portmqtt
// call; every portmqtt event becomes one ESP event (or several DATA fragments).
//
// Locking: `mutex` guards the facade's own fields. It is never held while calling a
// portmqtt::Client member that may wait (publish, subscribe, stop, the destructor), because
// handlers running on the client's thread take it too (set_config from BEFORE_CONNECT).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "esp/config_map.hpp"
#include "esp/custom_outbox.hpp"
#include "esp/event_map.hpp"
#include "mqtt_client.h"
#include "portmqtt/client.hpp"

/// Properties set by the ESP one-shot setters, waiting for the call that consumes them.
/// Only the pointers are kept, as ESP-MQTT does: the caller's struct must stay valid.
struct PendingProperties {
  const esp_mqtt5_publish_property_config_t* publish = nullptr;
  const esp_mqtt5_subscribe_property_config_t* subscribe = nullptr;
  const esp_mqtt5_unsubscribe_property_config_t* unsubscribe = nullptr;
  /// esp_mqtt5_client_set_disconnect_property() copies, so this one is owned.
  std::optional<portmqtt::esp::DisconnectProperties> disconnect;
};

struct esp_mqtt_client {
  std::mutex mutex;  // guards the fields down to `pending`
  portmqtt::esp::Settings settings;
  esp_mqtt_client_ext_config_t ext{};
  std::vector<std::string> broker_uris;          // ext.broker_uris, copied
  std::vector<const char*> broker_uri_pointers;  // what the stored ext.broker_uris points to
  std::string proxy_uri;                         // ext.proxy_uri, copied
  std::string outbox_store_path;                 // ext.outbox_store_path points here
  PendingProperties pending;
  std::string response_info;  // MQTT 5 Response Information of the last CONNACK
  // Read on every publish without the mutex: the common case (no one-shot properties, the
  // default offline policy) then costs no lock beyond the client's own.
  std::atomic<bool> skip_publish_if_disconnected{false};  // ext.skip_publish_if_disconnected
  std::atomic<bool> publish_properties_pending{false};    // pending.publish != nullptr

  // The application's own outbox (mqtt_outbox.h), when it defines one; declared before the
  // client so that it outlives the client's thread, which reports acknowledgements to it.
  std::unique_ptr<portmqtt::esp::CustomOutbox> custom_outbox;
  portmqtt::esp::EventDispatch events;
  std::unique_ptr<portmqtt::Client> client;
};

namespace portmqtt::esp {

/// The portmqtt::Config for the handle's current settings. Caller holds handle.mutex.
Config current_config(const esp_mqtt_client& handle);

/// For a TLS setup failure (errc::tls_configuration_invalid): the ESP-TLS code of the refusal
/// the ESP options themselves cause (see to_tls_config()), or ESP_OK when the options are
/// fine as far as ESP-TLS goes. `log` logs that reason. Takes handle.mutex.
esp_err_t tls_refusal(esp_mqtt_client& handle, const Error& error, bool log);

/// How a message leaves the facade: esp_mqtt_client_publish (may wait for room in the send
/// queue) or esp_mqtt_client_enqueue (never waits; QoS 0 only with store).
enum class SendMode { publish, enqueue, enqueue_and_store };

/// Shared by the plain, one-shot-property and with-properties variants of publish and
/// enqueue. `properties` are already in portmqtt form (empty for none).
int send_message(esp_mqtt_client_handle_t handle, const char* topic, const char* data, int len,
                 int qos, int retain, SendMode mode, const Properties& properties);

/// Takes the pending one-shot publish properties (MQTT 5), converted; empty when none.
Properties take_pending_publish_properties(esp_mqtt_client& handle);

}  // namespace portmqtt::esp
