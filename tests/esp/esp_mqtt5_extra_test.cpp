// portmqtt's MQTT 5 extensions of the ESP facade against mosquitto: the data an ESP event has
// no field for (esp_mqtt5_event_get_extra) and a DISCONNECT that ends the session
// (esp_mqtt5_client_set_disconnect_session_expiry); a close without DISCONNECT that makes the
// broker publish the will and keeps the client offline (esp_mqtt_client_disconnect_abruptly).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "esp_recorder.hpp"
#include "mosquitto.hpp"
#include "mqtt5_client.h"

namespace portmqtt::esp_test {
namespace {

using namespace std::chrono_literals;
using test::Mosquitto;
using test::MosquittoOptions;

// What the handler read with esp_mqtt5_event_get_extra(), per event.
struct ExtraSeen {
  std::mutex mutex;
  std::condition_variable changed;
  std::string assigned_id;
  int server_keep_alive = -1;
  std::vector<std::vector<std::uint32_t>> data_ids;  // one entry per DATA event
  std::vector<long> data_expiry;                     // -1 when absent
  esp_err_t outside = ESP_OK;                        // a call outside any handler

  bool wait_data(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return data_ids.size() >= n; });
  }
  /// Until the DATA events so far carry `n` subscription ids between them.
  bool wait_ids(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] {
      std::size_t count = 0;
      for (const auto& ids : data_ids)
        count += ids.size();
      return count >= n;
    });
  }
};

void record_extra(void* arg, esp_event_base_t, int32_t id, void* data) {
  auto* seen = static_cast<ExtraSeen*>(arg);
  auto* event = static_cast<esp_mqtt_event_handle_t>(data);
  esp_mqtt5_event_extra_t extra{};
  if (esp_mqtt5_event_get_extra(event, &extra) != ESP_OK) return;
  std::lock_guard lock(seen->mutex);
  if (id == MQTT_EVENT_CONNECTED) {
    if (extra.assigned_client_id != nullptr)
      seen->assigned_id.assign(extra.assigned_client_id,
                               static_cast<std::size_t>(extra.assigned_client_id_len));
    if (extra.server_keep_alive_present) seen->server_keep_alive = extra.server_keep_alive;
  } else if (id == MQTT_EVENT_DATA) {
    seen->data_ids.emplace_back(extra.subscription_ids,
                                extra.subscription_ids + extra.subscription_id_count);
    seen->data_expiry.push_back(
        extra.message_expiry_present ? static_cast<long>(extra.message_expiry_interval) : -1);
  }
  seen->changed.notify_all();
}

TEST(EspMqtt5Extra, ConnectedAndDataCarryWhatTheEspEventCannot) {
  Mosquitto broker{MosquittoOptions{.extra_config = "max_keepalive 30\n"}};
  std::string uri = broker.uri();
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  c.session.protocol_ver = MQTT_PROTOCOL_V_5;
  c.session.keepalive = 120;
  c.credentials.set_null_client_id = true;  // the broker assigns one
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  ExtraSeen seen;
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_ANY, record_extra, &seen),
            ESP_OK);
  EspRecorder rec(client.get());
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  {
    std::lock_guard lock(seen.mutex);
    EXPECT_FALSE(seen.assigned_id.empty());
    EXPECT_EQ(seen.server_keep_alive, 30);
  }

  // Two subscriptions with their own identifiers that both match one topic.
  esp_mqtt5_subscribe_property_config_t sub{};
  sub.subscribe_id = 7;
  ASSERT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &sub), ESP_OK);
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "extra/+", 1), 0);
  sub.subscribe_id = 9;
  ASSERT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &sub), ESP_OK);
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "extra/#", 1), 0);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_SUBSCRIBED, 2));

  esp_mqtt5_publish_property_config_t props{};
  props.message_expiry_interval = 600;
  ASSERT_GT(
      esp_mqtt_client_publish_with_properties(client.get(), "extra/one", "x", 0, 1, 0, &props), 0);
  // One message carrying both ids, or one copy per match: either way two ids in all.
  ASSERT_TRUE(seen.wait_ids(2));
  std::this_thread::sleep_for(200ms);  // and no third
  std::lock_guard lock(seen.mutex);
  std::vector<std::uint32_t> all;
  for (const auto& ids : seen.data_ids)
    all.insert(all.end(), ids.begin(), ids.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::uint32_t>{7, 9}));
  ASSERT_FALSE(seen.data_expiry.empty());
  EXPECT_GT(seen.data_expiry[0], 590);
  EXPECT_LE(seen.data_expiry[0], 600);

  esp_mqtt5_event_extra_t outside{};
  esp_mqtt_event_t not_in_a_handler{};
  EXPECT_EQ(esp_mqtt5_event_get_extra(&not_in_a_handler, &outside), ESP_ERR_INVALID_STATE);
  EXPECT_EQ(esp_mqtt5_event_get_extra(nullptr, &outside), ESP_ERR_INVALID_ARG);
}

