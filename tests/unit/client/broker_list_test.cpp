// The broker list (failover order, stickiness, rounds) and MQTT 5 server redirection
// (Server Reference parsing, following, chains and loops), without sockets.
#include <gtest/gtest.h>

#include "client/broker_list.hpp"
#include "portmqtt/error.hpp"
#include "transport/server_reference.hpp"

namespace portmqtt::detail {
namespace {

using transport::parse_server_reference;
using transport::ServerAddress;

TEST(ServerReference, ParsesTheFormsOfTheSpecification) {
  EXPECT_EQ(parse_server_reference("myserver.xyz.org"),
            (std::vector<ServerAddress>{{"myserver.xyz.org", std::nullopt}}));
  EXPECT_EQ(parse_server_reference("myserver.xyz.org:8883"),
            (std::vector<ServerAddress>{{"myserver.xyz.org", 8883}}));
  EXPECT_EQ(parse_server_reference("10.10.151.22:8883 [fe80::9610:3eff:fe1c]:1883"),
            (std::vector<ServerAddress>{{"10.10.151.22", 8883}, {"fe80::9610:3eff:fe1c", 1883}}));
  EXPECT_EQ(parse_server_reference("  a   [::1]  "),
            (std::vector<ServerAddress>{{"a", std::nullopt}, {"::1", std::nullopt}}));
  EXPECT_EQ(parse_server_reference("fe80::1"),  // unbracketed IPv6: no port possible
            (std::vector<ServerAddress>{{"fe80::1", std::nullopt}}));
}

TEST(ServerReference, SkipsWhatIsNotHostAndPort) {
  EXPECT_TRUE(parse_server_reference("").empty());
  EXPECT_TRUE(parse_server_reference("   ").empty());
  EXPECT_TRUE(parse_server_reference("mqtt://host:1883").empty());
  EXPECT_TRUE(parse_server_reference("host:0").empty());
  EXPECT_TRUE(parse_server_reference("host:65536").empty());
  EXPECT_TRUE(parse_server_reference("host:").empty());
  EXPECT_TRUE(parse_server_reference("host:12a").empty());
  EXPECT_TRUE(parse_server_reference(":1883").empty());
  EXPECT_TRUE(parse_server_reference("[::1").empty());
  EXPECT_TRUE(parse_server_reference("[]:1883").empty());
  EXPECT_TRUE(parse_server_reference("[::1]x").empty());
  EXPECT_TRUE(parse_server_reference("user@host").empty());
  EXPECT_EQ(parse_server_reference("bad:port good:1"), (std::vector<ServerAddress>{{"good", 1}}));
}

TEST(ServerReference, PrintsHostAndPort) {
  EXPECT_EQ(transport::to_string({"a.b", 1883}), "a.b:1883");
  EXPECT_EQ(transport::to_string({"::1", 8883}), "[::1]:8883");
  EXPECT_EQ(transport::to_string({"a.b", std::nullopt}), "a.b");
}

Config three_brokers() {
  Config c;
  c.broker.uri = "mqtt://a:1001";
  c.broker.failover_uris = {"mqtt://b:1002", "mqtts://c:1003"};
  return c;
}

std::string next_target(BrokerList& list, const Config& c) {
  list.configure(c);
  Target t;
  EXPECT_FALSE(list.resolve(c, t));
  return std::string{list.description()};
}

Properties reference(std::string_view text) {
  Properties p;
  p.add(PropertyId::server_reference, text);
  return p;
}

TEST(BrokerList, FailedAttemptsMoveOnAtOnceAndAFailedRoundWaits) {
  const Config c = three_brokers();
  BrokerList list;
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
  EXPECT_EQ(list.index(), 0u);
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://b:1002");
  EXPECT_EQ(list.index(), 1u);
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtts://c:1003");
  EXPECT_FALSE(list.attempt_ended(false));  // all three failed: the reconnect delay
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
}

TEST(BrokerList, StaysWithTheBrokerThatWorked) {
  const Config c = three_brokers();
  BrokerList list;
  next_target(list, c);
  list.attempt_ended(false);
  EXPECT_EQ(next_target(list, c), "mqtt://b:1002");
  list.connected();
  EXPECT_FALSE(list.attempt_ended(true));  // lost: wait, then b again
  EXPECT_EQ(next_target(list, c), "mqtt://b:1002");
  EXPECT_TRUE(list.attempt_ended(false));  // b is down: c at once, then a, then the delay
  EXPECT_EQ(next_target(list, c), "mqtts://c:1003");
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
  EXPECT_FALSE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://b:1002");
}

TEST(BrokerList, ASingleBrokerAlwaysWaits) {
  Config c;
  c.broker.uri = "mqtt://a:1001";
  BrokerList list;
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
  EXPECT_FALSE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
}

TEST(BrokerList, ShuffledOrderVisitsEveryBrokerOncePerRound) {
  Config c = three_brokers();
  c.broker.shuffle = true;
  BrokerList list{7};
  std::vector<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    seen.push_back(next_target(list, c));
    EXPECT_EQ(list.attempt_ended(false), i < 2);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"mqtt://a:1001", "mqtt://b:1002", "mqtts://c:1003"}));
}

