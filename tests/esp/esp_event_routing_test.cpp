// The ESP API's events go through esp_event loops as ESP-MQTT's do: each client's handlers
// live on the client's own loop under MQTT_EVENTS, called in esp_event's order with their own
// argument; a handler may unregister others while the event is dispatched; and a handler may
// post to the default loop, which copies the data. Against a private mosquitto, with
// mosquitto_pub as the independent publisher.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "esp_event.h"
#include "esp_recorder.hpp"
#include "mosquitto.hpp"
#include "mqtt_client.h"

ESP_EVENT_DEFINE_BASE(ROUTING_TEST_EVENTS);

namespace portmqtt::esp_test {
namespace {

using test::Mosquitto;

/// Calls seen by the handlers: "<name>:<event id>", in order.
struct Calls {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> seen;
  std::vector<std::thread::id> threads;

  void add(const std::string& what) {
    std::lock_guard lock(mutex);
    seen.push_back(what);
    threads.push_back(std::this_thread::get_id());
    changed.notify_all();
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return seen;
  }
  bool wait_for(const std::string& what) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] {
      return std::find(seen.begin(), seen.end(), what) != seen.end();
    });
  }
};

Calls calls;  // the handlers below are plain C functions, as an application's are

/// The handler's argument: its name, and what it checks of every call.
struct Named {
  const char* name;
  esp_mqtt_client_handle_t client = nullptr;
  bool all_well = true;  // base, id and event data agreed on every call
};

void named_handler(void* arg, esp_event_base_t base, int32_t id, void* data) {
  auto* self = static_cast<Named*>(arg);
  auto* event = static_cast<esp_mqtt_event_handle_t>(data);
  if (base != MQTT_EVENTS || event == nullptr || event->event_id != id ||
      event->client != self->client)
    self->all_well = false;
  calls.add(std::string(self->name) + ":" + std::to_string(id));
}

// The same C function registered under two ids must be told apart by its argument only.
void other_handler(void* arg, esp_event_base_t base, int32_t id, void* data) {
  named_handler(arg, base, id, data);
}

class EspEventRoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::lock_guard lock(calls.mutex);
    calls.seen.clear();
    calls.threads.clear();
  }
  esp_mqtt_client_config_t config(const char* client_id) {
    esp_mqtt_client_config_t c{};
    c.broker.address.uri = uri_.c_str();
    c.credentials.client_id = client_id;
    c.network.reconnect_timeout_ms = 200;
    return c;
  }
  Mosquitto broker_;
  std::string uri_ = broker_.uri();
};

std::vector<std::string> of_event(const std::vector<std::string>& seen, int32_t id) {
  std::vector<std::string> out;
  const std::string suffix = ":" + std::to_string(id);
  for (const std::string& s : seen)
    if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(s.substr(0, s.size() - suffix.size()));
  return out;
}

TEST_F(EspEventRoutingTest, AnyIdHandlersRunBeforeExactOnesEachInRegistrationOrder) {
  esp_mqtt_client_config_t c = config("route-order");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  Named exact1{"exact1", client.get()};
  Named any1{"any1", client.get()};
  Named exact2{"exact2", client.get()};
  Named any2{"any2", client.get()};
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_CONNECTED, named_handler, &exact1),
      ESP_OK);
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_ANY, named_handler, &any1),
            ESP_OK);
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_CONNECTED, other_handler, &exact2),
      ESP_OK);
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_ANY, other_handler, &any2),
            ESP_OK);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(calls.wait_for("exact2:" + std::to_string(MQTT_EVENT_CONNECTED)));
  const std::vector<std::string> seen = calls.snapshot();
  EXPECT_EQ(of_event(seen, MQTT_EVENT_CONNECTED),
            (std::vector<std::string>{"any1", "any2", "exact1", "exact2"}));
  EXPECT_EQ(of_event(seen, MQTT_EVENT_BEFORE_CONNECT), (std::vector<std::string>{"any1", "any2"}));
  for (const Named* n : {&exact1, &any1, &exact2, &any2})
    EXPECT_TRUE(n->all_well) << n->name;
  // All on the client's thread, never the caller's.
  std::lock_guard lock(calls.mutex);
  for (std::thread::id t : calls.threads)
    EXPECT_NE(t, std::this_thread::get_id());
}

TEST_F(EspEventRoutingTest, RegisteringAgainOnlyReplacesTheArgument) {
  esp_mqtt_client_config_t c = config("route-again");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  Named first{"first", client.get()};
  Named second{"second", client.get()};
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_CONNECTED, named_handler, &first),
      ESP_OK);
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_CONNECTED, named_handler, &second),
      ESP_OK);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(calls.wait_for("second:" + std::to_string(MQTT_EVENT_CONNECTED)));
  ASSERT_EQ(esp_mqtt_client_unregister_event(client.get(), MQTT_EVENT_CONNECTED, named_handler),
            ESP_OK);
  EXPECT_EQ(of_event(calls.snapshot(), MQTT_EVENT_CONNECTED), (std::vector<std::string>{"second"}));
}

