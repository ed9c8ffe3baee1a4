// mqtt5_client.h: user-property lists, the property setters (ESP one-shot semantics kept),
// and the atomic publish-with-properties extension.
#include "esp/mqtt5.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "esp/error_map.hpp"
#include "esp/facade.hpp"
#include "esp_log.h"
#include "mqtt5_client.h"

namespace portmqtt::esp {
namespace {

constexpr const char* kTag = "mqtt5_client";

void add_user_properties(mqtt5_user_property_handle_t list, Properties& props) {
  if (list == nullptr) return;
  for (const auto& [key, value] : list->items)
    props.add_user_property(key, value);
}

char* text_of(const Properties& props, PropertyId id, std::size_t& len) {
  auto text = props.text(id);
  len = text ? text->size() : 0;
  // The ESP struct has non-const pointers; handlers must treat them as read-only.
  return text ? const_cast<char*>(text->data()) : nullptr;
}

bool is_v5(esp_mqtt_client& handle) {
  portmqtt::detail::MutexLock lock(handle.mutex);
  return handle.settings.protocol == MQTT_PROTOCOL_V_5;
}

// Zero/NULL fields keep what an earlier call set (ESP-MQTT).
void merge_connect(const esp_mqtt5_connection_property_config_t& in, ConnectProperties& c) {
  if (in.session_expiry_interval != 0) c.session_expiry_interval = in.session_expiry_interval;
  if (in.maximum_packet_size != 0) c.maximum_packet_size = in.maximum_packet_size;
  if (in.receive_maximum != 0) c.receive_maximum = in.receive_maximum;
  if (in.topic_alias_maximum != 0) c.topic_alias_maximum = in.topic_alias_maximum;
  if (in.request_resp_info) c.request_response_info = true;
  if (in.request_problem_info) c.request_problem_info = true;
  if (in.user_property != nullptr) c.user_properties = in.user_property->items;
  if (in.will_delay_interval != 0) c.will_delay_interval = in.will_delay_interval;
  if (in.message_expiry_interval != 0) c.will_message_expiry_interval = in.message_expiry_interval;
  if (in.payload_format_indicator) c.will_payload_is_utf8 = true;
  if (in.content_type != nullptr) c.will_content_type = in.content_type;
  if (in.response_topic != nullptr) c.will_response_topic = in.response_topic;
  if (in.correlation_data != nullptr && in.correlation_data_len != 0)
    c.will_correlation_data = std::string(in.correlation_data, in.correlation_data_len);
  if (in.will_user_property != nullptr) c.will_user_properties = in.will_user_property->items;
}

}  // namespace

UserProperties user_properties_of(mqtt5_user_property_handle_t list) {
  return list != nullptr ? list->items : UserProperties{};
}

Properties to_properties(const esp_mqtt5_publish_property_config_t& in,
                         std::string_view response_info) {
  Properties props;
  if (in.payload_format_indicator) props.add(PropertyId::payload_format_indicator, 1U);
  if (in.message_expiry_interval != 0)
    props.add(PropertyId::message_expiry_interval, in.message_expiry_interval);
  if (in.topic_alias != 0) props.add(PropertyId::topic_alias, in.topic_alias);
  if (in.response_topic != nullptr) {
    std::string topic = in.response_topic;
    if (!response_info.empty()) topic.append("/").append(response_info);
    props.add(PropertyId::response_topic, topic);
  }
  if (in.correlation_data != nullptr && in.correlation_data_len != 0)
    props.add(PropertyId::correlation_data,
              std::string_view(in.correlation_data, in.correlation_data_len));
  if (in.content_type != nullptr) props.add(PropertyId::content_type, in.content_type);
  add_user_properties(in.user_property, props);
  return props;
}

Properties to_properties(const esp_mqtt5_subscribe_property_config_t& in) {
  Properties props;
  if (in.subscribe_id != 0) props.add(PropertyId::subscription_identifier, in.subscribe_id);
  add_user_properties(in.user_property, props);
  return props;
}

Properties to_properties(const esp_mqtt5_unsubscribe_property_config_t& in) {
  Properties props;
  add_user_properties(in.user_property, props);
  return props;
}

Properties to_properties(const DisconnectProperties& in) {
  Properties props;
  if (in.session_expiry_interval != 0 || in.session_expiry_explicit)
    props.add(PropertyId::session_expiry_interval, in.session_expiry_interval);
  for (const auto& [key, value] : in.user_properties)
    props.add_user_property(key, value);
  return props;
}

std::string shared_filter(bool is_share, const char* share_name, std::string_view filter) {
  if (!is_share || share_name == nullptr) return std::string(filter);
  return std::string("$share/").append(share_name).append("/").append(filter);
}

EventProperties::EventProperties(const Properties& props) {
  if (props.empty()) return;  // the common case (every 3.x event): nothing to look up
  property_.payload_format_indicator =
      props.number(PropertyId::payload_format_indicator).value_or(0) == 1;
  std::size_t len = 0;
  property_.response_topic = text_of(props, PropertyId::response_topic, len);
  property_.response_topic_len = static_cast<int>(len);
  property_.correlation_data = text_of(props, PropertyId::correlation_data, len);
  property_.correlation_data_len = static_cast<std::uint16_t>(std::min<std::size_t>(len, 0xFFFF));
  property_.content_type = text_of(props, PropertyId::content_type, len);
  property_.content_type_len = static_cast<int>(len);
  // ESP-MQTT reports one 16-bit subscription identifier; larger ones are capped.
  std::uint32_t sub_id = props.number(PropertyId::subscription_identifier).value_or(0);
  property_.subscribe_id = static_cast<std::uint16_t>(std::min<std::uint32_t>(sub_id, 0xFFFF));
  for (const auto& [key, value] : props.user_properties())
    users_.items.emplace_back(std::string(key), std::string(value));
  property_.user_property = users_.items.empty() ? nullptr : &users_;
}

Properties take_pending_publish_properties(esp_mqtt_client& handle) {
  if (!handle.publish_properties_pending.load(std::memory_order_acquire)) return {};
  portmqtt::detail::MutexLock lock(handle.mutex);
  const esp_mqtt5_publish_property_config_t* pending = handle.pending.publish;
  handle.pending.publish = nullptr;
  handle.publish_properties_pending.store(false, std::memory_order_relaxed);
  if (pending == nullptr || handle.settings.protocol != MQTT_PROTOCOL_V_5) return {};
  return to_properties(*pending, handle.response_info);
}

}  // namespace portmqtt::esp

