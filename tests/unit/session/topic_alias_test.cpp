// Outbound topic aliases: aliases defined by QoS 1/2 PUBLISHes, alias-only publishes, and
// automatic aliases. Inbound aliases are in publish_in_test.cpp.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;

const Bytes kConnackAliasMax2{0x20, 0x06, 0x00, 0x00,  // CONNACK, remaining 6, success
                              0x03,                    // properties: 3 bytes
                              0x22, 0x00, 0x02};       // topic alias maximum 2

codec::Publish aliased(std::string_view topic, std::uint16_t alias, QoS qos) {
  codec::Publish p;
  p.topic = topic;
  p.payload = "hi";
  p.qos = qos;
  p.props.add(PropertyId::topic_alias, alias);
  return p;
}

// The interoperability case test_client_topic_alias: topic + alias 1 at QoS 1, then the alias
// alone. It used to fail locally with topic_alias_invalid.
TEST(TopicAliasOut, AliasDefinedByQos1ServesLaterAliasOnlyPublishes) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(kConnackAliasMax2);
  ASSERT_EQ(h.session.publish(aliased("t", 1, QoS::at_least_once), h.now()).packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x0B,        // PUBLISH QoS 1, remaining 11
                               0x00, 0x01, 't',   // topic
                               0x00, 0x01,        // packet id 1
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h', 'i'}));
  ASSERT_TRUE(h.session.publish(aliased("", 1, QoS::at_most_once), h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x08,        // PUBLISH QoS 0, remaining 8
                               0x00, 0x00,        // empty topic
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h', 'i'}));
  ASSERT_EQ(h.session.publish(aliased("", 1, QoS::exactly_once), h.now()).packet_id, 2);
  EXPECT_EQ(h.output(), (Bytes{0x34, 0x0A,        // PUBLISH QoS 2, remaining 10
                               0x00, 0x00,        // empty topic
                               0x00, 0x02,        // packet id 2
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h', 'i'}));

  // On the next connection the broker knows no alias: the first resend carries the topic
  // again (its record always kept it), the second may then use the alias alone. (No session
  // on the broker: both go again as new messages, without DUP.)
  h.session.connection_lost(h.now());
  h.connect_with(kConnackAliasMax2);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x0B,        // PUBLISH QoS 1, remaining 11
                               0x00, 0x01, 't',   // topic
                               0x00, 0x01,        // packet id 1
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h',  'i',         //
                               0x34, 0x0A,        // PUBLISH QoS 2, remaining 10
                               0x00, 0x00,        // empty topic
                               0x00, 0x02,        // packet id 2
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h',  'i'}));
  // An alias-only publish needs a definition on this connection.
  EXPECT_EQ(h.session.publish(aliased("", 1, QoS::at_most_once), h.now()).error,
            errc::topic_alias_invalid);
}

TEST(TopicAliasOut, AliasOnlyPublishWhileTheDefinitionWaitsForTheWindow) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x09, 0x00, 0x00,  // CONNACK, remaining 9, success
                  0x06,                    // properties: 6 bytes
                  0x22, 0x00, 0x02,        // topic alias maximum 2
                  0x21, 0x00, 0x01});      // receive maximum 1
  ASSERT_EQ(h.publish("a", "x", QoS::at_least_once).packet_id, 1);
  h.output();
  ASSERT_EQ(h.session.publish(aliased("t", 1, QoS::at_least_once), h.now()).packet_id, 2);
  EXPECT_EQ(h.output(), Bytes{});  // waits for the window
  // The broker does not know alias 1 yet: the QoS 0 message defines it itself.
  ASSERT_TRUE(h.session.publish(aliased("", 1, QoS::at_most_once), h.now()));
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x09,        // PUBLISH QoS 0, remaining 9
                               0x00, 0x01, 't',   // topic
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h', 'i'}));
  h.feed({0x40, 0x02, 0x00, 0x01});               // PUBACK id 1: the window opens
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x0A,        // PUBLISH QoS 1, remaining 10
                               0x00, 0x00,        // empty topic: alias 1 is "t" already
                               0x00, 0x02,        // packet id 2
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x01,  // topic alias 1
                               'h', 'i'}));
}

Config with_auto_aliases(std::uint16_t count) {
  Config c = config_for(ProtocolVersion::v5);
  c.auto_topic_aliases = count;
  return c;
}

Bytes qos0_with_topic(char letter, std::uint8_t alias) {
  return {0x30,
          0x0B,  // PUBLISH QoS 0, remaining 11
          0x00,
          0x04,  // topic length 4
          static_cast<std::uint8_t>(letter),
          static_cast<std::uint8_t>(letter),
          static_cast<std::uint8_t>(letter),
          static_cast<std::uint8_t>(letter),
          0x03,  // properties: 3 bytes
          0x23,
          0x00,
          alias,  // topic alias
          'x'};
}

