// The ESP facade's cluster options (esp_mqtt_client_ext_config_t): a failover broker list,
// automatic topic aliases and re-subscription, against mosquitto.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <csignal>
#include <string>
#include <thread>

#include "esp_recorder.hpp"
#include "mosquitto.hpp"
#include "mqtt_client.h"
#include "tls_certs.hpp"

namespace portmqtt::esp_test {
namespace {

using test::Mosquitto;

esp_mqtt_client_config_t config_for(const std::string& uri, const char* id) {
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  c.credentials.client_id = id;
  c.network.reconnect_timeout_ms = 200;
  return c;
}

TEST(EspCluster, BrokerListFailsOverToTheNextUriAndIsCopied) {
  Mosquitto broker;
  const std::string dead = "mqtt://127.0.0.1:" + std::to_string(test::free_port());
  const std::string uri = broker.uri();
  std::string second = uri;  // the caller's storage, changed after init
  const char* list[] = {second.c_str(), nullptr};
  esp_mqtt_client_config_t c = config_for(dead, "esp-failover");
  c.network.reconnect_timeout_ms = 60000;  // only the list can bring it to the broker at once
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  ext.broker_uris = list;
  ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &ext)};
  ASSERT_TRUE(client);
  second.assign(second.size(), 'x');
  list[0] = nullptr;
  esp_mqtt_client_ext_config_t stored{};
  ASSERT_EQ(esp_mqtt_client_get_ext_config(client.get(), &stored), ESP_OK);
  ASSERT_NE(stored.broker_uris, nullptr);
  ASSERT_NE(stored.broker_uris[0], nullptr);
  EXPECT_EQ(std::string{stored.broker_uris[0]}, uri);
  EXPECT_EQ(stored.broker_uris[1], nullptr);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_EQ(rec.count(MQTT_EVENT_BEFORE_CONNECT), 2u);
  EXPECT_TRUE(broker.wait_for_log("as esp-failover", 5s));
}

TEST(EspCluster, ExtConfigFromGetExtConfigCanBeSetAgain) {
  const std::string uri = "mqtt://127.0.0.1:1";
  esp_mqtt_client_config_t c = config_for(uri, "esp-ext-again");
  std::string first = "mqtt://127.0.0.1:2";
  std::string proxy = "socks5h://127.0.0.1:3";
  const char* list[] = {first.c_str(), nullptr};
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  EXPECT_EQ(ext.proxy_uri, nullptr);
  ext.broker_uris = list;
  ext.proxy_uri = proxy.c_str();
  ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &ext)};
  ASSERT_TRUE(client);
  esp_mqtt_client_ext_config_t stored{};
  ASSERT_EQ(esp_mqtt_client_get_ext_config(client.get(), &stored), ESP_OK);
  first.assign(first.size(), 'x');
  proxy.assign(proxy.size(), 'x');
  // What get_ext_config() returned points at the client's own copies: setting it again must
  // keep them valid.
  ASSERT_EQ(esp_mqtt_client_set_ext_config(client.get(), &stored), ESP_OK);
  esp_mqtt_client_ext_config_t again{};
  ASSERT_EQ(esp_mqtt_client_get_ext_config(client.get(), &again), ESP_OK);
  ASSERT_NE(again.broker_uris, nullptr);
  EXPECT_EQ(std::string{again.broker_uris[0]}, "mqtt://127.0.0.1:2");
  EXPECT_EQ(again.broker_uris[1], nullptr);
  EXPECT_EQ(std::string{again.proxy_uri}, "socks5h://127.0.0.1:3");
}

// The socket of this process connected to `port` on loopback, or -1.
int socket_connected_to(int port) {
  for (int fd = 0; fd < 1024; ++fd) {
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) continue;
    if (peer.sin_family == AF_INET && ntohs(peer.sin_port) == port) return fd;
  }
  return -1;
}

TEST(EspCluster, TcpUserTimeoutReachesTheSocketAndANegativeOneIsRefused) {
  Mosquitto broker;
  const std::string uri = broker.uri();
  esp_mqtt_client_config_t c = config_for(uri, "esp-user-timeout");
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  EXPECT_EQ(ext.tcp_user_timeout_ms, 0);
  ext.tcp_user_timeout_ms = -1;
  EXPECT_EQ(esp_mqtt_client_init_with_ext_config(&c, &ext), nullptr);
  ext.tcp_user_timeout_ms = 2500;
  ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &ext)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  const int fd = socket_connected_to(broker.port());
  ASSERT_GE(fd, 0);
  unsigned int value = 0;
  socklen_t length = sizeof value;
  ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &value, &length), 0);
  EXPECT_EQ(value, 2500U);
}

TEST(EspCluster, ResubscribingIsOffByDefaultAndOnWhenAsked) {
  for (bool on : {false, true}) {
    Mosquitto broker;
    const std::string uri = broker.uri();
    const std::string id = on ? "esp-resub-on" : "esp-resub-off";
    esp_mqtt_client_config_t c = config_for(uri, id.c_str());
    esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
    EXPECT_FALSE(ext.resubscribe_on_session_lost);
    ext.resubscribe_on_session_lost = on;
    ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &ext)};
    ASSERT_TRUE(client);
    EspRecorder rec{client.get()};
    ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
    ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
    ASSERT_GT(esp_mqtt_client_subscribe(client.get(), "esp/rs/#", 1), 0);
    ASSERT_TRUE(rec.wait_for(MQTT_EVENT_SUBSCRIBED));
    broker.stop(SIGTERM);
    broker.start();
    ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED, 2));
    if (on) {
      ASSERT_TRUE(rec.wait_for(MQTT_EVENT_SUBSCRIBED, 2));
    } else {
      std::this_thread::sleep_for(300ms);
      EXPECT_EQ(rec.count(MQTT_EVENT_SUBSCRIBED), 1u);
    }
    EXPECT_EQ(broker.count_in_log("Received SUBSCRIBE from " + id), on ? 2u : 1u) << broker.log();
  }
}

TEST(EspCluster, AutomaticTopicAliasesReachTheSubscriberWithFullTopics) {
  Mosquitto broker;
  test::MosquittoSub sub{broker,
                         {.topic = "esp/alias/#",
                          .count = 6,
                          .v5 = true,
                          .client_id = "esp-alias-sub",
                          .format = "%t=%p"}};
  ASSERT_TRUE(sub.wait_subscribed());
  const std::string uri = broker.uri();
  esp_mqtt_client_config_t c = config_for(uri, "esp-alias");
  c.session.protocol_ver = MQTT_PROTOCOL_V_5;
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  ext.auto_topic_aliases = 2;
  ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &ext)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  std::string expected;
  for (int i = 0; i < 6; ++i) {
    const std::string topic = "esp/alias/sensor-" + std::to_string(i % 3);
    ASSERT_GE(esp_mqtt_client_publish(client.get(), topic.c_str(), "v", 1, 0, 0), 0);
    expected += topic + "=v\n";
  }
  ASSERT_EQ(sub.wait(10s), 0) << broker.log();
  EXPECT_EQ(sub.output(), expected);
  EXPECT_EQ(rec.count(MQTT_EVENT_ERROR), 0u);
}

}  // namespace
}  // namespace portmqtt::esp_test
