// MQTT 5 properties (§2.2.2): identifiers, wire types, where each may appear, and a container.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portmqtt::codec {

/// All 27 property identifiers of MQTT 5.
enum class PropertyId : std::uint8_t {
  payload_format_indicator = 0x01,
  message_expiry_interval = 0x02,
  content_type = 0x03,
  response_topic = 0x08,
  correlation_data = 0x09,
  subscription_identifier = 0x0B,
  session_expiry_interval = 0x11,
  assigned_client_identifier = 0x12,
  server_keep_alive = 0x13,
  authentication_method = 0x15,
  authentication_data = 0x16,
  request_problem_information = 0x17,
  will_delay_interval = 0x18,
  request_response_information = 0x19,
  response_information = 0x1A,
  server_reference = 0x1C,
  reason_string = 0x1F,
  receive_maximum = 0x21,
  topic_alias_maximum = 0x22,
  topic_alias = 0x23,
  maximum_qos = 0x24,
  retain_available = 0x25,
  user_property = 0x26,
  maximum_packet_size = 0x27,
  wildcard_subscription_available = 0x28,
  subscription_identifier_available = 0x29,
  shared_subscription_available = 0x2A,
};

/// How a property value is laid out on the wire.
enum class PropertyType : std::uint8_t {
  byte,
  two_byte_integer,
  four_byte_integer,
  variable_byte_integer,
  utf8_string,
  binary_data,
  utf8_string_pair,
};

/// Where a property list appears. `will` is the will-properties block inside CONNECT.
enum class PropertyContext : std::uint8_t {
  connect,
  connack,
  publish,
  will,
  puback,
  pubrec,
  pubrel,
  pubcomp,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  disconnect,
  auth,
};

/// True when `id` is one of the 27 identifiers.
bool is_known_property(std::uint8_t id);
/// Wire type of a known property.
PropertyType property_type(PropertyId id);
/// Whether the property may appear in that context (MQTT 5 §2.2.2.2 table).
bool is_property_allowed(PropertyId id, PropertyContext context);
/// Whether the property may appear more than once in that context: User Property anywhere,
/// Subscription Identifier in PUBLISH. Every other property is "at most once".
bool allows_repetition(PropertyId id, PropertyContext context);
/// Name of the property as in the specification ("Receive Maximum").
std::string_view to_string(PropertyId id);

/// One property. Integers of every width live in `number`; UTF-8 strings and binary data in
/// `text` (binary data may hold any byte); a User Property has its name in `text` and its value
/// in `value`. Views borrow from the decoder's input or from the caller's strings.
struct Property {
  PropertyId id{};
  std::uint32_t number = 0;
  std::string_view text;
  std::string_view value;

  friend bool operator==(const Property&, const Property&) = default;
};

/// An ordered property list. Order is kept, which matters for User Properties (§3.1.2.11.8).
class Properties {
 public:
  Properties() = default;

  /// Adds an integer-valued property (byte, two-/four-byte or variable byte integer).
  Properties& add(PropertyId id, std::uint32_t number);
  /// Adds a UTF-8 string or binary-data property.
  Properties& add(PropertyId id, std::string_view text);
  /// Adds a User Property (name, value). Repetition and order are kept.
  Properties& add_user_property(std::string_view name, std::string_view value);

  /// First property with this id, or nullptr.
  const Property* find(PropertyId id) const;
  /// Value of an integer property, if present.
  std::optional<std::uint32_t> number(PropertyId id) const;
  /// Value of a string or binary property, if present.
  std::optional<std::string_view> text(PropertyId id) const;

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  void clear() { items_.clear(); }
  void push_back(const Property& p) { items_.push_back(p); }
  const std::vector<Property>& items() const { return items_; }

  friend bool operator==(const Properties&, const Properties&) = default;

 private:
  std::vector<Property> items_;
};

/// A property list that owns its strings, for properties kept beyond one call (CONNECT and
/// will properties in a session's configuration, properties of a queued message).
class OwnedProperties {
 public:
  struct Item {
    PropertyId id{};
    std::uint32_t number = 0;
    std::string text;
    std::string value;
    friend bool operator==(const Item&, const Item&) = default;
  };

  OwnedProperties() = default;
  /// Deep copy of a borrowed list.
  explicit OwnedProperties(const Properties& props);

  OwnedProperties& add(PropertyId id, std::uint32_t number);
  OwnedProperties& add(PropertyId id, std::string_view text);
  OwnedProperties& add_user_property(std::string_view name, std::string_view value);

  /// A borrowed view of the items, valid until this object changes or dies.
  Properties view() const;

  bool empty() const { return items_.empty(); }
  const std::vector<Item>& items() const { return items_; }
  friend bool operator==(const OwnedProperties&, const OwnedProperties&) = default;

 private:
  std::vector<Item> items_;
};

}  // namespace portmqtt::codec
