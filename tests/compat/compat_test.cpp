// Checks of the ESP headers that need a running program: the C _Generic subscribe macro and
// the C++ overloads reach the intended C function, and the CONFIG_MQTT_* options reach
// esp_mqtt_client_init. The library functions involved are replaced by recording fakes;
// every expected value is written out by hand. (layout_test.cpp is linked in as well;
// real_library_test.cpp runs the same C objects against libportmqtt itself.)
#include <gtest/gtest.h>

#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kconfig_app.h"
#include "kconfig_expectations.hpp"
#include "mqtt_client.h"

#ifdef esp_mqtt_client_init
#error "no CONFIG_MQTT_* option is defined here, so esp_mqtt_client_init must be the function"
#endif

namespace {

struct SubscribeCall {
  std::string function;
  std::vector<std::pair<std::string, int>> topics;
  int qos_or_size;
};

std::vector<SubscribeCall> subscribe_calls;
esp_mqtt_client_ext_config_t init_ext{};
bool init_called = false;

// Any non-null value works: the fakes never dereference the handle.
esp_mqtt_client_handle_t fake_handle() {
  return reinterpret_cast<esp_mqtt_client_handle_t>(0x1);
}

}  // namespace

extern "C" int esp_mqtt_client_subscribe_single(esp_mqtt_client_handle_t, const char* topic,
                                                int qos) {
  subscribe_calls.push_back({"single", {{topic, qos}}, qos});
  return 11;
}

extern "C" int esp_mqtt_client_subscribe_multiple(esp_mqtt_client_handle_t,
                                                  const esp_mqtt_topic_t* topic_list, int size) {
  SubscribeCall call{"multiple", {}, size};
  for (int i = 0; i < size; ++i)
    call.topics.emplace_back(topic_list[i].filter, topic_list[i].qos);
  subscribe_calls.push_back(call);
  return 22;
}

extern "C" esp_mqtt_client_handle_t esp_mqtt_client_init_with_ext_config(
    const esp_mqtt_client_config_t*, const esp_mqtt_client_ext_config_t* ext) {
  init_called = true;
  init_ext = *ext;
  return fake_handle();
}

namespace {

class EspSubscribeDispatch : public ::testing::Test {
 protected:
  void SetUp() override { subscribe_calls.clear(); }
};

TEST_F(EspSubscribeDispatch, CGenericPicksSingleForStringsAndMultipleForLists) {
  std::array<int, 4> results{};
  kconfig_app_subscribe_every_form(fake_handle(), results.data());
  // Each call returns what its fake returned: 11 from _single, 22 from _multiple.
  EXPECT_EQ(results, (std::array<int, 4>{11, 11, 22, 22}));
  ASSERT_EQ(subscribe_calls.size(), 4u);
  EXPECT_EQ(subscribe_calls[0].function, "single");  // char[] topic, qos 1
  EXPECT_EQ(subscribe_calls[0].topics,
            (std::vector<std::pair<std::string, int>>{{"/topic/mutable", 1}}));
  EXPECT_EQ(subscribe_calls[1].function, "single");  // const char* topic, qos 2
  EXPECT_EQ(subscribe_calls[1].topics,
            (std::vector<std::pair<std::string, int>>{{"/topic/const", 2}}));
  EXPECT_EQ(subscribe_calls[2].function, "multiple");  // esp_mqtt_topic_t[2]
  EXPECT_EQ(subscribe_calls[2].topics,
            (std::vector<std::pair<std::string, int>>{{"/a", 0}, {"/b", 1}}));
  EXPECT_EQ(subscribe_calls[3].function, "multiple");  // const esp_mqtt_topic_t[1]
  EXPECT_EQ(subscribe_calls[3].topics, (std::vector<std::pair<std::string, int>>{{"/c", 2}}));
}

TEST_F(EspSubscribeDispatch, CxxOverloadsForStrings) {
  const std::string topic = "/from/std/string";
  EXPECT_EQ(esp_mqtt_client_subscribe(fake_handle(), "/literal", 1), 11);
  EXPECT_EQ(esp_mqtt_client_subscribe(fake_handle(), topic, 2), 11);
  ASSERT_EQ(subscribe_calls.size(), 2u);
  EXPECT_EQ(subscribe_calls[0].function, "single");
  EXPECT_EQ(subscribe_calls[0].topics, (std::vector<std::pair<std::string, int>>{{"/literal", 1}}));
  EXPECT_EQ(subscribe_calls[1].function, "single");
  EXPECT_EQ(subscribe_calls[1].topics,
            (std::vector<std::pair<std::string, int>>{{"/from/std/string", 2}}));
}

TEST_F(EspSubscribeDispatch, CxxOverloadsForLists) {
  esp_mqtt_topic_t array[] = {{"/x", 0}, {"/y", 1}};
  const std::vector<esp_mqtt_topic_t> vector{{"/v", 2}};
  EXPECT_EQ(esp_mqtt_client_subscribe(fake_handle(), array, 2), 22);
  EXPECT_EQ(esp_mqtt_client_subscribe(fake_handle(), {{"/i", 1}, {"/j", 2}, {"/k", 0}}), 22);
  EXPECT_EQ(esp_mqtt_client_subscribe(fake_handle(), std::span(vector)), 22);
  ASSERT_EQ(subscribe_calls.size(), 3u);
  EXPECT_EQ(subscribe_calls[0].function, "multiple");
  EXPECT_EQ(subscribe_calls[0].qos_or_size, 2);
  EXPECT_EQ(subscribe_calls[0].topics,
            (std::vector<std::pair<std::string, int>>{{"/x", 0}, {"/y", 1}}));
  EXPECT_EQ(subscribe_calls[1].function, "multiple");
  EXPECT_EQ(subscribe_calls[1].qos_or_size, 3);
  EXPECT_EQ(subscribe_calls[1].topics,
            (std::vector<std::pair<std::string, int>>{{"/i", 1}, {"/j", 2}, {"/k", 0}}));
  EXPECT_EQ(subscribe_calls[2].function, "multiple");
  EXPECT_EQ(subscribe_calls[2].qos_or_size, 1);
  EXPECT_EQ(subscribe_calls[2].topics, (std::vector<std::pair<std::string, int>>{{"/v", 2}}));
}

TEST(EspKconfig, ConfigMacrosBecomeExtDefaults) {
  expect_kconfig_app_options(kconfig_app_ext_defaults());
}

TEST(EspKconfig, EspInitPassesTheFilesConfigOptions) {
  init_called = false;
  EXPECT_EQ(kconfig_app_init(), fake_handle());
  ASSERT_TRUE(init_called);
  expect_kconfig_app_options(init_ext);
}

TEST(EspKconfig, WithoutConfigMacrosEveryOptionIsItsDefault) {
  const esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  EXPECT_FALSE(ext.msg_id_incremental);
  EXPECT_FALSE(ext.skip_publish_if_disconnected);
  EXPECT_FALSE(ext.report_deleted_messages);
  EXPECT_FALSE(ext.topic_on_all_data_events);
  EXPECT_EQ(ext.outbox_expired_timeout_ms, 0);
  EXPECT_EQ(ext.event_queue_size, 0);
  EXPECT_EQ(ext.default_buffer_size, 0);
  EXPECT_EQ(ext.tcp_default_port, 0);
  EXPECT_EQ(ext.outbox_store_path, nullptr);
}

}  // namespace
