// Test helpers for the ESP API: a recorder of ESP events (owned copies, waitable), an owning
// client handle, and configuration shortcuts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mqtt_client.h"

namespace portmqtt::esp_test {

using namespace std::chrono_literals;

/// One ESP event as a handler saw it, copied out of the client's buffers.
struct RecordedEvent {
  std::int32_t id = 0;
  bool base_is_mqtt_events = false;
  esp_mqtt_client_handle_t client = nullptr;
  int msg_id = 0;
  std::optional<std::string> topic;  // nullopt when event->topic was NULL
  std::string data;
  bool data_is_null = false;
  int total_data_len = 0;
  int current_data_offset = 0;
  int qos = 0;
  bool retain = false;
  bool dup = false;
  int session_present = 0;
  bool has_error_handle = false;
  esp_mqtt_error_codes_t error{};
  esp_mqtt5_reason_code_t reason_code{};
  esp_mqtt_protocol_ver_t protocol_ver{};
  // MQTT 5 properties (from event->property).
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
  std::optional<std::string> content_type;
  bool payload_format_utf8 = false;
  std::uint16_t subscribe_id = 0;
  std::vector<std::pair<std::string, std::string>> user_properties;
  esp_mqtt5_server_resp_property_t server{};
  std::optional<std::string> response_info;
};

inline std::optional<std::string> copy_of(const char* p, int len) {
  if (p == nullptr) return std::nullopt;
  return std::string(p, static_cast<std::size_t>(len));
}

/// Reads a user property list through the public API (which hands out malloc'ed copies).
inline std::vector<std::pair<std::string, std::string>> read_user_properties(
    mqtt5_user_property_handle_t list) {
  std::vector<std::pair<std::string, std::string>> out;
  std::uint8_t count = esp_mqtt5_client_get_user_property_count(list);
  if (count == 0) return out;
  std::vector<esp_mqtt5_user_property_item_t> items(count);
  if (esp_mqtt5_client_get_user_property(list, items.data(), &count) != ESP_OK) return out;
  for (std::uint8_t i = 0; i < count; ++i) {
    out.emplace_back(items[i].key, items[i].value);
    std::free(const_cast<char*>(items[i].key));
    std::free(const_cast<char*>(items[i].value));
  }
  return out;
}

inline RecordedEvent record_event(esp_event_base_t base, std::int32_t id,
                                  esp_mqtt_event_handle_t e) {
  RecordedEvent r;
  r.id = id;
  r.base_is_mqtt_events = base == MQTT_EVENTS;
  r.client = e->client;
  r.msg_id = e->msg_id;
  r.topic = copy_of(e->topic, e->topic_len);
  r.data_is_null = e->data == nullptr;
  if (e->data != nullptr) r.data.assign(e->data, static_cast<std::size_t>(e->data_len));
  r.total_data_len = e->total_data_len;
  r.current_data_offset = e->current_data_offset;
  r.qos = e->qos;
  r.retain = e->retain;
  r.dup = e->dup;
  r.session_present = e->session_present;
  r.has_error_handle = e->error_handle != nullptr;
  if (e->error_handle != nullptr) r.error = *e->error_handle;
  r.reason_code = e->reason_code;
  r.protocol_ver = e->protocol_ver;
  if (const esp_mqtt5_event_property_t* p = e->property) {
    r.response_topic = copy_of(p->response_topic, p->response_topic_len);
    r.correlation_data = copy_of(p->correlation_data, p->correlation_data_len);
    r.content_type = copy_of(p->content_type, p->content_type_len);
    r.payload_format_utf8 = p->payload_format_indicator;
    r.subscribe_id = p->subscribe_id;
    r.user_properties = read_user_properties(p->user_property);
    r.server = p->server;
    r.response_info = copy_of(p->server.response_info, p->server.response_info_len);
  }
  return r;
}

/// Registers itself for every event of a client and records them.
class EspRecorder {
 public:
  explicit EspRecorder(esp_mqtt_client_handle_t client) : client_(client) {
    registration_ = esp_mqtt_client_register_event(client, MQTT_EVENT_ANY, &handler, this);
  }
  ~EspRecorder() { esp_mqtt_client_unregister_event(client_, MQTT_EVENT_ANY, &handler); }
  EspRecorder(const EspRecorder&) = delete;
  EspRecorder& operator=(const EspRecorder&) = delete;

  esp_err_t registration() const { return registration_; }

  bool wait(const std::function<bool(const std::vector<RecordedEvent>&)>& pred,
            std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return pred(events_); });
  }
  /// Waits until at least `count` events with `id` were recorded.
  bool wait_for(std::int32_t id, std::size_t count = 1, std::chrono::milliseconds timeout = 10s) {
    return wait([&](const auto&) { return count_locked(id) >= count; }, timeout);
  }
  std::size_t count(std::int32_t id) {
    std::lock_guard lock(mutex_);
    return count_locked(id);
  }
  std::vector<RecordedEvent> all() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<RecordedEvent> of(std::int32_t id) {
    std::lock_guard lock(mutex_);
    std::vector<RecordedEvent> out;
    for (const RecordedEvent& e : events_)
      if (e.id == id) out.push_back(e);
    return out;
  }
  std::vector<std::int32_t> ids() {
    std::lock_guard lock(mutex_);
    std::vector<std::int32_t> out;
    for (const RecordedEvent& e : events_)
      out.push_back(e.id);
    return out;
  }

 private:
  static void handler(void* arg, esp_event_base_t base, std::int32_t id, void* data) {
    auto* self = static_cast<EspRecorder*>(arg);
    RecordedEvent r = record_event(base, id, static_cast<esp_mqtt_event_handle_t>(data));
    {
      std::lock_guard lock(self->mutex_);
      self->events_.push_back(std::move(r));
    }
    self->cv_.notify_all();
  }
  std::size_t count_locked(std::int32_t id) const {
    std::size_t n = 0;
    for (const RecordedEvent& e : events_)
      n += e.id == id ? 1 : 0;
    return n;
  }

  esp_mqtt_client_handle_t client_;
  esp_err_t registration_ = ESP_FAIL;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<RecordedEvent> events_;
};

struct ClientDeleter {
  void operator()(esp_mqtt_client* client) const { esp_mqtt_client_destroy(client); }
};
/// Destroys the client (stopping it first) at the end of a test, also on failure.
using ClientPtr = std::unique_ptr<esp_mqtt_client, ClientDeleter>;

/// The payload with a recognisable byte at every offset (NULs included).
inline std::string patterned(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>((i * 31 + 7) % 256);
  return s;
}

}  // namespace portmqtt::esp_test
