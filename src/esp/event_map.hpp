// portmqtt events -> esp_mqtt_event_t, delivered to the handlers registered with
// esp_mqtt_client_register_event(), on the client's own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "esp/config_map.hpp"
#include "esp/event_loop_internal.hpp"
#include "mqtt_client.h"
#include "portmqtt/client.hpp"

namespace portmqtt::esp {

/// The client's own esp_event loop (no task, as ESP-MQTT creates it): the handlers of
/// esp_mqtt_client_register_event() live there, under MQTT_EVENTS, and run on the client's
/// thread in esp_event's order (ESP_EVENT_ANY_ID handlers before those of the exact id).
class ClientEventLoop {
 public:
  ClientEventLoop();
  ~ClientEventLoop();
  ClientEventLoop(const ClientEventLoop&) = delete;
  ClientEventLoop& operator=(const ClientEventLoop&) = delete;

  /// esp_event_handler_register_with() on the loop; ESP_ERR_INVALID_ARG for an id that is no
  /// MQTT event (MQTT_EVENT_ANY is ESP_EVENT_ANY_ID), ESP_ERR_NO_MEM when the loop could not
  /// be created.
  esp_err_t add(std::int32_t event_id, esp_event_handler_t handler, void* arg);
  /// esp_event_handler_unregister_with(): outside a handler it also waits for a dispatch in
  /// progress to finish, so that the handler's argument may be freed once this returns.
  esp_err_t remove(std::int32_t event_id, esp_event_handler_t handler);
  /// Calls the handlers of `event_id` with `event` as event_data, on this thread: the
  /// client's thread, the only one that calls it (the registrations it read last are kept
  /// for the next event, see DispatchCache).
  void call(std::int32_t event_id, esp_mqtt_event_t& event);
  /// esp_event_post_to() without waiting: ESP_ERR_TIMEOUT when the queue is full.
  esp_err_t post(const esp_mqtt_event_t& event) const;
  /// For several events in a row (the acknowledgements of one read): call() without reading
  /// the loop's registrations again for each (see DispatchRun). The caller marks the thread
  /// as inside a handler, as call() does.
  DispatchRun run() const noexcept { return DispatchRun(loop_); }
  /// Dispatches what post() queued (esp_event_loop_run() for no time).
  void run_posted() const;
  void set_queue_capacity(int capacity) const;

 private:
  esp_event_loop_handle_t loop_ = nullptr;
  DispatchCache cache_;
};

/// The event side of a handle: registry, options that shape events, and the state that lives
/// on the client's thread between events.
class EventDispatch {
 public:
  ClientEventLoop handlers;

  /// Extended options read on the client's thread; written while it is not running.
  std::atomic<bool> report_deleted{false};
  std::atomic<bool> topic_on_all_fragments{false};

  /// Routes every event of `client` to the handlers, as events of `handle`.
  void attach(esp_mqtt_client_handle_t handle, Client& client);
  /// The client's protocol version, which every event carries: the facade calls this after
  /// each change of the client's configuration, so that an event does not ask the client
  /// (and take its lock) for it.
  void set_protocol(ProtocolVersion version) noexcept {
    protocol_.store(to_esp_protocol(version), std::memory_order_relaxed);
  }
  /// esp_mqtt_dispatch_custom_event(): posts MQTT_USER_EVENT to the client's loop and wakes the
  /// client's thread to dispatch it; ESP_ERR_TIMEOUT when the loop's queue (event_queue_size
  /// events) is full.
  esp_err_t post_user_event(Client& client, const esp_mqtt_event_t& event);

 private:
  void on_event(const Event& event);
  void deliver(esp_mqtt_event_t& event, const esp_mqtt5_event_extra_t* extra = nullptr);
  esp_mqtt_event_t make_event(esp_mqtt_event_id_t id);
  void on_before_connect();
  void on_connected(const Connected& e);
  void on_disconnected(const Disconnected& e);
  void on_published(std::span<const Published> batch);
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
  std::atomic<esp_mqtt_protocol_ver_t> protocol_{MQTT_PROTOCOL_V_3_1_1};
  bool connected_ = false;
};

/// True on a thread that is inside an ESP event handler of any client (stop and destroy
/// are refused there).
bool in_event_handler() noexcept;

}  // namespace portmqtt::esp
