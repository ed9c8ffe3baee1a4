// The ESP API between C callers and the real libportmqtt (the library that is installed, with
// only its exported symbols), where compat_test.cpp uses fakes: the options a C file sets
// with CONFIG_MQTT_* macros arrive in the client, and every subscribe form, from C and from
// C++, reaches the library and gets ESP-MQTT's answer for a client that is not connected
// (-1). Nothing here connects.
#include <gtest/gtest.h>

#include <array>
#include <span>
#include <string>
#include <vector>

#include "kconfig_app.h"
#include "kconfig_expectations.hpp"
#include "mqtt_client.h"

namespace {

// Destroys the client at the end of a test, also when an assertion ends it early.
class ClientGuard {
 public:
  explicit ClientGuard(esp_mqtt_client_handle_t client) : client_(client) {}
  ~ClientGuard() {
    if (client_ != nullptr) esp_mqtt_client_destroy(client_);
  }
  ClientGuard(const ClientGuard&) = delete;
  ClientGuard& operator=(const ClientGuard&) = delete;
  esp_mqtt_client_handle_t get() const { return client_; }

 private:
  esp_mqtt_client_handle_t client_;
};

esp_mqtt_client_handle_t make_unstarted_client() {
  esp_mqtt_client_config_t config{};
  config.broker.address.uri = "mqtt://127.0.0.1";
  return esp_mqtt_client_init(&config);
}

TEST(EspRealLibrary, ConfigMacrosOfACFileReachTheClient) {
  ClientGuard client(kconfig_app_init());
  ASSERT_NE(client.get(), nullptr);
  esp_mqtt_client_ext_config_t ext{};
  ASSERT_EQ(esp_mqtt_client_get_ext_config(client.get(), &ext), ESP_OK);
  expect_kconfig_app_options(ext);
}

TEST(EspRealLibrary, CSubscribeFormsNeedAConnection) {
  ClientGuard client(make_unstarted_client());
  ASSERT_NE(client.get(), nullptr);
  std::array<int, 4> results{};
  kconfig_app_subscribe_every_form(client.get(), results.data());
  EXPECT_EQ(results, (std::array<int, 4>{-1, -1, -1, -1}));
}

TEST(EspRealLibrary, CxxSubscribeOverloadsNeedAConnection) {
  ClientGuard client(make_unstarted_client());
  ASSERT_NE(client.get(), nullptr);
  const std::string topic = "/from/std/string";
  esp_mqtt_topic_t array[] = {{"/x", 0}, {"/y", 1}};
  const std::vector<esp_mqtt_topic_t> vector{{"/v", 2}};
  EXPECT_EQ(esp_mqtt_client_subscribe(client.get(), "/literal", 1), -1);
  EXPECT_EQ(esp_mqtt_client_subscribe(client.get(), topic, 2), -1);
  EXPECT_EQ(esp_mqtt_client_subscribe(client.get(), array, 2), -1);
  EXPECT_EQ(esp_mqtt_client_subscribe(client.get(), {{"/i", 1}, {"/j", 2}}), -1);
  EXPECT_EQ(esp_mqtt_client_subscribe(client.get(), std::span(vector)), -1);
}

}  // namespace