// Connects "extra-session" with a session that would outlive the connection by 300 s,
// disconnects with `end_session`, and tells whether the broker still had the session.
bool session_survives(Mosquitto& broker, bool end_session) {
  std::string uri = broker.uri();
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  c.session.protocol_ver = MQTT_PROTOCOL_V_5;
  c.session.disable_clean_session = true;
  c.credentials.client_id = "extra-session";
  esp_mqtt5_connection_property_config_t connect{};
  connect.session_expiry_interval = 300;
  for (int round = 0; round < 2; ++round) {
    ClientPtr client{esp_mqtt_client_init(&c)};
    EXPECT_TRUE(client);
    if (!client) return false;
    EXPECT_EQ(esp_mqtt5_client_set_connect_property(client.get(), &connect), ESP_OK);
    EspRecorder rec(client.get());
    EXPECT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
    EXPECT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
    if (round == 1) return rec.of(MQTT_EVENT_CONNECTED)[0].session_present;
    if (end_session) {
      EXPECT_EQ(esp_mqtt5_client_set_disconnect_session_expiry(client.get(), 0), ESP_OK);
    }
    EXPECT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);
  }
  return false;
}

TEST(EspMqtt5Extra, DisconnectWithSessionExpiryZeroEndsTheSession) {
  Mosquitto broker;
  EXPECT_TRUE(session_survives(broker, false));  // ESP's 0 means "unchanged": it survives
  EXPECT_FALSE(session_survives(broker, true));
}

TEST(EspMqtt5Extra, DisconnectSessionExpiryIsRefusedForMqtt3) {
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = "mqtt://127.0.0.1:9";
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EXPECT_EQ(esp_mqtt5_client_set_disconnect_session_expiry(client.get(), 0), ESP_FAIL);
  EXPECT_EQ(esp_mqtt5_client_set_disconnect_session_expiry(nullptr, 0), ESP_ERR_INVALID_ARG);
}

TEST(EspMqtt5Extra, DisconnectAbruptlyPublishesTheWillAndStaysOffline) {
  Mosquitto broker;
  test::MosquittoSub watcher{
      broker,
      {.topic = "esp/abrupt/will", .count = 1, .timeout_s = 20, .client_id = "abrupt-watcher"}};
  ASSERT_TRUE(watcher.wait_subscribed());
  std::string uri = broker.uri();
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  c.credentials.client_id = "esp-abrupt";
  c.session.last_will.topic = "esp/abrupt/will";
  c.session.last_will.msg = "gone";
  c.network.reconnect_timeout_ms = 100;
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EspRecorder rec(client.get());
  EXPECT_EQ(esp_mqtt_client_disconnect_abruptly(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_disconnect_abruptly(client.get()), ESP_FAIL);  // not started
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_EQ(esp_mqtt_client_disconnect_abruptly(client.get()), ESP_OK);
  ASSERT_EQ(watcher.wait(10s), 0);
  EXPECT_EQ(watcher.output(), "gone");
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_DISCONNECTED));
  std::this_thread::sleep_for(500ms);  // five reconnect intervals
  EXPECT_EQ(rec.count(MQTT_EVENT_CONNECTED), 1u);
  ASSERT_EQ(esp_mqtt_client_reconnect(client.get()), ESP_OK);
  EXPECT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED, 2));
}

}  // namespace
}  // namespace portmqtt::esp_test
