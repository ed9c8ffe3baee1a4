// outbox_store_path through the ESP API: a message whose publish returned an id survives the
// client and is reported PUBLISHED, with that id, by the next client on the same file; a store
// in use or not a store makes init fail.
#include <gtest/gtest.h>

#include <string>

#include "esp_recorder.hpp"
#include "mosquitto.hpp"
#include "mqtt_client.h"

namespace portmqtt::esp_test {
namespace {

using test::Mosquitto;
using test::TempDir;

class EspStoreTest : public ::testing::Test {
 protected:
  esp_mqtt_client_config_t config() {
    esp_mqtt_client_config_t c{};
    c.broker.address.uri = uri.c_str();
    c.credentials.client_id = "esp-store";
    c.session.disable_clean_session = true;
    c.network.reconnect_timeout_ms = 200;
    return c;
  }
  esp_mqtt_client_ext_config_t ext() {
    esp_mqtt_client_ext_config_t e{};
    e.outbox_store_path = path.c_str();
    return e;
  }

  Mosquitto broker;
  std::string uri = broker.uri();
  TempDir dir;
  std::string path = (dir.path() / "outbox.db").string();
};

TEST_F(EspStoreTest, AnEnqueuedMessageIsPublishedByTheNextClientWithItsId) {
  test::MosquittoSub sub{
      broker,
      {.topic = "esp/store", .qos = 1, .count = 2, .timeout_s = 20, .client_id = "esp-store-sub"}};
  ASSERT_TRUE(sub.wait_subscribed());
  const esp_mqtt_client_config_t c = config();
  const esp_mqtt_client_ext_config_t e = ext();
  int first_id = 0;
  int second_id = 0;
  {
    ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &e)};
    ASSERT_TRUE(client);
    first_id = esp_mqtt_client_enqueue(client.get(), "esp/store", "one", 0, 1, 0, true);
    second_id = esp_mqtt_client_enqueue(client.get(), "esp/store", "two", 0, 2, 0, true);
    ASSERT_GT(first_id, 0);
    ASSERT_GT(second_id, 0);
  }  // destroyed without ever connecting: the messages are only in the file
  ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &e)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  EXPECT_GT(esp_mqtt_client_get_outbox_size(client.get()), 0);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_PUBLISHED, 2));
  std::vector<int> ids;
  for (const RecordedEvent& event : rec.of(MQTT_EVENT_PUBLISHED))
    ids.push_back(event.msg_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<int>{std::min(first_id, second_id), std::max(first_id, second_id)}));
  ASSERT_EQ(sub.wait(std::chrono::seconds(20)), 0);
  EXPECT_EQ(sub.output(), "onetwo");
}

TEST_F(EspStoreTest, AStoreInUseOrNotAStoreMakesInitFail) {
  const esp_mqtt_client_config_t c = config();
  const esp_mqtt_client_ext_config_t e = ext();
  ClientPtr holder{esp_mqtt_client_init_with_ext_config(&c, &e)};
  ASSERT_TRUE(holder);
  EXPECT_FALSE(ClientPtr(esp_mqtt_client_init_with_ext_config(&c, &e)));  // locked
  holder.reset();
  test::write_file(path, "not a database");
  EXPECT_FALSE(ClientPtr(esp_mqtt_client_init_with_ext_config(&c, &e)));
  EXPECT_EQ(test::read_file(path), "not a database");
  esp_mqtt_client_ext_config_t fresh = e;
  fresh.outbox_store_start_fresh = true;
  EXPECT_TRUE(ClientPtr(esp_mqtt_client_init_with_ext_config(&c, &fresh)));
}

TEST_F(EspStoreTest, SetExtConfigOpensTheStoreOrFails) {
  const esp_mqtt_client_config_t c = config();
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  esp_mqtt_client_ext_config_t e = ext();
  ASSERT_EQ(esp_mqtt_client_set_ext_config(client.get(), &e), ESP_OK);
  esp_mqtt_client_ext_config_t read{};
  ASSERT_EQ(esp_mqtt_client_get_ext_config(client.get(), &read), ESP_OK);
  EXPECT_STREQ(read.outbox_store_path, path.c_str());
  // Another client cannot take the same file.
  ClientPtr other{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(other);
  EXPECT_EQ(esp_mqtt_client_set_ext_config(other.get(), &e), ESP_FAIL);
  e.outbox_store_group_commit_ms = -1;
  EXPECT_EQ(esp_mqtt_client_set_ext_config(client.get(), &e), ESP_ERR_INVALID_ARG);
}

}  // namespace
}  // namespace portmqtt::esp_test
