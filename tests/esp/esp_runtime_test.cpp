// The ESP-MQTT API over the scripted in-memory transport (tests/support): the facade's events
// and return values for a scripted exchange, with the exact bytes on the wire, no broker.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
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

}  // namespace
}  // namespace portmqtt::esp_test