using portmqtt::esp::is_v5;
using portmqtt::esp::kTag;

extern "C" {

esp_err_t esp_mqtt5_client_set_user_property(mqtt5_user_property_handle_t* user_property,
                                             esp_mqtt5_user_property_item_t item[],
                                             uint8_t item_num) {
  if (user_property == nullptr || (item == nullptr && item_num != 0)) return ESP_FAIL;
  for (uint8_t i = 0; i < item_num; ++i)
    if (item[i].key == nullptr || item[i].value == nullptr) return ESP_FAIL;
  try {
    mqtt5_user_property_handle_t list = *user_property;
    if (list == nullptr) list = new mqtt5_user_property_list_t;
    for (uint8_t i = 0; i < item_num; ++i)
      list->items.emplace_back(item[i].key, item[i].value);
    *user_property = list;
  } catch (const std::bad_alloc&) {
    return ESP_ERR_NO_MEM;
  }
  return ESP_OK;
}

esp_err_t esp_mqtt5_client_get_user_property(mqtt5_user_property_handle_t user_property,
                                             esp_mqtt5_user_property_item_t* item,
                                             uint8_t* item_num) {
  if (user_property == nullptr || item == nullptr || item_num == nullptr || *item_num == 0)
    return ESP_FAIL;
  uint8_t written = 0;
  for (const auto& [key, value] : user_property->items) {
    if (written == *item_num) break;
    char* k = strdup(key.c_str());
    char* v = strdup(value.c_str());
    if (k == nullptr || v == nullptr) {
      std::free(k);
      std::free(v);
      return ESP_ERR_NO_MEM;
    }
    item[written++] = {k, v};
  }
  *item_num = written;
  return ESP_OK;
}

uint8_t esp_mqtt5_client_get_user_property_count(mqtt5_user_property_handle_t user_property) {
  if (user_property == nullptr) return 0;
  return static_cast<uint8_t>(std::min<std::size_t>(user_property->items.size(), 255));
}

void esp_mqtt5_client_delete_user_property(mqtt5_user_property_handle_t user_property) {
  delete user_property;
}

esp_err_t esp_mqtt5_client_set_connect_property(
    esp_mqtt5_client_handle_t client,
    const esp_mqtt5_connection_property_config_t* connect_property) {
  if (client == nullptr || connect_property == nullptr) return ESP_ERR_INVALID_ARG;
  portmqtt::detail::MutexLock lock(client->mutex);
  if (client->settings.protocol != MQTT_PROTOCOL_V_5) {
    ESP_LOGE(kTag, "connect properties need MQTT 5 (session.protocol_ver)");
    return ESP_FAIL;
  }
  portmqtt::esp::merge_connect(*connect_property, client->settings.connect_properties.edit());
  return portmqtt::esp::to_esp_err(
      client->client->set_config(portmqtt::esp::current_config(*client)));
}

esp_err_t esp_mqtt5_client_set_publish_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_publish_property_config_t* property) {
  if (client == nullptr || property == nullptr) return ESP_ERR_INVALID_ARG;
  if (!is_v5(*client)) return ESP_FAIL;
  if (property->topic_alias > client->client->server().topic_alias_maximum) {
    ESP_LOGE(kTag, "topic alias %u is above the broker's maximum", property->topic_alias);
    return ESP_FAIL;
  }
  portmqtt::detail::MutexLock lock(client->mutex);
  client->pending.publish = property;
  client->publish_properties_pending.store(true, std::memory_order_release);
  return ESP_OK;
}

