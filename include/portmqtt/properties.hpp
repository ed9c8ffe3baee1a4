/// \file
/// MQTT 5 properties as the public API holds them: an ordered list that owns its strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portmqtt {

/// The 27 property identifiers of MQTT 5 (§2.2.2.2), with their wire values.
enum class PropertyId : std::uint8_t {
  payload_format_indicator = 0x01,           ///< byte: 0 unspecified bytes, 1 UTF-8 text
  message_expiry_interval = 0x02,            ///< four-byte integer, seconds
  content_type = 0x03,                       ///< UTF-8 string
  response_topic = 0x08,                     ///< UTF-8 string
  correlation_data = 0x09,                   ///< binary data
  subscription_identifier = 0x0B,            ///< variable byte integer, 1..268435455
  session_expiry_interval = 0x11,            ///< four-byte integer, seconds
  assigned_client_identifier = 0x12,         ///< UTF-8 string (CONNACK)
  server_keep_alive = 0x13,                  ///< two-byte integer, seconds (CONNACK)
  authentication_method = 0x15,              ///< UTF-8 string
  authentication_data = 0x16,                ///< binary data
  request_problem_information = 0x17,        ///< byte
  will_delay_interval = 0x18,                ///< four-byte integer, seconds
  request_response_information = 0x19,       ///< byte
  response_information = 0x1A,               ///< UTF-8 string (CONNACK)
  server_reference = 0x1C,                   ///< UTF-8 string (CONNACK, DISCONNECT)
  reason_string = 0x1F,                      ///< UTF-8 string
  receive_maximum = 0x21,                    ///< two-byte integer
  topic_alias_maximum = 0x22,                ///< two-byte integer
  topic_alias = 0x23,                        ///< two-byte integer (PUBLISH)
  maximum_qos = 0x24,                        ///< byte (CONNACK)
  retain_available = 0x25,                   ///< byte (CONNACK)
  user_property = 0x26,                      ///< UTF-8 string pair, may repeat
  maximum_packet_size = 0x27,                ///< four-byte integer
  wildcard_subscription_available = 0x28,    ///< byte (CONNACK)
  subscription_identifier_available = 0x29,  ///< byte (CONNACK)
  shared_subscription_available = 0x2A,      ///< byte (CONNACK)
};

/// An ordered list of MQTT 5 properties that owns its strings.
///
/// Used for what the application sends (CONNECT, will, PUBLISH, SUBSCRIBE, UNSUBSCRIBE,
/// DISCONNECT, AUTH properties) and for what events report. Order is kept, which matters for
/// User Properties (MQTT 5 §3.1.2.11.8). Which property is allowed on which packet is checked
/// when the packet is built: a publish with a property not allowed on PUBLISH fails with
/// errc::invalid_argument. On an MQTT 3.x connection properties are ignored, except that a
/// non-empty list passed to a command fails with errc::not_supported_by_version.
///
/// A plain value type: not synchronised, copy it to share it between threads.
class Properties {
 public:
  /// One property. Integers of every width live in `number`; UTF-8 strings and binary data in
  /// `text` (binary data may hold any byte, NUL included); a User Property keeps its name in
  /// `text` and its value in `value`.
  struct Item {
    PropertyId id{};
    std::uint32_t number = 0;
    std::string text;
    std::string value;
    friend bool operator==(const Item&, const Item&) = default;
  };

  Properties() = default;

  /// Appends an integer property (byte, two- or four-byte, or variable byte integer).
  Properties& add(PropertyId id, std::uint32_t number);
  /// Appends a UTF-8 string or binary-data property.
  Properties& add(PropertyId id, std::string_view text);
  /// Appends a User Property. Names may repeat; order is kept.
  Properties& add_user_property(std::string_view name, std::string_view value);

  /// First property with this id, or nullptr.
  const Item* find(PropertyId id) const noexcept;
  /// Value of the first integer property with this id.
  std::optional<std::uint32_t> number(PropertyId id) const noexcept;
  /// Value of the first string or binary property with this id. The view lives as long as
  /// this list is not changed or destroyed.
  std::optional<std::string_view> text(PropertyId id) const noexcept;
  /// Every User Property as (name, value), in order; views into this list.
  std::vector<std::pair<std::string_view, std::string_view>> user_properties() const;
  /// Every value of a property that may repeat (Subscription Identifier in PUBLISH).
  std::vector<std::uint32_t> numbers(PropertyId id) const;

  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  const std::vector<Item>& items() const noexcept { return items_; }
  void clear() noexcept { items_.clear(); }
  /// Removes every property with this id.
  void erase(PropertyId id);

  friend bool operator==(const Properties&, const Properties&) = default;

 private:
  std::vector<Item> items_;
};

}  // namespace portmqtt
