#include "codec/properties.hpp"

#include <array>

namespace portmqtt::codec {
namespace {

// One bit per PropertyContext, so the table below reads like the specification's table.
constexpr std::uint16_t bit(PropertyContext c) {
  return static_cast<std::uint16_t>(1U << static_cast<unsigned>(c));
}
constexpr std::uint16_t kConnect = bit(PropertyContext::connect);
constexpr std::uint16_t kConnack = bit(PropertyContext::connack);
constexpr std::uint16_t kPublish = bit(PropertyContext::publish);
constexpr std::uint16_t kWill = bit(PropertyContext::will);
constexpr std::uint16_t kPuback = bit(PropertyContext::puback);
constexpr std::uint16_t kPubrec = bit(PropertyContext::pubrec);
constexpr std::uint16_t kPubrel = bit(PropertyContext::pubrel);
constexpr std::uint16_t kPubcomp = bit(PropertyContext::pubcomp);
constexpr std::uint16_t kSubscribe = bit(PropertyContext::subscribe);
constexpr std::uint16_t kSuback = bit(PropertyContext::suback);
constexpr std::uint16_t kUnsubscribe = bit(PropertyContext::unsubscribe);
constexpr std::uint16_t kUnsuback = bit(PropertyContext::unsuback);
constexpr std::uint16_t kDisconnect = bit(PropertyContext::disconnect);
constexpr std::uint16_t kAuth = bit(PropertyContext::auth);
constexpr std::uint16_t kAnywhere = kConnect | kConnack | kPublish | kWill | kPuback | kPubrec |
                                    kPubrel | kPubcomp | kSubscribe | kSuback | kUnsubscribe |
                                    kUnsuback | kDisconnect | kAuth;
// Reason String may appear on every packet that carries a reason code.
constexpr std::uint16_t kWithReason =
    kConnack | kPuback | kPubrec | kPubrel | kPubcomp | kSuback | kUnsuback | kDisconnect | kAuth;

struct PropertyInfo {
  std::string_view name;  // empty: not a property identifier
  PropertyType type = PropertyType::byte;
  std::uint16_t contexts = 0;
};

// MQTT 5 §2.2.2.2, indexed by identifier.
constexpr std::array<PropertyInfo, 0x2B> kTable = [] {
  using T = PropertyType;
  std::array<PropertyInfo, 0x2B> t{};
  t[0x01] = {"Payload Format Indicator", T::byte, kPublish | kWill};
  t[0x02] = {"Message Expiry Interval", T::four_byte_integer, kPublish | kWill};
  t[0x03] = {"Content Type", T::utf8_string, kPublish | kWill};
  t[0x08] = {"Response Topic", T::utf8_string, kPublish | kWill};
  t[0x09] = {"Correlation Data", T::binary_data, kPublish | kWill};
  t[0x0B] = {"Subscription Identifier", T::variable_byte_integer, kPublish | kSubscribe};
  t[0x11] = {"Session Expiry Interval", T::four_byte_integer, kConnect | kConnack | kDisconnect};
  t[0x12] = {"Assigned Client Identifier", T::utf8_string, kConnack};
  t[0x13] = {"Server Keep Alive", T::two_byte_integer, kConnack};
  t[0x15] = {"Authentication Method", T::utf8_string, kConnect | kConnack | kAuth};
  t[0x16] = {"Authentication Data", T::binary_data, kConnect | kConnack | kAuth};
  t[0x17] = {"Request Problem Information", T::byte, kConnect};
  t[0x18] = {"Will Delay Interval", T::four_byte_integer, kWill};
  t[0x19] = {"Request Response Information", T::byte, kConnect};
  t[0x1A] = {"Response Information", T::utf8_string, kConnack};
  t[0x1C] = {"Server Reference", T::utf8_string, kConnack | kDisconnect};
  t[0x1F] = {"Reason String", T::utf8_string, kWithReason};
  t[0x21] = {"Receive Maximum", T::two_byte_integer, kConnect | kConnack};
  t[0x22] = {"Topic Alias Maximum", T::two_byte_integer, kConnect | kConnack};
  t[0x23] = {"Topic Alias", T::two_byte_integer, kPublish};
  t[0x24] = {"Maximum QoS", T::byte, kConnack};
  t[0x25] = {"Retain Available", T::byte, kConnack};
  t[0x26] = {"User Property", T::utf8_string_pair, kAnywhere};
  t[0x27] = {"Maximum Packet Size", T::four_byte_integer, kConnect | kConnack};
  t[0x28] = {"Wildcard Subscription Available", T::byte, kConnack};
  t[0x29] = {"Subscription Identifier Available", T::byte, kConnack};
  t[0x2A] = {"Shared Subscription Available", T::byte, kConnack};
  return t;
}();

const PropertyInfo* info(std::uint8_t id) {
  if (id >= kTable.size() || kTable[id].name.empty()) return nullptr;
  return &kTable[id];
}

bool is_number_type(PropertyType type) {
  return type == PropertyType::byte || type == PropertyType::two_byte_integer ||
         type == PropertyType::four_byte_integer || type == PropertyType::variable_byte_integer;
}

}  // namespace

bool is_known_property(std::uint8_t id) {
  return info(id) != nullptr;
}

PropertyType property_type(PropertyId id) {
  const PropertyInfo* p = info(static_cast<std::uint8_t>(id));
  return p != nullptr ? p->type : PropertyType::byte;
}

bool is_property_allowed(PropertyId id, PropertyContext context) {
  const PropertyInfo* p = info(static_cast<std::uint8_t>(id));
  return p != nullptr && (p->contexts & bit(context)) != 0;
}

bool allows_repetition(PropertyId id, PropertyContext context) {
  if (id == PropertyId::user_property) return true;
  return id == PropertyId::subscription_identifier && context == PropertyContext::publish;
}

std::string_view to_string(PropertyId id) {
  const PropertyInfo* p = info(static_cast<std::uint8_t>(id));
  return p != nullptr ? p->name : std::string_view{"Unknown property"};
}

// --- Properties -------------------------------------------------------------------------------

Properties& Properties::add(PropertyId id, std::uint32_t number) {
  items_.push_back(Property{id, number, {}, {}});
  return *this;
}

Properties& Properties::add(PropertyId id, std::string_view text) {
  items_.push_back(Property{id, 0, text, {}});
  return *this;
}

Properties& Properties::add_user_property(std::string_view name, std::string_view value) {
  items_.push_back(Property{PropertyId::user_property, 0, name, value});
  return *this;
}

const Property* Properties::find(PropertyId id) const {
  for (const Property& p : items_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::optional<std::uint32_t> Properties::number(PropertyId id) const {
  if (!is_number_type(property_type(id))) return std::nullopt;
  const Property* p = find(id);
  if (p == nullptr) return std::nullopt;
  return p->number;
}

std::optional<std::string_view> Properties::text(PropertyId id) const {
  if (is_number_type(property_type(id))) return std::nullopt;
  const Property* p = find(id);
  if (p == nullptr) return std::nullopt;
  return p->text;
}

// --- OwnedProperties --------------------------------------------------------------------------

OwnedProperties::OwnedProperties(const Properties& props) {
  items_.reserve(props.size());
  for (const Property& p : props) {
    items_.push_back(Item{p.id, p.number, std::string(p.text), std::string(p.value)});
  }
}

OwnedProperties& OwnedProperties::add(PropertyId id, std::uint32_t number) {
  items_.push_back(Item{id, number, {}, {}});
  return *this;
}

OwnedProperties& OwnedProperties::add(PropertyId id, std::string_view text) {
  items_.push_back(Item{id, 0, std::string(text), {}});
  return *this;
}

OwnedProperties& OwnedProperties::add_user_property(std::string_view name, std::string_view value) {
  items_.push_back(Item{PropertyId::user_property, 0, std::string(name), std::string(value)});
  return *this;
}

Properties OwnedProperties::view() const {
  Properties out;
  for (const Item& item : items_) {
    out.push_back(Property{item.id, item.number, item.text, item.value});
  }
  return out;
}

}  // namespace portmqtt::codec
