// Keep-alive: when PINGREQ goes out, when the link is declared dead, and next_deadline().
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::ProtocolVersion;
using codec::QoS;

const Bytes kPingreq{0xC0, 0x00};
const Bytes kPingresp{0xD0, 0x00};

TEST(KeepAlive, PingAtHalfTheKeepAliveThenPingresp) {
  Harness h(config_for(ProtocolVersion::v3_1_1));  // keep-alive 60 s
  h.connect_with(connack_v311());
  EXPECT_EQ(h.session.next_deadline(), h.now() + 30s);
  h.advance(29s);
  EXPECT_TRUE(h.output().empty());
  h.advance(1s);
  EXPECT_EQ(h.output(), kPingreq);
  EXPECT_EQ(h.session.next_deadline(), h.now() + 30s);  // PINGRESP due within half
  h.advance(2s);
  h.feed(kPingresp);
  EXPECT_EQ(h.session.next_deadline(), h.now() + 28s);  // 30 s after the PINGREQ was sent
  h.advance(28s);
  EXPECT_EQ(h.output(), kPingreq);
  EXPECT_TRUE(h.events().empty());
}

TEST(KeepAlive, SilentBrokerIsDetectedWithinOneAndAHalfKeepAlives) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  const TimePoint start = h.now();
  h.advance(30s);
  EXPECT_EQ(h.output(), kPingreq);
  h.advance(29s);
  EXPECT_TRUE(h.events().empty());
  h.advance(1s);
  EXPECT_LE(h.now() - start, 90s);
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).error, errc::keepalive_timeout);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::keepalive_timeout);
  EXPECT_TRUE(h.output().empty());
  EXPECT_EQ(h.session.state(), State::closing);
}

TEST(KeepAlive, SendingAloneDoesNotHideASilentBroker) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.advance(20s);
  ASSERT_TRUE(h.publish("t", "x", QoS::at_most_once));
  h.output();
  h.advance(10s);  // 30 s without receiving anything
  EXPECT_EQ(h.output(), kPingreq);
}

TEST(KeepAlive, TrafficBothWaysPostponesThePing) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  h.advance(20s);
  ASSERT_TRUE(h.publish("t", "x", QoS::at_most_once));
  h.feed({0x30, 0x04, 0x00, 0x01, 't', 'y'});  // PUBLISH QoS 0 from the broker
  h.output();
  h.events();
  EXPECT_EQ(h.session.next_deadline(), h.now() + 30s);
  h.advance(29s);
  EXPECT_TRUE(h.output().empty());
  h.advance(1s);
  EXPECT_EQ(h.output(), kPingreq);
}

TEST(KeepAlive, CustomIntervalAndTimeout) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.ping_interval_percent = 100;
  c.ping_timeout = 5s;
  Harness h(c);
  h.connect_with(connack_v311());
  h.advance(59s);
  EXPECT_TRUE(h.output().empty());
  h.advance(1s);
  EXPECT_EQ(h.output(), kPingreq);
  h.advance(5s);
  auto events = h.events();
  EXPECT_EQ(take<ErrorOccurred>(events).error, errc::keepalive_timeout);
}

TEST(KeepAlive, ServerKeepAliveReplacesOurs) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with({0x20, 0x06, 0x00, 0x00,  // CONNACK, remaining 6, success
                  0x03,                    // properties: 3 bytes
                  0x13, 0x00, 0x0A});      // server keep alive 10 s
  EXPECT_EQ(h.session.server().keep_alive, 10);
  h.advance(5s);
  EXPECT_EQ(h.output(), kPingreq);
}

TEST(KeepAlive, ZeroDisablesPings) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.keep_alive_s = 0;
  Harness h(c);
  h.connect_with(connack_v311());
  EXPECT_FALSE(h.session.next_deadline());
  h.advance(24h);
  EXPECT_TRUE(h.output().empty());
}

TEST(KeepAlive, UnsolicitedPingrespIsHarmless) {
  Harness h(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  h.feed(kPingresp);
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(KeepAlive, DeadlineIsTheEarliestTimer) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.retransmit_interval = 7s;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "x", QoS::at_least_once));
  EXPECT_EQ(h.session.next_deadline(), h.now() + 7s);  // retransmit before the 30 s ping
  h.session.connection_lost(h.now());
  EXPECT_EQ(h.session.next_deadline(), h.now() + 30s);  // only outbox expiry is left
}

}  // namespace
}  // namespace portmqtt::session::test