// --- unregistering while an event is dispatched ---------------------------------------------

esp_mqtt_client_handle_t unregistering_client = nullptr;

void unregisters_the_others(void* arg, esp_event_base_t base, int32_t id, void* data) {
  named_handler(arg, base, id, data);
  if (id != MQTT_EVENT_CONNECTED) return;
  // The exact-id handler comes later in this very dispatch: it must not run any more. Then
  // this handler removes itself, from inside its own call.
  esp_mqtt_client_unregister_event(unregistering_client, MQTT_EVENT_CONNECTED, other_handler);
  esp_mqtt_client_unregister_event(unregistering_client, MQTT_EVENT_ANY, unregisters_the_others);
}

TEST_F(EspEventRoutingTest, HandlersUnregisteredDuringADispatchAreNotCalledAgain) {
  esp_mqtt_client_config_t c = config("route-unregister");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  unregistering_client = client.get();
  Named remover{"remover", client.get()};
  Named later{"later", client.get()};
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_ANY, unregisters_the_others,
                                           &remover),
            ESP_OK);
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_CONNECTED, other_handler, &later),
      ESP_OK);
  EspRecorder rec{client.get()};  // any id, after the remover: still called
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  // A second connection: nobody but the recorder hears of it.
  ASSERT_EQ(esp_mqtt_client_disconnect(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED, 2));
  ASSERT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);
  const std::vector<std::string> seen = calls.snapshot();
  EXPECT_EQ(of_event(seen, MQTT_EVENT_CONNECTED), (std::vector<std::string>{"remover"}));
  EXPECT_EQ(of_event(seen, MQTT_EVENT_DISCONNECTED), (std::vector<std::string>{}));
  // Unregistering what is gone is no error, as in esp_event.
  EXPECT_EQ(esp_mqtt_client_unregister_event(client.get(), MQTT_EVENT_CONNECTED, other_handler),
            ESP_OK);
}

// --- posting to the default loop from an MQTT handler -----------------------------------------

constexpr int32_t kPayloadSeen = 7;

struct Forwarded {
  std::mutex mutex;
  std::condition_variable changed;
  std::string payload;
  std::thread::id mqtt_thread;
  std::thread::id default_loop_thread;
  esp_err_t post_result = ESP_FAIL;
};

Forwarded forwarded;

void forward_data(void* /*arg*/, esp_event_base_t /*base*/, int32_t /*id*/, void* data) {
  auto* event = static_cast<esp_mqtt_event_handle_t>(data);
  char buffer[64] = {};
  const auto n = static_cast<std::size_t>(std::min(event->data_len, 63));
  std::memcpy(buffer, event->data, n);
  // The loop copies the data: overwriting the buffer after posting changes nothing.
  esp_err_t rc = esp_event_post(ROUTING_TEST_EVENTS, kPayloadSeen, buffer, n + 1, portMAX_DELAY);
  std::memset(buffer, 'x', sizeof buffer - 1);
  std::lock_guard lock(forwarded.mutex);
  forwarded.post_result = rc;
  forwarded.mqtt_thread = std::this_thread::get_id();
  forwarded.changed.notify_all();  // the default loop may have run its handler already
}

void on_payload_seen(void* /*arg*/, esp_event_base_t base, int32_t id, void* data) {
  if (base != ROUTING_TEST_EVENTS || id != kPayloadSeen) return;
  std::lock_guard lock(forwarded.mutex);
  forwarded.payload = static_cast<const char*>(data);
  forwarded.default_loop_thread = std::this_thread::get_id();
  forwarded.changed.notify_all();
}

TEST_F(EspEventRoutingTest, AnMqttHandlerPostsToTheDefaultLoop) {
  ASSERT_EQ(esp_event_loop_create_default(), ESP_OK);
  struct DeleteDefault {
    ~DeleteDefault() { esp_event_loop_delete_default(); }
  } delete_default;
  ASSERT_EQ(esp_event_handler_register(ROUTING_TEST_EVENTS, kPayloadSeen, on_payload_seen, nullptr),
            ESP_OK);
  esp_mqtt_client_config_t c = config("route-post");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_DATA, forward_data, nullptr),
            ESP_OK);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "route/post", 1), 0);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_SUBSCRIBED));
  ASSERT_EQ(test::run_mosquitto_pub(broker_, {.topic = "route/post", .payload = "forward me"}), 0);
  std::unique_lock lock(forwarded.mutex);
  ASSERT_TRUE(forwarded.changed.wait_for(lock, std::chrono::seconds(10), [] {
    return !forwarded.payload.empty() && forwarded.mqtt_thread != std::thread::id{};
  }));
  EXPECT_EQ(forwarded.payload, "forward me");
  EXPECT_EQ(forwarded.post_result, ESP_OK);
  EXPECT_NE(forwarded.mqtt_thread, forwarded.default_loop_thread);
  lock.unlock();
  esp_mqtt_client_stop(client.get());
}

}  // namespace
}  // namespace portmqtt::esp_test
