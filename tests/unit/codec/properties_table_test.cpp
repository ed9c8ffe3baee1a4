// Property metadata (MQTT 5 §2.2.2.2) and the Properties / OwnedProperties containers.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

using C = PropertyContext;
using Id = PropertyId;
using T = PropertyType;

struct Row {
  Id id;
  T type;
  std::vector<C> contexts;
  const char* name;
};

// The specification's table, written out row by row.
const std::vector<Row>& spec_table() {
  static const std::vector<Row> rows = {
      {Id::payload_format_indicator, T::byte, {C::publish, C::will}, "Payload Format Indicator"},
      {Id::message_expiry_interval,
       T::four_byte_integer,
       {C::publish, C::will},
       "Message Expiry Interval"},
      {Id::content_type, T::utf8_string, {C::publish, C::will}, "Content Type"},
      {Id::response_topic, T::utf8_string, {C::publish, C::will}, "Response Topic"},
      {Id::correlation_data, T::binary_data, {C::publish, C::will}, "Correlation Data"},
      {Id::subscription_identifier,
       T::variable_byte_integer,
       {C::publish, C::subscribe},
       "Subscription Identifier"},
      {Id::session_expiry_interval,
       T::four_byte_integer,
       {C::connect, C::connack, C::disconnect},
       "Session Expiry Interval"},
      {Id::assigned_client_identifier, T::utf8_string, {C::connack}, "Assigned Client Identifier"},
      {Id::server_keep_alive, T::two_byte_integer, {C::connack}, "Server Keep Alive"},
      {Id::authentication_method,
       T::utf8_string,
       {C::connect, C::connack, C::auth},
       "Authentication Method"},
      {Id::authentication_data,
       T::binary_data,
       {C::connect, C::connack, C::auth},
       "Authentication Data"},
      {Id::request_problem_information, T::byte, {C::connect}, "Request Problem Information"},
      {Id::will_delay_interval, T::four_byte_integer, {C::will}, "Will Delay Interval"},
      {Id::request_response_information, T::byte, {C::connect}, "Request Response Information"},
      {Id::response_information, T::utf8_string, {C::connack}, "Response Information"},
      {Id::server_reference, T::utf8_string, {C::connack, C::disconnect}, "Server Reference"},
      {Id::reason_string,
       T::utf8_string,
       {C::connack, C::puback, C::pubrec, C::pubrel, C::pubcomp, C::suback, C::unsuback,
        C::disconnect, C::auth},
       "Reason String"},
      {Id::receive_maximum, T::two_byte_integer, {C::connect, C::connack}, "Receive Maximum"},
      {Id::topic_alias_maximum,
       T::two_byte_integer,
       {C::connect, C::connack},
       "Topic Alias Maximum"},
      {Id::topic_alias, T::two_byte_integer, {C::publish}, "Topic Alias"},
      {Id::maximum_qos, T::byte, {C::connack}, "Maximum QoS"},
      {Id::retain_available, T::byte, {C::connack}, "Retain Available"},
      {Id::user_property,
       T::utf8_string_pair,
       {C::connect, C::connack, C::publish, C::will, C::puback, C::pubrec, C::pubrel, C::pubcomp,
        C::subscribe, C::suback, C::unsubscribe, C::unsuback, C::disconnect, C::auth},
       "User Property"},
      {Id::maximum_packet_size,
       T::four_byte_integer,
       {C::connect, C::connack},
       "Maximum Packet Size"},
      {Id::wildcard_subscription_available,
       T::byte,
       {C::connack},
       "Wildcard Subscription Available"},
      {Id::subscription_identifier_available,
       T::byte,
       {C::connack},
       "Subscription Identifier Available"},
      {Id::shared_subscription_available, T::byte, {C::connack}, "Shared Subscription Available"},
  };
  return rows;
}

constexpr C kAllContexts[] = {C::connect,     C::connack,  C::publish,    C::will,      C::puback,
                              C::pubrec,      C::pubrel,   C::pubcomp,    C::subscribe, C::suback,
                              C::unsubscribe, C::unsuback, C::disconnect, C::auth};

bool contains(const std::vector<C>& list, C c) {
  for (C x : list) {
    if (x == c) return true;
  }
  return false;
}

TEST(PropertyTable, KnowsExactlyThe27Identifiers) {
  EXPECT_EQ(spec_table().size(), 27U);
  int known = 0;
  for (int id = 0; id < 256; ++id)
    known += is_known_property(static_cast<std::uint8_t>(id));
  EXPECT_EQ(known, 27);
  for (const Row& row : spec_table()) {
    EXPECT_TRUE(is_known_property(static_cast<std::uint8_t>(row.id))) << row.name;
  }
  EXPECT_FALSE(is_known_property(0x00));
  EXPECT_FALSE(is_known_property(0x04));
  EXPECT_FALSE(is_known_property(0x2B));
}