esp_err_t esp_mqtt5_client_set_subscribe_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_subscribe_property_config_t* property) {
  if (client == nullptr || property == nullptr) return ESP_ERR_INVALID_ARG;
  if (!is_v5(*client)) return ESP_FAIL;
  if (property->retain_handle > 2) {
    ESP_LOGE(kTag, "retain_handle must be 0, 1 or 2");
    return ESP_FAIL;
  }
  if (property->is_share_subscribe) {
    if (property->no_local_flag) {
      ESP_LOGE(kTag, "no_local is a protocol error on a shared subscription");
      return ESP_FAIL;
    }
    if (!client->client->server().shared_subscription_available) {
      ESP_LOGE(kTag, "the broker does not offer shared subscriptions");
      return ESP_FAIL;
    }
    if (property->share_name == nullptr || property->share_name[0] == '\0') {
      ESP_LOGE(kTag, "a shared subscription needs share_name");
      return ESP_FAIL;
    }
  }
  portmqtt::detail::MutexLock lock(client->mutex);
  client->pending.subscribe = property;
  return ESP_OK;
}

esp_err_t esp_mqtt5_client_set_unsubscribe_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_unsubscribe_property_config_t* property) {
  if (client == nullptr || property == nullptr) return ESP_ERR_INVALID_ARG;
  if (!is_v5(*client)) return ESP_FAIL;
  if (property->is_share_subscribe &&
      (property->share_name == nullptr || property->share_name[0] == '\0')) {
    ESP_LOGE(kTag, "a shared unsubscribe needs share_name");
    return ESP_FAIL;
  }
  portmqtt::detail::MutexLock lock(client->mutex);
  client->pending.unsubscribe = property;
  return ESP_OK;
}

esp_err_t esp_mqtt5_client_set_disconnect_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_disconnect_property_config_t* property) {
  if (client == nullptr || property == nullptr) return ESP_ERR_INVALID_ARG;
  portmqtt::detail::MutexLock lock(client->mutex);
  if (client->settings.protocol != MQTT_PROTOCOL_V_5) return ESP_FAIL;
  client->pending.disconnect = portmqtt::esp::DisconnectProperties{
      property->session_expiry_interval, false, property->disconnect_reason,
      portmqtt::esp::user_properties_of(property->user_property)};
  return ESP_OK;
}

esp_err_t esp_mqtt5_client_set_disconnect_session_expiry(esp_mqtt_client_handle_t client,
                                                         uint32_t seconds) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  portmqtt::detail::MutexLock lock(client->mutex);
  if (client->settings.protocol != MQTT_PROTOCOL_V_5) return ESP_FAIL;
  if (!client->pending.disconnect) client->pending.disconnect.emplace();
  client->pending.disconnect->session_expiry_interval = seconds;
  client->pending.disconnect->session_expiry_explicit = true;
  return ESP_OK;
}

int esp_mqtt_client_publish_with_properties(esp_mqtt_client_handle_t client, const char* topic,
                                            const char* data, int len, int qos, int retain,
                                            const esp_mqtt5_publish_property_config_t* properties) {
  using portmqtt::esp::SendMode;
  if (client == nullptr) return portmqtt::esp::kMsgIdError;
  portmqtt::Properties props;
  if (properties != nullptr) {
    portmqtt::detail::MutexLock lock(client->mutex);
    if (client->settings.protocol != MQTT_PROTOCOL_V_5) return portmqtt::esp::kMsgIdError;
    props = portmqtt::esp::to_properties(*properties, client->response_info);
  }
  return portmqtt::esp::send_message(client, topic, data, len, qos, retain, SendMode::publish,
                                     props);
}

int esp_mqtt_client_enqueue_with_properties(esp_mqtt_client_handle_t client, const char* topic,
                                            const char* data, int len, int qos, int retain,
                                            bool store,
                                            const esp_mqtt5_publish_property_config_t* properties) {
  using portmqtt::esp::SendMode;
  if (client == nullptr) return portmqtt::esp::kMsgIdError;
  portmqtt::Properties props;
  if (properties != nullptr) {
    portmqtt::detail::MutexLock lock(client->mutex);
    if (client->settings.protocol != MQTT_PROTOCOL_V_5) return portmqtt::esp::kMsgIdError;
    props = portmqtt::esp::to_properties(*properties, client->response_info);
  }
  return portmqtt::esp::send_message(client, topic, data, len, qos, retain,
                                     store ? SendMode::enqueue_and_store : SendMode::enqueue,
                                     props);
}

}  // extern "C"
