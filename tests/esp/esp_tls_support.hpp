// Shared by the ESP facade's TLS and WebSocket tests: a mosquitto with a TLS listener, a
// configuration that owns its strings, a QoS 0/1/2 round trip through the ESP API, and the
// first ERROR event of a failed attempt.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "esp_recorder.hpp"
#include "mosquitto.hpp"
#include "mqtt_client.h"
#include "tls_certs.hpp"

namespace portmqtt::esp_test {

/// A mosquitto with its plain listener (for peers) plus one TLS listener.
struct TlsBroker {
  TlsBroker(const std::filesystem::path& cert, const std::filesystem::path& key,
            const std::string& extra = "")
      : tls_port(test::free_port()),
        broker({.extra_config = test::tls_listener_config(tls_port, cert, key, extra)}) {}
  std::string uri(const std::string& host = "localhost") const {
    return "mqtts://" + host + ":" + std::to_string(tls_port);
  }
  std::uint16_t tls_port;
  test::Mosquitto broker;
};

inline const test::TlsFiles& files() {
  return test::test_certificates();
}

/// An esp_mqtt_client_config_t whose strings live as long as this object.
struct OwnedConfig {
  OwnedConfig(std::string broker_uri, std::string id)
      : uri(std::move(broker_uri)), client_id(std::move(id)) {
    config.broker.address.uri = uri.c_str();
    config.credentials.client_id = client_id.c_str();
    config.network.reconnect_timeout_ms = 200;
    config.network.timeout_ms = 5000;
  }
  /// Trusts the CA in the PEM `file` (passed as text, length 0).
  OwnedConfig& trust_pem(const std::filesystem::path& file) {
    ca = test::read_file(file);
    config.broker.verification.certificate = ca.c_str();
    config.broker.verification.certificate_len = 0;
    return *this;
  }
  std::string uri;
  std::string client_id;
  std::string ca;
  esp_mqtt_client_config_t config{};
};

/// A started client with a recorder; destroyed (stopped) at the end of the test.
struct StartedClient {
  explicit StartedClient(const esp_mqtt_client_config_t& config)
      : client(esp_mqtt_client_init(&config)) {
    if (!client) return;
    recorder = std::make_unique<EspRecorder>(client.get());
    start_result = esp_mqtt_client_start(client.get());
  }
  ClientPtr client;
  std::unique_ptr<EspRecorder> recorder;
  esp_err_t start_result = ESP_FAIL;
};

/// Subscribes to `topic` at QoS 2, publishes "qos0", "qos1", "qos2" at those QoS levels and
/// expects each back at its QoS (order across levels is up to the broker), and PUBLISHED for
/// QoS 1 and 2.
inline void expect_round_trip(StartedClient& c, const std::string& topic) {
  ASSERT_TRUE(c.client);
  EspRecorder& rec = *c.recorder;
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED)) << "no CONNECTED";
  ASSERT_GT(esp_mqtt_client_subscribe_single(c.client.get(), topic.c_str(), 2), 0);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_SUBSCRIBED));
  EXPECT_EQ(esp_mqtt_client_publish(c.client.get(), topic.c_str(), "qos0", 0, 0, 0), 0);
  EXPECT_GT(esp_mqtt_client_publish(c.client.get(), topic.c_str(), "qos1", 0, 1, 0), 0);
  EXPECT_GT(esp_mqtt_client_publish(c.client.get(), topic.c_str(), "qos2", 0, 2, 0), 0);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_DATA, 3));
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_PUBLISHED, 2));
  std::vector<RecordedEvent> data = rec.of(MQTT_EVENT_DATA);
  for (int qos = 0; qos <= 2; ++qos) {
    const std::string payload = "qos" + std::to_string(qos);
    auto found = std::find_if(data.begin(), data.end(),
                              [&](const RecordedEvent& e) { return e.data == payload; });
    ASSERT_NE(found, data.end()) << payload << " did not come back";
    EXPECT_EQ(found->qos, qos);
    EXPECT_EQ(found->topic, topic);
  }
}

/// The first ERROR event of a client that must not connect; nullopt (and a failure) when
/// none arrives in 10 s. Also expects the DISCONNECTED that follows and no CONNECTED.
inline std::optional<RecordedEvent> first_error(StartedClient& c) {
  EXPECT_TRUE(c.client) << "init failed";
  if (!c.client) return std::nullopt;
  EspRecorder& rec = *c.recorder;
  if (!rec.wait_for(MQTT_EVENT_ERROR)) {
    ADD_FAILURE() << "no ERROR event";
    return std::nullopt;
  }
  EXPECT_TRUE(rec.wait_for(MQTT_EVENT_DISCONNECTED));
  EXPECT_EQ(rec.count(MQTT_EVENT_CONNECTED), 0U);
  RecordedEvent error = rec.of(MQTT_EVENT_ERROR).front();
  EXPECT_TRUE(error.has_error_handle);
  EXPECT_EQ(error.error.error_type, MQTT_ERROR_TYPE_TCP_TRANSPORT);
  return error;
}

/// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace portmqtt::esp_test