TEST(PropertyTable, WireTypesMatchTheSpecification) {
  for (const Row& row : spec_table())
    EXPECT_EQ(property_type(row.id), row.type) << row.name;
}

TEST(PropertyTable, NamesMatchTheSpecification) {
  for (const Row& row : spec_table())
    EXPECT_EQ(to_string(row.id), row.name);
  EXPECT_EQ(to_string(static_cast<PropertyId>(0x05)), "Unknown property");
}

TEST(PropertyTable, ContextsMatchTheSpecification) {
  for (const Row& row : spec_table()) {
    for (C c : kAllContexts) {
      EXPECT_EQ(is_property_allowed(row.id, c), contains(row.contexts, c))
          << row.name << " in context " << static_cast<int>(c);
    }
  }
  EXPECT_FALSE(is_property_allowed(static_cast<PropertyId>(0x05), C::publish));
}

TEST(PropertyTable, RepetitionOnlyForUserPropertyAndSubscriptionIdInPublish) {
  for (const Row& row : spec_table()) {
    for (C c : kAllContexts) {
      const bool expected =
          row.id == Id::user_property || (row.id == Id::subscription_identifier && c == C::publish);
      EXPECT_EQ(allows_repetition(row.id, c), expected) << row.name;
    }
  }
}

TEST(Properties, AddKeepsOrderAndFindsTheFirst) {
  Properties props;
  props.add(Id::message_expiry_interval, 60U)
      .add(Id::content_type, "text/plain")
      .add_user_property("k", "v1")
      .add_user_property("k", "v2");
  ASSERT_EQ(props.size(), 4U);
  EXPECT_EQ(props.items()[2], (Property{Id::user_property, 0, "k", "v1"}));
  EXPECT_EQ(props.items()[3], (Property{Id::user_property, 0, "k", "v2"}));
  EXPECT_EQ(props.find(Id::user_property)->value, "v1");
  EXPECT_EQ(props.find(Id::topic_alias), nullptr);
}

TEST(Properties, TypedAccessors) {
  Properties props;
  props.add(Id::message_expiry_interval, 60U)
      .add(Id::correlation_data, std::string_view("\0\1", 2));
  EXPECT_EQ(props.number(Id::message_expiry_interval), 60U);
  EXPECT_EQ(props.number(Id::topic_alias), std::nullopt);       // absent
  EXPECT_EQ(props.number(Id::correlation_data), std::nullopt);  // not a number
  EXPECT_EQ(props.text(Id::correlation_data), std::string_view("\0\1", 2));
  EXPECT_EQ(props.text(Id::message_expiry_interval), std::nullopt);  // not text
  EXPECT_EQ(props.text(Id::content_type), std::nullopt);             // absent
}

TEST(Properties, EmptyAndClear) {
  Properties props;
  EXPECT_TRUE(props.empty());
  props.add(Id::topic_alias, 3U);
  EXPECT_FALSE(props.empty());
  props.clear();
  EXPECT_TRUE(props.empty());
}

TEST(OwnedProperties, OutlivesTheStringsItWasBuiltFrom) {
  OwnedProperties owned;
  {
    std::string name = "name";
    std::string value = "value";
    std::string type = "application/json";
    Properties borrowed;
    borrowed.add_user_property(name, value).add(Id::content_type, type).add(Id::topic_alias, 7U);
    owned = OwnedProperties(borrowed);
    name.assign("XXXX");
    type.assign("YYYY");
  }
  const Properties view = owned.view();
  ASSERT_EQ(view.size(), 3U);
  EXPECT_EQ(view.items()[0], (Property{Id::user_property, 0, "name", "value"}));
  EXPECT_EQ(view.items()[1], (Property{Id::content_type, 0, "application/json", ""}));
  EXPECT_EQ(view.items()[2], (Property{Id::topic_alias, 7, "", ""}));
}

TEST(OwnedProperties, AddAndCompare) {
  OwnedProperties a;
  a.add(Id::receive_maximum, 10U)
      .add(Id::authentication_method, "SCRAM")
      .add_user_property("a", "b");
  OwnedProperties b;
  b.add(Id::receive_maximum, 10U)
      .add(Id::authentication_method, "SCRAM")
      .add_user_property("a", "b");
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a.empty());
  ASSERT_EQ(a.items().size(), 3U);
  EXPECT_EQ(a.items()[1].text, "SCRAM");
  b.add_user_property("c", "d");
  EXPECT_NE(a, b);
  EXPECT_TRUE(OwnedProperties{}.empty());
}

}  // namespace
}  // namespace portmqtt::codec::test
