// MQTT 5 pieces of the facade: the user-property list behind mqtt5_user_property_handle_t,
// and conversions between ESP's property structs and portmqtt::Properties.
#pragma once

#include <string_view>

#include "esp/config_map.hpp"
#include "mqtt_client.h"
#include "portmqtt/properties.hpp"

/// The list a mqtt5_user_property_handle_t points to (opaque in mqtt5_client.h).
struct mqtt5_user_property_list_t {
  portmqtt::esp::UserProperties items;
};

namespace portmqtt::esp {

/// Items of a list handle; empty for NULL.
UserProperties user_properties_of(mqtt5_user_property_handle_t list);

/// PUBLISH properties. ESP-MQTT appends "/<response information>" to the response topic
/// when the broker sent Response Information in CONNACK; `response_info` carries it.
Properties to_properties(const esp_mqtt5_publish_property_config_t& in,
                         std::string_view response_info);
/// SUBSCRIBE properties (subscription identifier, user properties); the options and the
/// share name are applied by the caller.
Properties to_properties(const esp_mqtt5_subscribe_property_config_t& in);
Properties to_properties(const esp_mqtt5_unsubscribe_property_config_t& in);
Properties to_properties(const DisconnectProperties& in);

/// "$share/<name>/<filter>" when the property asks for a shared subscription, else filter.
std::string shared_filter(bool is_share, const char* share_name, std::string_view filter);

/// An esp_mqtt5_event_property_t describing `props`, with the storage its pointers need.
/// The pointers refer into `props`, which must outlive this object.
class EventProperties {
 public:
  EventProperties() = default;
  explicit EventProperties(const Properties& props);
  EventProperties(const EventProperties&) = delete;
  EventProperties& operator=(const EventProperties&) = delete;

  esp_mqtt5_event_property_t* get() noexcept { return &property_; }
  /// CONNECTED only: fills property->server from CONNACK.
  void set_server(const esp_mqtt5_server_resp_property_t& server) noexcept {
    property_.server = server;
  }

 private:
  esp_mqtt5_event_property_t property_{};
  mqtt5_user_property_list_t users_;
};

}  // namespace portmqtt::esp
