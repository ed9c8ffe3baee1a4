// The ESP-MQTT API over the scripted in-memory transport (tests/support): the facade's events
// and return values for a scripted exchange, with the exact bytes on the wire, no broker.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "esp_recorder.hpp"
#include "mqtt_client.h"
#include "scripted_transport.hpp"

namespace portmqtt::esp_test {
namespace {

using test::Bytes;

Bytes connect_packet() {
  return {0x10, 0x0d,                      // CONNECT, remaining 13
          0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
          0x04,                            // protocol level 3.1.1
          0x02,                            // flags: clean session
          0x00, 0x78,                      // keep-alive 120 s (ESP's default)
          0x00, 0x01, 'c'};                // client id "c"
}
const Bytes kConnack = {0x20, 0x02, 0x00, 0x00};  // CONNACK: no session, accepted

TEST(EspRuntime, DataPublishAndAResetConnectionGiveEspEventsAndAReconnect) {
  auto script = std::make_shared<test::Script>();
  const auto scope = script->install();
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .deliver({0x30, 0x05,       // PUBLISH QoS 0, remaining 5
                0x00, 0x01, 't',  // topic "t"
                'h', 'i'})        // payload
      .expect({0x32, 0x07,        // PUBLISH QoS 1, remaining 7
               0x00, 0x01, 'u',   // topic "u"
               0x00, 0x01,        // packet id 1
               'o', 'k'},         // payload
              "PUBLISH")
      .deliver({0x40, 0x02, 0x00, 0x01})  // PUBACK id 1
      .read_error(test::system_error(ECONNRESET));
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack);

  esp_mqtt_client_config_t config{};
  config.broker.address.uri = "mqtt://broker.test:1883";
  config.credentials.client_id = "c";
  config.network.reconnect_timeout_ms = 50;
  ClientPtr client{esp_mqtt_client_init(&config)};
  ASSERT_NE(client, nullptr);
  EspRecorder recorder{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(recorder.wait_for(MQTT_EVENT_DATA));
  const int msg_id = esp_mqtt_client_publish(client.get(), "u", "ok", 2, 1, 0);
  EXPECT_EQ(msg_id, 1);
  ASSERT_TRUE(recorder.wait_for(MQTT_EVENT_CONNECTED, 2));
  EXPECT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);

  EXPECT_EQ(recorder.ids(), (std::vector<std::int32_t>{
                                MQTT_EVENT_BEFORE_CONNECT, MQTT_EVENT_CONNECTED, MQTT_EVENT_DATA,
                                MQTT_EVENT_PUBLISHED, MQTT_EVENT_ERROR, MQTT_EVENT_DISCONNECTED,
                                MQTT_EVENT_BEFORE_CONNECT, MQTT_EVENT_CONNECTED}));
  const RecordedEvent data = recorder.of(MQTT_EVENT_DATA).at(0);
  EXPECT_EQ(data.topic, "t");
  EXPECT_EQ(data.data, "hi");
  EXPECT_EQ(recorder.of(MQTT_EVENT_PUBLISHED).at(0).msg_id, msg_id);
  const RecordedEvent error = recorder.of(MQTT_EVENT_ERROR).at(0);
  ASSERT_TRUE(error.has_error_handle);
  EXPECT_EQ(error.error.error_type, MQTT_ERROR_TYPE_TCP_TRANSPORT);
  EXPECT_EQ(error.error.esp_transport_sock_errno, ECONNRESET);
  EXPECT_EQ(script->record(0).closes, 1u);
  EXPECT_EQ(script->attempts(), 2u);
  EXPECT_EQ(script->mismatches(), std::vector<std::string>{});
}

// What the handlers of the batch test saw, by handler.
struct BatchSeen {
  esp_mqtt_client_handle_t client = nullptr;
  std::mutex mutex;
  std::vector<int> first;  // msg ids seen by the handler registered before start()
  std::vector<int> late;   // by the one the first handler registers at its first event
  std::vector<esp_mqtt_protocol_ver_t> versions;
};

void late_handler(void* arg, esp_event_base_t, int32_t, void* data) {
  auto* seen = static_cast<BatchSeen*>(arg);
  std::lock_guard lock(seen->mutex);
  seen->late.push_back(static_cast<esp_mqtt_event_handle_t>(data)->msg_id);
}

void first_handler(void* arg, esp_event_base_t, int32_t, void* data) {
  auto* seen = static_cast<BatchSeen*>(arg);
  const auto* event = static_cast<esp_mqtt_event_handle_t>(data);
  bool first_event = false;
  {
    std::lock_guard lock(seen->mutex);
    first_event = seen->first.empty();
    seen->first.push_back(event->msg_id);
    seen->versions.push_back(event->protocol_ver);
  }
  // Registered in the middle of a read's acknowledgements: it sees the ones after this one.
  if (first_event)
    esp_mqtt_client_register_event(seen->client, MQTT_EVENT_PUBLISHED, late_handler, seen);
}

TEST(EspRuntime, AcknowledgementsOfOneReadArePublishedEventsInOrder) {
  auto script = std::make_shared<test::Script>();
  const auto scope = script->install();
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .expect({0x32, 0x06, 0x00, 0x01, 'u', 0x00, 0x01, 'a'}, "PUBLISH 1")  // QoS 1, id 1
      .expect({0x32, 0x06, 0x00, 0x01, 'u', 0x00, 0x02, 'b'}, "PUBLISH 2")  // QoS 1, id 2
      .expect({0x32, 0x06, 0x00, 0x01, 'u', 0x00, 0x03, 'c'}, "PUBLISH 3")  // QoS 1, id 3
      .deliver({0x40, 0x02, 0x00, 0x03,                                     // PUBACK id 3
                0x40, 0x02, 0x00, 0x01,                                     // PUBACK id 1
                0x40, 0x02, 0x00, 0x02});  // PUBACK id 2, all in one read

  esp_mqtt_client_config_t config{};
  config.broker.address.uri = "mqtt://broker.test:1883";
  config.credentials.client_id = "c";
  ClientPtr client{esp_mqtt_client_init(&config)};
  ASSERT_NE(client, nullptr);
  EspRecorder recorder{client.get()};
  BatchSeen seen;
  seen.client = client.get();
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_PUBLISHED, first_handler, &seen),
      ESP_OK);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(recorder.wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "u", "a", 1, 1, 0), 1);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "u", "b", 1, 1, 0), 2);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "u", "c", 1, 1, 0), 3);
  ASSERT_TRUE(recorder.wait_for(MQTT_EVENT_PUBLISHED, 3));
  EXPECT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);

  std::vector<int> recorded;
  for (const RecordedEvent& e : recorder.of(MQTT_EVENT_PUBLISHED))
    recorded.push_back(e.msg_id);
  EXPECT_EQ(recorded, (std::vector<int>{3, 1, 2}));  // one event each, in PUBACK order
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.first, (std::vector<int>{3, 1, 2}));
  EXPECT_EQ(seen.late, (std::vector<int>{1, 2}));
  EXPECT_EQ(seen.versions, std::vector<esp_mqtt_protocol_ver_t>(3, MQTT_PROTOCOL_V_3_1_1));
  EXPECT_EQ(script->mismatches(), std::vector<std::string>{});
}

