// mqtt5_client.h end to end: properties the ESP client sends, as an independent paho MQTT 5
// peer sees them, and properties paho sends, as ESP events report them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "esp_recorder.hpp"
#include "mosquitto.hpp"
#include "mqtt5_client.h"
#include "process.hpp"

namespace portmqtt::esp_test {
namespace {

using test::Mosquitto;
using test::MosquittoOptions;
using test::Process;

// Runs tests/esp/paho_v5_peer.py.
class PahoPeer {
 public:
  PahoPeer(const Mosquitto& broker, std::vector<std::string> args, const std::string& name)
      : out_(broker.dir() / (name + ".out")) {
    std::vector<std::string> argv{"/usr/bin/python3", PAHO_PEER};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = std::make_unique<Process>(argv, out_, broker.dir() / (name + ".err"));
  }
  std::optional<int> wait() { return process_->wait(30s); }
  std::string output() const { return test::read_file(out_); }

 private:
  std::filesystem::path out_;
  std::unique_ptr<Process> process_;
};

class EspMqtt5Test : public ::testing::Test {
 protected:
  ClientPtr start_v5(const char* id, std::unique_ptr<EspRecorder>& rec,
                     const esp_mqtt_client_config_t* base = nullptr) {
    esp_mqtt_client_config_t c = base != nullptr ? *base : esp_mqtt_client_config_t{};
    c.broker.address.uri = uri.c_str();
    c.credentials.client_id = id;
    c.session.protocol_ver = MQTT_PROTOCOL_V_5;
    ClientPtr client{esp_mqtt_client_init(&c)};
    if (!client) return client;
    rec = std::make_unique<EspRecorder>(client.get());
    EXPECT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
    EXPECT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
    return client;
  }
  // A paho subscriber on `topic` that prints `count` messages; returns once it is subscribed.
  std::unique_ptr<PahoPeer> paho_subscriber(const std::string& topic, int count) {
    auto peer = std::make_unique<PahoPeer>(
        broker,
        std::vector<std::string>{"sub", std::to_string(broker.port()), "paho-sub", topic,
                                 std::to_string(count)},
        "paho-sub");
    EXPECT_TRUE(broker.wait_for_log("Sending SUBACK to paho-sub", 20s)) << broker.log();
    return peer;
  }

