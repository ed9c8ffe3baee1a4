// The clients a hostile broker test drives (the C++ API and the ESP facade, either version),
// what they reported, and a few functions shared by the case run and the mutation run.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "mqtt5_client.h"
#include "mqtt_client.h"
#include "portmqtt/client.hpp"
#include "scripted_broker.hpp"

namespace portmqtt::fault {

using namespace std::chrono_literals;
using portmqtt::test::Bytes;
using Clock = std::chrono::steady_clock;

// --- what a client reported ----------------------------------------------------------------

/// Errors and connections one client reported, from its loop thread.
class Record {
 public:
  void error(std::string code, std::string message) {
    std::lock_guard lock(mutex_);
    errors_.push_back({std::move(code), std::move(message)});
    changed_.notify_all();
  }
  void connected() {
    std::lock_guard lock(mutex_);
    ++connected_;
  }
  /// How a connection (or an attempt) ended: "normally" or the error's message.
  void ended(std::string why) {
    std::lock_guard lock(mutex_);
    ++ends_[std::move(why)];
  }
  std::map<std::string, long> take_ends() {
    std::lock_guard lock(mutex_);
    return std::exchange(ends_, {});
  }
  /// The first error, waiting up to `timeout` for it; empty code when none came.
  std::pair<std::string, std::string> first_error(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return !errors_.empty(); });
    return errors_.empty() ? std::pair<std::string, std::string>{} : errors_.front();
  }
  std::vector<std::pair<std::string, std::string>> take_errors() {
    std::lock_guard lock(mutex_);
    return std::exchange(errors_, {});
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::string, std::string>> errors_;
  int connected_ = 0;
  std::map<std::string, long> ends_;
};

struct ClientOptions {
  bool v5 = false;
  int keep_alive_s = 2;
  std::chrono::milliseconds reconnect{100};
  bool busy = false;  ///< subscribe and publish QoS 1 and 2 on every Connected
  /// C++ API: retry after a refusal that retrying cannot fix (a mutated CONNACK can carry one,
  /// e.g. 0x05 not authorised), so that a random run keeps the client connecting.
  bool retry_fatal_refusals = false;
};

/// One client under test, of either API.
class TestClient {
 public:
  virtual ~TestClient() = default;
  virtual void start() = 0;
  Record record;
};

class CppClient final : public TestClient {
 public:
  CppClient(const std::string& uri, const ClientOptions& o) {
    portmqtt::Config config;
    config.broker.uri = uri;
    config.credentials.client_id = "hostile-cpp";
    config.session.keep_alive = std::chrono::seconds(o.keep_alive_s);
    if (o.v5) {
      config.session.protocol_version = portmqtt::ProtocolVersion::v5;
      // The recorded session's broker uses Topic Alias 1.
      config.session.connect_properties.add(portmqtt::PropertyId::topic_alias_maximum, 5);
    }
    config.network.reconnect.interval = o.reconnect;
    config.network.reconnect.max_interval = std::max(o.reconnect, std::chrono::milliseconds{500});
    config.network.reconnect.retry_after_fatal_refusal = o.retry_fatal_refusals;
    config.network.timeout = 2s;
    config.log.level =
        std::getenv("HOSTILE_LOG") ? portmqtt::LogLevel::info : portmqtt::LogLevel::none;
    client_ = std::make_unique<portmqtt::Client>(config);
    client_->on_error(
        [this](const portmqtt::Error& e) { record.error(e.error.message(), e.message()); });
    client_->on_disconnected([this](const portmqtt::Disconnected& d) {
      record.ended(d.error ? d.error.message() : "normally");
    });
    const bool busy = o.busy;
    client_->on_connected([this, busy](const portmqtt::Connected&) {
      record.connected();
      if (!busy) return;
      (void)client_->subscribe("fuzz/#", {.qos = portmqtt::QoS::exactly_once});
      (void)client_->enqueue("fuzz/a", "one", {.qos = portmqtt::QoS::at_least_once});
      (void)client_->enqueue("fuzz/b", "two", {.qos = portmqtt::QoS::exactly_once});
    });
  }
  // At once: a graceful stop would go on connecting to the hostile broker to drain the outbox.
  ~CppClient() override { (void)client_->stop(portmqtt::discard); }
  void start() override { (void)client_->start(); }