// A QoS 0 PUBLISH of `payload` to topic "t" (remaining length below 16,384).
Bytes publish_packet(const std::string& payload) {
  const std::size_t remaining = 2 + 1 + payload.size();
  Bytes packet{0x30};
  if (remaining < 128) {
    packet.push_back(static_cast<std::uint8_t>(remaining));
  } else {
    packet.push_back(static_cast<std::uint8_t>((remaining & 0x7F) | 0x80));
    packet.push_back(static_cast<std::uint8_t>(remaining >> 7));
  }
  packet.insert(packet.end(), {0x00, 0x01, 't'});
  packet.insert(packet.end(), payload.begin(), payload.end());
  return packet;
}

// What the handlers of the DATA test saw.
struct DataSeen {
  esp_mqtt_client_handle_t client = nullptr;
  std::mutex mutex;
  std::vector<int> first;  // current_data_offset, seen by the handler registered before start()
  std::vector<int> late;   // by the one the first handler registers at its first DATA event
};

void late_data_handler(void* arg, esp_event_base_t, int32_t, void* data) {
  auto* seen = static_cast<DataSeen*>(arg);
  std::lock_guard lock(seen->mutex);
  seen->late.push_back(static_cast<esp_mqtt_event_handle_t>(data)->current_data_offset);
}

void first_data_handler(void* arg, esp_event_base_t, int32_t, void* data) {
  auto* seen = static_cast<DataSeen*>(arg);
  bool first_event = false;
  {
    std::lock_guard lock(seen->mutex);
    first_event = seen->first.empty();
    seen->first.push_back(static_cast<esp_mqtt_event_handle_t>(data)->current_data_offset);
  }
  if (first_event)
    esp_mqtt_client_register_event(seen->client, MQTT_EVENT_DATA, late_data_handler, seen);
}