  Mosquitto broker;
  std::string uri = broker.uri();
};

TEST(EspUserProperties, ListsAreBuiltCountedCopiedAndFreed) {
  mqtt5_user_property_handle_t list = nullptr;
  esp_mqtt5_user_property_item_t first[] = {{"k1", "v1"}, {"k2", "v2"}};
  ASSERT_EQ(esp_mqtt5_client_set_user_property(&list, first, 2), ESP_OK);
  esp_mqtt5_user_property_item_t more[] = {{"k1", "again"}};
  ASSERT_EQ(esp_mqtt5_client_set_user_property(&list, more, 1), ESP_OK);  // appends
  EXPECT_EQ(esp_mqtt5_client_get_user_property_count(list), 3);
  std::vector<std::pair<std::string, std::string>> expected{
      {"k1", "v1"}, {"k2", "v2"}, {"k1", "again"}};
  EXPECT_EQ(read_user_properties(list), expected);

  esp_mqtt5_user_property_item_t two[2];
  std::uint8_t n = 2;  // room for fewer than the list holds
  ASSERT_EQ(esp_mqtt5_client_get_user_property(list, two, &n), ESP_OK);
  EXPECT_EQ(n, 2);
  EXPECT_STREQ(two[1].key, "k2");
  for (auto& item : two) {
    std::free(const_cast<char*>(item.key));
    std::free(const_cast<char*>(item.value));
  }
  n = 0;
  EXPECT_EQ(esp_mqtt5_client_get_user_property(list, two, &n), ESP_FAIL);
  esp_mqtt5_user_property_item_t null_value[] = {{"k", nullptr}};
  EXPECT_EQ(esp_mqtt5_client_set_user_property(&list, null_value, 1), ESP_FAIL);
  EXPECT_EQ(esp_mqtt5_client_set_user_property(nullptr, first, 2), ESP_FAIL);
  EXPECT_EQ(esp_mqtt5_client_get_user_property_count(nullptr), 0);
  esp_mqtt5_client_delete_user_property(list);
  esp_mqtt5_client_delete_user_property(nullptr);
}

TEST_F(EspMqtt5Test, OneShotPublishPropertiesApplyToTheNextPublishOnly) {
  auto peer = paho_subscriber("esp/v5/out", 2);
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = start_v5("v5-out", rec);
  ASSERT_TRUE(client);
  mqtt5_user_property_handle_t users = nullptr;
  esp_mqtt5_user_property_item_t items[] = {{"k1", "v1"}, {"k2", "v2"}};
  ASSERT_EQ(esp_mqtt5_client_set_user_property(&users, items, 2), ESP_OK);
  esp_mqtt5_publish_property_config_t props{};
  props.payload_format_indicator = true;
  props.response_topic = "esp/v5/reply";
  props.correlation_data =
      "\x01\x02"
      "corr";
  props.correlation_data_len = 6;
  props.content_type = "application/json";
  props.user_property = users;
  ASSERT_EQ(esp_mqtt5_client_set_publish_property(client.get(), &props), ESP_OK);
  EXPECT_GT(esp_mqtt_client_publish(client.get(), "esp/v5/out", "first", 0, 1, 0), 0);
  EXPECT_GT(esp_mqtt_client_publish(client.get(), "esp/v5/out", "second", 0, 1, 0), 0);
  ASSERT_EQ(peer->wait(), 0) << peer->output();
  EXPECT_EQ(peer->output(),
            "topic=esp/v5/out\n"
            "payload=first\n"
            "PayloadFormatIndicator=1\n"
            "ResponseTopic=esp/v5/reply\n"
            "ContentType=application/json\n"
            "CorrelationData=0102636f7272\n"  // 01 02 'c' 'o' 'r' 'r'
            "UserProperty=k1:v1\n"
            "UserProperty=k2:v2\n"
            "\n"
            "topic=esp/v5/out\n"
            "payload=second\n"
            "\n");
  esp_mqtt5_client_delete_user_property(users);
}

TEST_F(EspMqtt5Test, PublishWithPropertiesLeavesThePendingOneShotForTheNextPlainPublish) {
  auto peer = paho_subscriber("esp/v5/atomic", 2);
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = start_v5("v5-atomic", rec);
  ASSERT_TRUE(client);
  esp_mqtt5_publish_property_config_t one_shot{};
  one_shot.content_type = "one-shot";
  ASSERT_EQ(esp_mqtt5_client_set_publish_property(client.get(), &one_shot), ESP_OK);
  esp_mqtt5_publish_property_config_t own{};
  own.content_type = "own";
  own.response_topic = "esp/v5/own-reply";
  EXPECT_GT(
      esp_mqtt_client_publish_with_properties(client.get(), "esp/v5/atomic", "a", 1, 1, 0, &own),
      0);
  EXPECT_GT(esp_mqtt_client_publish(client.get(), "esp/v5/atomic", "b", 1, 1, 0), 0);
  ASSERT_EQ(peer->wait(), 0) << peer->output();
  EXPECT_EQ(peer->output(),
            "topic=esp/v5/atomic\npayload=a\nResponseTopic=esp/v5/own-reply\nContentType=own\n\n"
            "topic=esp/v5/atomic\npayload=b\nContentType=one-shot\n\n");
}

TEST_F(EspMqtt5Test, PropertiesOnAnMqtt3ClientAreRefused) {
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  esp_mqtt5_publish_property_config_t props{};
  props.content_type = "x";
  EXPECT_EQ(esp_mqtt5_client_set_publish_property(client.get(), &props), ESP_FAIL);
  EXPECT_EQ(esp_mqtt_client_publish_with_properties(client.get(), "t", "d", 1, 1, 0, &props), -1);
  esp_mqtt5_connection_property_config_t connect{};
  EXPECT_EQ(esp_mqtt5_client_set_connect_property(client.get(), &connect), ESP_FAIL);
  esp_mqtt5_subscribe_property_config_t sub{};
  EXPECT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &sub), ESP_FAIL);
  esp_mqtt5_disconnect_property_config_t disc{};
  EXPECT_EQ(esp_mqtt5_client_set_disconnect_property(client.get(), &disc), ESP_FAIL);
}

TEST_F(EspMqtt5Test, PropertiesFromAPahoPublisherAppearInTheDataEvent) {
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = start_v5("v5-in", rec);
  ASSERT_TRUE(client);
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/v5/in", 1), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  EXPECT_EQ(rec->of(MQTT_EVENT_SUBSCRIBED)[0].reason_code, MQTT5_GRANTED_QOS1);
  PahoPeer pub(broker, {"pub", std::to_string(broker.port()), "paho-pub", "esp/v5/in", "ping"},
               "paho-pub");
  ASSERT_EQ(pub.wait(), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DATA));
  RecordedEvent data = rec->of(MQTT_EVENT_DATA)[0];
  EXPECT_EQ(data.protocol_ver, MQTT_PROTOCOL_V_5);
  EXPECT_EQ(data.data, "ping");
  EXPECT_EQ(data.response_topic, "reply/here");
  EXPECT_EQ(data.correlation_data, std::string("\x01\x02"
                                               "corr",
                                               6));
  EXPECT_EQ(data.content_type, "text/plain");
  EXPECT_TRUE(data.payload_format_utf8);
  std::vector<std::pair<std::string, std::string>> expected{{"origin", "paho"}, {"lang", "python"}};
  EXPECT_EQ(data.user_properties, expected);
}

