// DATA events of the ESP API against mosquitto: messages larger than buffer.size arrive in
// fragments (offsets, total length, topic on the first fragment only unless asked otherwise).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "esp_recorder.hpp"
#include "mosquitto.hpp"
#include "mqtt_client.h"

namespace portmqtt::esp_test {
namespace {

using test::Mosquitto;
using test::PubOptions;

class EspDataTest : public ::testing::Test {
 protected:
  // Starts a subscriber on "esp/big" with the given buffer size and extended options.
  void start(int buffer_size, const esp_mqtt_client_ext_config_t& ext) {
    esp_mqtt_client_config_t c{};
    c.broker.address.uri = uri.c_str();
    c.credentials.client_id = "fragments";
    c.buffer.size = buffer_size;
    client.reset(esp_mqtt_client_init_with_ext_config(&c, &ext));
    ASSERT_TRUE(client);
    rec = std::make_unique<EspRecorder>(client.get());
    ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
    ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
    ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/big", 1), 0);
    ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  }
  // mosquitto_pub sends `payload` (QoS 1) and the client reassembles it from its fragments.
  std::vector<RecordedEvent> receive(const std::string& payload, std::size_t fragments) {
    EXPECT_EQ(
        test::run_mosquitto_pub(
            broker,
            PubOptions{
                .topic = "esp/big", .payload = payload, .qos = 1, .retain = false, .v5 = false}),
        0);
    EXPECT_TRUE(rec->wait_for(MQTT_EVENT_DATA, fragments));
    return rec->of(MQTT_EVENT_DATA);
  }

  Mosquitto broker;
  std::string uri = broker.uri();
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
};

TEST_F(EspDataTest, A5000ByteMessageArrivesInFragmentsOfBufferSize) {
  ASSERT_NO_FATAL_FAILURE(start(1024, esp_mqtt_client_ext_config_t{}));
  std::string payload = patterned(5000);
  std::vector<RecordedEvent> data = receive(payload, 5);
  ASSERT_EQ(data.size(), 5u);
  // offsets 0, 1024, 2048, 3072, 4096; the last fragment holds the remaining 904 bytes.
  const int offsets[] = {0, 1024, 2048, 3072, 4096};
  const int lengths[] = {1024, 1024, 1024, 1024, 904};
  std::string whole;
  for (std::size_t i = 0; i < data.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(data[i].current_data_offset, offsets[i]);
    EXPECT_EQ(static_cast<int>(data[i].data.size()), lengths[i]);
    EXPECT_EQ(data[i].total_data_len, 5000);
    EXPECT_EQ(data[i].qos, 1);
    EXPECT_EQ(data[i].msg_id, data[0].msg_id);
    whole += data[i].data;
  }
  EXPECT_GT(data[0].msg_id, 0);
  EXPECT_EQ(data[0].topic, "esp/big");
  for (std::size_t i = 1; i < data.size(); ++i)
    EXPECT_EQ(data[i].topic, std::nullopt) << i;
  EXPECT_EQ(whole, payload);
}

TEST_F(EspDataTest, TheDefaultBufferIs1024Bytes) {
  ASSERT_NO_FATAL_FAILURE(start(0, esp_mqtt_client_ext_config_t{}));
  std::vector<RecordedEvent> data = receive(patterned(2049), 3);
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[0].data.size(), 1024u);
  EXPECT_EQ(data[1].current_data_offset, 1024);
  EXPECT_EQ(data[2].current_data_offset, 2048);
  EXPECT_EQ(data[2].data.size(), 1u);
}

TEST_F(EspDataTest, TopicOnEveryFragmentWhenConfigured) {
  esp_mqtt_client_ext_config_t ext{};
  ext.topic_on_all_data_events = true;  // CONFIG_MQTT_TOPIC_PRESENT_ALL_DATA_EVENTS
  ASSERT_NO_FATAL_FAILURE(start(1000, ext));
  std::vector<RecordedEvent> data = receive(patterned(2500), 3);
  ASSERT_EQ(data.size(), 3u);
  for (const RecordedEvent& e : data)
    EXPECT_EQ(e.topic, "esp/big");
  EXPECT_EQ(data[2].current_data_offset, 2000);
  EXPECT_EQ(data[2].data.size(), 500u);
}

TEST_F(EspDataTest, AMessageThatFitsIsOneEvent) {
  ASSERT_NO_FATAL_FAILURE(start(1024, esp_mqtt_client_ext_config_t{}));
  std::string payload = patterned(1024);
  std::vector<RecordedEvent> data = receive(payload, 1);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].data, payload);
  EXPECT_EQ(data[0].total_data_len, 1024);
  EXPECT_EQ(data[0].current_data_offset, 0);
  EXPECT_EQ(data[0].topic, "esp/big");
}

}  // namespace
}  // namespace portmqtt::esp_test
