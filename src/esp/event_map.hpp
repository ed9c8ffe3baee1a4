// portmqtt events -> esp_mqtt_event_t, delivered to the handlers registered with
// esp_mqtt_client_register_event(), on the client's own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "mqtt_client.h"
#include "portmqtt/client.hpp"

namespace portmqtt::esp {

/// Registered handlers, called in registration order. Registering and unregistering are
/// allowed from any thread, handlers included; a change applies to the next event.
class HandlerRegistry {
 public:
  /// Adds a handler for `event_id` (MQTT_EVENT_ANY: every event). The same handler registered
  /// again for the same id only gets the new argument (esp_event's rule).
  esp_err_t add(std::int32_t event_id, esp_event_handler_t handler, void* arg);
  /// Removes `handler` registered for exactly `event_id`. Outside a handler it also waits for
  /// a dispatch in progress to finish (as esp_event does), so that the handler's argument may
  /// be freed once this returns.
  esp_err_t remove(std::int32_t event_id, esp_event_handler_t handler);
  /// Calls every handler registered for `event_id` or for MQTT_EVENT_ANY.
  void call(std::int32_t event_id, esp_mqtt_event_t& event) const;

 private:
  struct Entry {
    std::int32_t event_id;
    esp_event_handler_t handler;
    void* arg;
  };
  mutable std::mutex mutex_;
  mutable std::mutex dispatching_;  // held while handlers run
  // Copy-on-write, so that a dispatch needs no allocation and no lock while handlers run.
  std::shared_ptr<const std::vector<Entry>> entries_ = std::make_shared<std::vector<Entry>>();
};

/// The event side of a handle: registry, options that shape events, and the state that lives
/// on the client's thread between events.
class EventDispatch {
 public:
  HandlerRegistry handlers;

  /// Extended options read on the client's thread; written while it is not running.
  std::atomic<bool> report_deleted{false};
  std::atomic<bool> topic_on_all_fragments{false};
  std::atomic<int> user_queue_capacity{1};

  /// Routes every event of `client` to the handlers, as events of `handle`.
  void attach(esp_mqtt_client_handle_t handle, Client& client);
  /// esp_mqtt_dispatch_custom_event(): ESP_ERR_TIMEOUT when user_queue_capacity events are
  /// already waiting.
  esp_err_t post_user_event(Client& client, const esp_mqtt_event_t& event);

 private:
  void on_event(const Event& event);
  void deliver(esp_mqtt_event_t& event, const esp_mqtt5_event_extra_t* extra = nullptr);
  esp_mqtt_event_t make_event(esp_mqtt_event_id_t id);
  void on_before_connect();
  void on_connected(const Connected& e);
  void on_disconnected(const Disconnected& e);
  void on_published(const Published& e);
  void on_subscribed(const Subscribed& e);
  void on_unsubscribed(const Unsubscribed& e);
  void on_message(const MessageReceived& e);
  void on_error(const Error& e);
  void on_deleted(const Deleted& e);
  void on_user_event(const UserEvent& e);

  // Set by attach(); then touched only on the client's thread.
  esp_mqtt_client_handle_t handle_ = nullptr;
  Client* client_ = nullptr;
  esp_mqtt_error_codes_t error_codes_{};
  bool connected_ = false;
  std::atomic<int> queued_user_events_{0};
};

/// True on a thread that is inside an ESP event handler of any client (stop and destroy
/// are refused there).
bool in_event_handler() noexcept;

}  // namespace portmqtt::esp