// Reads may be larger than buffer.size; what the application sees is not: the messages of one
// delivery are DATA events in order, a payload longer than buffer.size comes in fragments of
// that size, and a handler registered by a handler sees the events after its registration.
TEST(EspRuntime, MessagesOfOneReadAreDataEventsInFragmentsOfBufferSize) {
  const std::string big = patterned(2500);
  Bytes burst;
  for (const std::string& payload : {std::string("one"), big, std::string("two")}) {
    const Bytes packet = publish_packet(payload);
    burst.insert(burst.end(), packet.begin(), packet.end());
  }
  auto script = std::make_shared<test::Script>();
  const auto scope = script->install();
  script->connection().expect(connect_packet(), "CONNECT").deliver(kConnack).deliver(burst);

  esp_mqtt_client_config_t config{};
  config.broker.address.uri = "mqtt://broker.test:1883";
  config.credentials.client_id = "c";
  config.buffer.size = 1000;
  ClientPtr client{esp_mqtt_client_init(&config)};
  ASSERT_NE(client, nullptr);
  EspRecorder recorder{client.get()};
  DataSeen seen;
  seen.client = client.get();
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_DATA, first_data_handler, &seen),
      ESP_OK);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(recorder.wait_for(MQTT_EVENT_DATA, 5));
  EXPECT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);

  const std::vector<RecordedEvent> data = recorder.of(MQTT_EVENT_DATA);
  ASSERT_EQ(data.size(), 5u);
  const std::vector<std::string> payloads = {"one", big.substr(0, 1000), big.substr(1000, 1000),
                                             big.substr(2000), "two"};
  const int offsets[] = {0, 0, 1000, 2000, 0};
  const int totals[] = {3, 2500, 2500, 2500, 3};
  for (std::size_t i = 0; i < data.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(data[i].data, payloads[i]);
    EXPECT_EQ(data[i].current_data_offset, offsets[i]);
    EXPECT_EQ(data[i].total_data_len, totals[i]);
    EXPECT_EQ(data[i].protocol_ver, MQTT_PROTOCOL_V_3_1_1);
    // The topic comes with the first fragment of each message only.
    if (offsets[i] == 0)
      EXPECT_EQ(data[i].topic, "t");
    else
      EXPECT_EQ(data[i].topic, std::nullopt);
  }
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.first, (std::vector<int>{0, 0, 1000, 2000, 0}));
  EXPECT_EQ(seen.late, (std::vector<int>{0, 1000, 2000, 0}));
  EXPECT_EQ(script->mismatches(), std::vector<std::string>{});
}

// The handler of the unregistration test: it holds the first DATA event until released.
struct HeldHandler {
  std::mutex mutex;
  std::condition_variable changed;
  bool entered = false;
  bool released = false;
  bool done = false;                // the first call returned
  std::vector<std::string> events;  // payloads seen
};

void held_handler(void* arg, esp_event_base_t, int32_t, void* data) {
  auto* held = static_cast<HeldHandler*>(arg);
  const auto* event = static_cast<esp_mqtt_event_handle_t>(data);
  std::unique_lock lock(held->mutex);
  held->events.emplace_back(event->data, static_cast<std::size_t>(event->data_len));
  if (held->entered) return;
  held->entered = true;
  held->changed.notify_all();
  held->changed.wait(lock, [held] { return held->released; });
  held->done = true;
}

// esp_event's promise: an unregistration made outside any handler returns once the handler
// cannot run any more, also when the client's thread is inside it right now.
TEST(EspRuntime, UnregisteringWaitsForTheHandlerThatRunsAndStopsTheNextCalls) {
  auto script = std::make_shared<test::Script>();
  const auto scope = script->install();
  script->connection()
      .expect(connect_packet(), "CONNECT")
      .deliver(kConnack)
      .deliver(publish_packet("a"))
      .expect({0x30, 0x04, 0x00, 0x01, 'u', 'x'}, "PUBLISH")  // QoS 0 "x" to "u"
      .deliver(publish_packet("b"));

  esp_mqtt_client_config_t config{};
  config.broker.address.uri = "mqtt://broker.test:1883";
  config.credentials.client_id = "c";
  ClientPtr client{esp_mqtt_client_init(&config)};
  ASSERT_NE(client, nullptr);
  HeldHandler held;
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_DATA, held_handler, &held),
            ESP_OK);
  EspRecorder recorder{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  {
    std::unique_lock lock(held.mutex);
    ASSERT_TRUE(
        held.changed.wait_for(lock, std::chrono::seconds(10), [&] { return held.entered; }));
  }
  bool done_when_returned = false;
  std::thread unregistering([&] {
    EXPECT_EQ(esp_mqtt_client_unregister_event(client.get(), MQTT_EVENT_DATA, held_handler),
              ESP_OK);
    std::lock_guard lock(held.mutex);
    done_when_returned = held.done;
  });
  // Time for an unregistration that does not wait to return before the handler is released.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard lock(held.mutex);
    held.released = true;
    held.changed.notify_all();
  }
  unregistering.join();
  EXPECT_TRUE(done_when_returned);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "u", "x", 1, 0, 0), 0);
  ASSERT_TRUE(recorder.wait_for(MQTT_EVENT_DATA, 2));
  EXPECT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);
  std::lock_guard lock(held.mutex);
  EXPECT_EQ(held.events, std::vector<std::string>{"a"});
  EXPECT_EQ(recorder.of(MQTT_EVENT_DATA).at(1).data, "b");
  EXPECT_EQ(script->mismatches(), std::vector<std::string>{});
}

}  // namespace
}  // namespace portmqtt::esp_test