TEST(BrokerList, AChangedListStartsOverAndBadUrisAreRefused) {
  Config c = three_brokers();
  BrokerList list;
  next_target(list, c);
  list.attempt_ended(false);
  EXPECT_EQ(next_target(list, c), "mqtt://b:1002");
  c.broker.failover_uris = {"mqtt://d:1004"};
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
  c.broker.failover_uris = {"mqtt://d:1004", "nope://x"};
  EXPECT_EQ(BrokerList::check(c), portmqtt::errc::invalid_uri);
  EXPECT_FALSE(BrokerList::check(three_brokers()));
}

TEST(BrokerList, FollowsUseAnotherServerThenReturnsToTheList) {
  const Config c = three_brokers();
  BrokerList list;
  next_target(list, c);
  list.note_server_reason(ReasonCode::use_another_server, reference("x:2001 y"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(list.redirect(), "x:2001");
  EXPECT_EQ(next_target(list, c), "mqtt://x:2001");
  EXPECT_TRUE(list.redirected());
  EXPECT_TRUE(list.attempt_ended(false));  // x failed: y, on a's port
  EXPECT_EQ(list.redirect(), "y:1001");
  EXPECT_EQ(next_target(list, c), "mqtt://y:1001");
  EXPECT_TRUE(list.attempt_ended(false));  // y failed too: back to a at once
  EXPECT_TRUE(list.redirect().empty());
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
  EXPECT_FALSE(list.redirected());
  // a sends us to x again: a loop in this chain, not followed; a counts as failed.
  list.note_server_reason(ReasonCode::use_another_server, reference("x:2001"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_TRUE(list.redirect().empty());
  EXPECT_EQ(next_target(list, c), "mqtt://b:1002");
}

TEST(BrokerList, ConnectedAfterARedirectAndLostReturnsToTheListAfterTheDelay) {
  const Config c = three_brokers();
  BrokerList list;
  next_target(list, c);
  list.note_server_reason(ReasonCode::use_another_server, reference("x:2001"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://x:2001");
  list.connected();
  EXPECT_FALSE(list.attempt_ended(true));
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
}

TEST(BrokerList, ServerMovedIsRememberedForTheClientsLife) {
  const Config c = three_brokers();
  BrokerList list;
  next_target(list, c);
  list.note_server_reason(ReasonCode::server_moved, reference("[::1]:2002"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(list.redirect(), "[::1]:2002");
  EXPECT_EQ(next_target(list, c), "mqtt://[::1]:2002");
  list.connected();
  EXPECT_FALSE(list.attempt_ended(true));
  EXPECT_EQ(next_target(list, c), "mqtt://[::1]:2002");  // a was replaced
  EXPECT_EQ(list.index(), 0u);
  EXPECT_FALSE(list.redirected());
}

TEST(BrokerList, ServerMovedIsNotRememberedWhenAskedNotTo) {
  Config c = three_brokers();
  c.broker.redirect.remember_moved = false;
  BrokerList list;
  next_target(list, c);
  list.note_server_reason(ReasonCode::server_moved, reference("m:2002"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://m:2002");
  list.connected();
  EXPECT_FALSE(list.attempt_ended(true));
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
}

TEST(BrokerList, RedirectChainsAreBounded) {
  Config c = three_brokers();
  c.broker.redirect.max_hops = 2;
  BrokerList list;
  next_target(list, c);
  list.note_server_reason(ReasonCode::use_another_server, reference("h1"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://h1:1001");
  list.note_server_reason(ReasonCode::use_another_server, reference("h2"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://h2:1001");
  list.note_server_reason(ReasonCode::use_another_server, reference("h3"));
  EXPECT_TRUE(list.attempt_ended(false));  // third hop refused: back to the list at once
  EXPECT_TRUE(list.redirect().empty());
  EXPECT_EQ(next_target(list, c), "mqtt://a:1001");
}

TEST(BrokerList, OtherReasonsEmptyReferencesAndTheOptionDoNotRedirect) {
  Config c = three_brokers();
  BrokerList list;
  next_target(list, c);
  list.note_server_reason(ReasonCode::not_authorized, reference("x:1"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtt://b:1002");
  list.note_server_reason(ReasonCode::use_another_server, reference("mqtt://x:1"));
  EXPECT_TRUE(list.attempt_ended(false));
  EXPECT_EQ(next_target(list, c), "mqtts://c:1003");
  c.broker.redirect.follow = false;
  list.note_server_reason(ReasonCode::use_another_server, reference("x:1"));
  list.configure(c);
  EXPECT_FALSE(list.attempt_ended(false));
  EXPECT_TRUE(list.redirect().empty());
}

}  // namespace
}  // namespace portmqtt::detail