 private:
  std::unique_ptr<portmqtt::Client> client_;
};

class EspClient final : public TestClient {
 public:
  EspClient(const std::string& uri, const ClientOptions& o) : busy_(o.busy) {
    esp_mqtt_client_config_t config{};
    config.broker.address.uri = uri.c_str();
    config.credentials.client_id = "hostile-esp";
    config.session.keepalive = o.keep_alive_s;
    config.session.protocol_ver = o.v5 ? MQTT_PROTOCOL_V_5 : MQTT_PROTOCOL_V_3_1_1;
    config.network.reconnect_timeout_ms = static_cast<int>(o.reconnect.count());
    config.network.timeout_ms = 2000;
    handle_ = esp_mqtt_client_init(&config);
    esp_mqtt_client_register_event(handle_, MQTT_EVENT_ANY, &EspClient::on_event, this);
    if (o.v5) {
      esp_mqtt5_connection_property_config_t props{};
      props.topic_alias_maximum = 5;  // the recorded session's broker uses Topic Alias 1
      esp_mqtt5_client_set_connect_property(handle_, &props);
    }
  }
  ~EspClient() override { esp_mqtt_client_destroy(handle_); }
  void start() override { esp_mqtt_client_start(handle_); }

 private:
  static void on_event(void* self_arg, esp_event_base_t, std::int32_t id, void* data) {
    auto* self = static_cast<EspClient*>(self_arg);
    auto* event = static_cast<esp_mqtt_event_handle_t>(data);
    if (id == MQTT_EVENT_ERROR) {
      const auto* e = event->error_handle;
      const int type = e != nullptr ? static_cast<int>(e->error_type) : -1;
      self->record.error("esp error type " + std::to_string(type),
                         "MQTT_EVENT_ERROR type " + std::to_string(type));
    } else if (id == MQTT_EVENT_DISCONNECTED) {
      self->record.ended("MQTT_EVENT_DISCONNECTED");
    } else if (id == MQTT_EVENT_CONNECTED) {
      self->record.connected();
      if (!self->busy_) return;
      esp_mqtt_client_subscribe(self->handle_, "fuzz/#", 2);
      esp_mqtt_client_enqueue(self->handle_, "fuzz/a", "one", 3, 1, 0, true);
      esp_mqtt_client_enqueue(self->handle_, "fuzz/b", "two", 3, 2, 0, true);
    }
  }
  esp_mqtt_client_handle_t handle_ = nullptr;
  bool busy_ = false;
};

inline std::unique_ptr<TestClient> make_client(bool esp, const std::string& uri,
                                               const ClientOptions& o) {
  if (esp) return std::make_unique<EspClient>(uri, o);
  return std::make_unique<CppClient>(uri, o);
}

// --- memory --------------------------------------------------------------------------------

/// A field of /proc/self/status in KiB (VmRSS, VmHWM).
inline long status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + key.size(), nullptr, 10);
  return 0;
}

// --- packets -------------------------------------------------------------------------------

inline Bytes connack(bool v5) {
  return v5 ? Bytes{0x20, 0x03, 0x00, 0x00, 0x00} : Bytes{0x20, 0x02, 0x00, 0x00};
}

inline void append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}

// A fixed header announcing `remaining` bytes, then `sent` bytes of a PUBLISH body.
inline Bytes announced_publish(std::uint32_t remaining, std::size_t sent) {
  Bytes out{0x30};
  std::uint32_t n = remaining;
  do {
    std::uint8_t byte = n & 0x7F;
    n >>= 7;
    if (n != 0) byte |= 0x80;
    out.push_back(byte);
  } while (n != 0);
  append(out, {0x00, 0x01, 't'});
  out.resize(out.size() + sent, 'x');
  return out;
}

}  // namespace portmqtt::fault