TEST_F(EspMqtt5Test, SubscriptionIdentifierAndSharedSubscriptionOneShots) {
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = start_v5("v5-sub", rec);
  ASSERT_TRUE(client);
  esp_mqtt5_subscribe_property_config_t bad{};
  bad.retain_handle = 3;
  EXPECT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &bad), ESP_FAIL);
  bad = {};
  bad.is_share_subscribe = true;  // without a share name
  EXPECT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &bad), ESP_FAIL);
  bad.share_name = "group";
  bad.no_local_flag = true;  // a protocol error on a shared subscription
  EXPECT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &bad), ESP_FAIL);

  esp_mqtt5_subscribe_property_config_t with_id{};
  with_id.subscribe_id = 7;
  ASSERT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &with_id), ESP_OK);
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/v5/sid", 1), 0);
  esp_mqtt5_subscribe_property_config_t shared{};
  shared.is_share_subscribe = true;
  shared.share_name = "group";
  ASSERT_EQ(esp_mqtt5_client_set_subscribe_property(client.get(), &shared), ESP_OK);
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/v5/shared", 0), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED, 2));
  EXPECT_TRUE(broker.wait_for_log("$share/group/esp/v5/shared", 5s)) << broker.log();

  ASSERT_GT(esp_mqtt_client_publish(client.get(), "esp/v5/sid", "id?", 0, 1, 0), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DATA));
  EXPECT_EQ(rec->of(MQTT_EVENT_DATA)[0].subscribe_id, 7);
}

TEST(EspMqtt5Server, ConnectedReportsWhatTheBrokerGranted) {
  Mosquitto broker{
      MosquittoOptions{.extra_config = "max_topic_alias 5\nretain_available false\nmax_qos 1\n"}};
  std::string uri = broker.uri();
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  c.session.protocol_ver = MQTT_PROTOCOL_V_5;
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  const esp_mqtt5_server_resp_property_t server = rec.of(MQTT_EVENT_CONNECTED)[0].server;
  EXPECT_EQ(server.topic_alias_maximum, 5);
  EXPECT_FALSE(server.retain_available);
  EXPECT_EQ(server.max_qos, 1);
  EXPECT_EQ(server.maximum_packet_size, 0u);  // mosquitto announces no limit

  esp_mqtt5_publish_property_config_t alias{};
  alias.topic_alias = 6;
  EXPECT_EQ(esp_mqtt5_client_set_publish_property(client.get(), &alias), ESP_FAIL);
  alias.topic_alias = 5;
  EXPECT_EQ(esp_mqtt5_client_set_publish_property(client.get(), &alias), ESP_OK);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/v5/r", "retained?", 0, 1, 1), -1);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/v5/q", "qos 2?", 0, 2, 0), -1);
}

TEST_F(EspMqtt5Test, DisconnectPropertyWithWillReasonMakesTheBrokerPublishTheWill) {
  test::MosquittoSub watcher(broker, test::SubOptions{.topic = "esp/v5/will",
                                                      .qos = 1,
                                                      .count = 1,
                                                      .timeout_s = 20,
                                                      .v5 = false,
                                                      .clean = true,
                                                      .client_id = "will-watcher"});
  ASSERT_TRUE(watcher.wait_subscribed());
  esp_mqtt_client_config_t c{};
  c.session.last_will.topic = "esp/v5/will";
  c.session.last_will.msg = "gone";
  c.session.last_will.qos = 1;
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = start_v5("v5-will", rec, &c);
  ASSERT_TRUE(client);
  esp_mqtt5_disconnect_property_config_t disconnect{};
  disconnect.disconnect_reason = MQTT5_DISCONNECT_WITH_WILL;
  ASSERT_EQ(esp_mqtt5_client_set_disconnect_property(client.get(), &disconnect), ESP_OK);
  ASSERT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);
  ASSERT_EQ(watcher.wait(20s), 0);
  EXPECT_EQ(watcher.output(), "gone");
}

TEST_F(EspMqtt5Test, SessionExpiryFromConnectPropertiesKeepsTheSession) {
  esp_mqtt_client_config_t c{};
  c.session.disable_clean_session = true;
  esp_mqtt_client_config_t base = c;
  base.broker.address.uri = uri.c_str();
  base.credentials.client_id = "v5-session";
  base.session.protocol_ver = MQTT_PROTOCOL_V_5;
  ClientPtr client{esp_mqtt_client_init(&base)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  esp_mqtt5_connection_property_config_t connect{};
  connect.session_expiry_interval = 60;
  ASSERT_EQ(esp_mqtt5_client_set_connect_property(client.get(), &connect), ESP_OK);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_EQ(rec.of(MQTT_EVENT_CONNECTED)[0].session_present, 0);
  ASSERT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED, 2));
  EXPECT_EQ(rec.of(MQTT_EVENT_CONNECTED)[1].session_present, 1);
}

}  // namespace
}  // namespace portmqtt::esp_test