Bytes qos0_alias_only(std::uint8_t alias) {
  return {0x30, 0x07,         // PUBLISH QoS 0, remaining 7
          0x00, 0x00,         // empty topic
          0x03,               // properties: 3 bytes
          0x23, 0x00, alias,  // topic alias
          'x'};
}

TEST(TopicAliasOut, AutomaticAliasesWithinOurCountAndLeastRecentlyUsedReplacement) {
  Harness h(with_auto_aliases(2));
  h.connect_with({0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x0A});  // topic alias maximum 10
  auto send = [&](std::string_view topic) {
    EXPECT_TRUE(h.publish(topic, "x", QoS::at_most_once));
    return h.output();
  };
  EXPECT_EQ(send("aaaa"), qos0_with_topic('a', 1));
  EXPECT_EQ(send("aaaa"), qos0_alias_only(1));
  EXPECT_EQ(send("bbbb"), qos0_with_topic('b', 2));
  EXPECT_EQ(send("aaaa"), qos0_alias_only(1));
  EXPECT_EQ(send("cccc"), qos0_with_topic('c', 2));  // b was the least recently used
  EXPECT_EQ(send("bbbb"), qos0_with_topic('b', 1));  // and now a
  EXPECT_EQ(send("cccc"), qos0_alias_only(2));
  EXPECT_EQ(send("t"), (Bytes{0x30, 0x05, 0x00, 0x01, 't', 0x00, 'x'}));  // too short to gain

  // QoS 1: the record keeps the topic; the wire form uses the alias.
  ASSERT_EQ(h.publish("cccc", "x", QoS::at_least_once).packet_id, 1);
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x09,        // PUBLISH QoS 1, remaining 9
                               0x00, 0x00,        // empty topic
                               0x00, 0x01,        // packet id 1
                               0x03,              // properties: 3 bytes
                               0x23, 0x00, 0x02,  // topic alias 2
                               'x'}));
  // A new connection starts with no alias: the resend carries the topic.
  h.session.connection_lost(h.now());
  h.connect_with({0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x0A});
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x0D,  // PUBLISH QoS 1 (as new: no session), remaining 13
                               0x00, 0x04, 'c', 'c', 'c', 'c',  // topic
                               0x00, 0x01,                      // packet id 1
                               0x03,                            // properties: 3 bytes
                               0x23, 0x00, 0x01,                // topic alias 1
                               'x'}));
  EXPECT_EQ(send("cccc"), qos0_alias_only(1));
  EXPECT_EQ(send("aaaa"), qos0_with_topic('a', 2));
}

TEST(TopicAliasOut, AutomaticAliasesNeedTheBrokersMaximum) {
  Harness h(with_auto_aliases(8));
  h.connect_with(connack_v5());  // no Topic Alias Maximum: the broker takes no aliases
  ASSERT_TRUE(h.publish("aaaa", "x", QoS::at_most_once));
  ASSERT_TRUE(h.publish("aaaa", "x", QoS::at_most_once));
  const Bytes plain{0x30, 0x08, 0x00, 0x04, 'a', 'a', 'a', 'a', 0x00, 'x'};
  EXPECT_EQ(h.output(), cat({plain, plain}));
}

TEST(TopicAliasOut, AutomaticAliasesLeaveTheApplicationsOwnAlone) {
  Harness h(with_auto_aliases(1));
  h.connect_with(kConnackAliasMax2);
  ASSERT_TRUE(h.publish("aaaa", "x", QoS::at_most_once));
  EXPECT_EQ(h.output(), qos0_with_topic('a', 1));
  codec::Publish p = aliased("bbbb", 2, QoS::at_most_once);
  p.payload = "x";
  ASSERT_TRUE(h.session.publish(p, h.now()));
  EXPECT_EQ(h.output(), qos0_with_topic('b', 2));
  ASSERT_TRUE(h.publish("aaaa", "x", QoS::at_most_once));
  EXPECT_EQ(h.output(), qos0_alias_only(1));
}

TEST(TopicAliasOut, AutomaticAliasIsDroppedWhenItWouldExceedTheMaximumPacketSize) {
  Harness h(with_auto_aliases(2));
  h.connect_with({0x20, 0x0B, 0x00, 0x00,                  // CONNACK, remaining 11, success
                  0x08,                                    // properties: 8 bytes
                  0x22, 0x00, 0x02,                        // topic alias maximum 2
                  0x27, 0x00, 0x00, 0x00, 0x0A});          // maximum packet size 10
  ASSERT_TRUE(h.publish("aaaa", "x", QoS::at_most_once));  // 10 bytes plain, 13 with alias
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x08, 0x00, 0x04, 'a', 'a', 'a', 'a', 0x00, 'x'}));
  ASSERT_TRUE(h.publish("aaaa", "x", QoS::at_most_once));  // still not mapped
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x08, 0x00, 0x04, 'a', 'a', 'a', 'a', 0x00, 'x'}));
}

}  // namespace
}  // namespace portmqtt::session::test
