// The ESP-MQTT client handle: a portmqtt::Client plus what ESP-MQTT keeps beside its protocol
// state (the configuration as esp_mqtt_set_config() accumulates it, Kconfig-style options,
// MQTT 5 one-shot properties, registered handlers).
//
// Design: the facade adds no protocol logic. Every esp_mqtt_* call becomes one portmqtt
// call; every portmqtt event becomes one ESP event (or several DATA fragments).
//
// Locking: `mutex` guards the facade's own fields (those marked GUARDED_BY(mutex): clang's
// thread-safety analysis checks every use, see src/common/thread_safety.hpp). It is never held
// while calling a portmqtt::Client member that may wait (publish, subscribe, stop, the
// destructor), because handlers running on the client's thread take it too (set_config from
// BEFORE_CONNECT).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/thread_safety.hpp"
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
  portmqtt::detail::Mutex mutex;
  portmqtt::esp::Settings settings GUARDED_BY(mutex);
  esp_mqtt_client_ext_config_t ext GUARDED_BY(mutex){};
  std::vector<std::string> broker_uris GUARDED_BY(mutex);  // ext.broker_uris, copied
  // What the stored ext.broker_uris points to.
  std::vector<const char*> broker_uri_pointers GUARDED_BY(mutex);
  std::string proxy_uri GUARDED_BY(mutex);          // ext.proxy_uri, copied
  std::string outbox_store_path GUARDED_BY(mutex);  // ext.outbox_store_path points here
  PendingProperties pending GUARDED_BY(mutex);
  // MQTT 5 Response Information of the last CONNACK.
  std::string response_info GUARDED_BY(mutex);
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

/// The portmqtt::Config for the handle's current settings.
Config current_config(const esp_mqtt_client& handle) REQUIRES(handle.mutex);

/// For a TLS setup failure (errc::tls_configuration_invalid): the ESP-TLS code of the refusal
/// the ESP options themselves cause (see to_tls_config()), or ESP_OK when the options are
/// fine as far as ESP-TLS goes. `log` logs that reason. Takes handle.mutex.
esp_err_t tls_refusal(esp_mqtt_client& handle, const Error& error, bool log) EXCLUDES(handle.mutex);

/// How a message leaves the facade: esp_mqtt_client_publish (may wait for room in the send
/// queue) or esp_mqtt_client_enqueue (never waits; QoS 0 only with store).
enum class SendMode { publish, enqueue, enqueue_and_store };

/// Shared by the plain, one-shot-property and with-properties variants of publish and
/// enqueue. `properties` are already in portmqtt form (empty for none).
int send_message(esp_mqtt_client_handle_t handle, const char* topic, const char* data, int len,
                 int qos, int retain, SendMode mode, const Properties& properties);

/// Takes the pending one-shot publish properties (MQTT 5), converted; empty when none.
Properties take_pending_publish_properties(esp_mqtt_client& handle) EXCLUDES(handle.mutex);

}  // namespace portmqtt::esp
