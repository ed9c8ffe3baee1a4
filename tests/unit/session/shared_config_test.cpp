// Sessions made from one shared Config: each sends its own client id, a change of settings
// while connected waits for the next connection, and memory given back while idle is made
// again at the next packet without changing a byte.
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::ProtocolVersion;

// CONNECT of config_for(v3_1_1) with a one-letter client id.
Bytes connect_as(char id) {
  return {0x10, 0x0D, 0x00,
          0x04, 'M',  'Q',
          'T',  'T',  // CONNECT, remaining 13, "MQTT"
          0x04, 0x02, 0x00,
          0x3C,                                        // level 4, clean, keep-alive 60
          0x00, 0x01, static_cast<std::uint8_t>(id)};  // client id
}

const Bytes kConnack{0x20, 0x02, 0x00, 0x00};

TEST(SharedSessionConfig, SessionsOfOneConfigurationSendTheirOwnClientIds) {
  const auto shared = std::make_shared<const Config>(config_for(ProtocolVersion::v3_1_1));
  FakeClock clock;
  Session a{shared, "a"};
  Session b{shared, "b"};
  Session c{shared, ""};  // no id of its own: the configuration's ("c")

  // One object for all three, left as it was.
  EXPECT_EQ(&a.config(), shared.get());
  EXPECT_EQ(&b.config(), shared.get());
  EXPECT_EQ(shared->client_id, "c");
  EXPECT_EQ(a.client_id(), "a");
  EXPECT_EQ(b.client_id(), "b");
  EXPECT_EQ(c.client_id(), "c");

  for (Session* s : {&a, &b, &c})
    s->connection_opened(clock.now());
  EXPECT_EQ(concat(a.take_output()), connect_as('a'));
  EXPECT_EQ(concat(b.take_output()), connect_as('b'));
  EXPECT_EQ(concat(c.take_output()), connect_as('c'));
}

TEST(SharedSessionConfig, AChangeWhileConnectedTakesEffectWithItsClientIdOnTheNextConnection) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(kConnack);
  Config next = config_for(ProtocolVersion::v3_1_1);
  next.client_id = "x";  // replaced by the session's own id below
  const auto shared = std::make_shared<const Config>(next);
  h.session.set_config(shared, "d");
  EXPECT_EQ(&h.session.config(), shared.get());
  EXPECT_EQ(h.session.client_id(), "c");  // this connection keeps its settings

  h.session.connection_lost(h.now());
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), connect_as('d'));
  EXPECT_EQ(h.session.client_id(), "d");

  // Set while disconnected: at once; an empty id means the configuration's own.
  h.session.connection_lost(h.now());
  h.session.set_config(shared, "");
  EXPECT_EQ(h.session.client_id(), "x");
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), connect_as('x'));
}

TEST(SharedSessionConfig, MemoryGivenBackWhileIdleIsMadeAgainWithTheSameBytes) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(kConnack);
  const Bytes qos0{0x30, 0x04, 0x00, 0x01, 't', 'p'};  // PUBLISH QoS 0, topic "t", payload "p"

  ASSERT_TRUE(h.publish("t", "p", codec::QoS::at_most_once));
  EXPECT_EQ(h.output(), qos0);
  h.session.release_idle_memory();
  ASSERT_TRUE(h.publish("t", "p", codec::QoS::at_most_once));
  EXPECT_EQ(h.output(), qos0);

  // Given back twice in a row, and while a batch is still held by the transport: the held
  // bytes stay valid and the next packet goes into fresh memory.
  h.session.release_idle_memory();
  h.session.release_idle_memory();
  ASSERT_TRUE(h.publish("t", "p", codec::QoS::at_most_once));
  OutputBatch held = h.session.take_output();
  h.session.release_idle_memory();
  ASSERT_TRUE(h.publish("t", "q", codec::QoS::at_most_once));
  EXPECT_EQ(concat(held), qos0);
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x04, 0x00, 0x01, 't', 'q'}));
  EXPECT_EQ(concat(held), qos0);

  // Events still come after the queue gave its memory back: a PINGRESP is consumed quietly and
  // a QoS 1 publish completes.
  h.session.release_idle_memory();
  const auto id = h.publish("t", "p", codec::QoS::at_least_once);
  ASSERT_TRUE(id);
  h.output();
  h.feed({0x40, 0x02, 0x00, static_cast<std::uint8_t>(id.packet_id)});
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<PublishCompleted>(events.front()));
}

}  // namespace
}  // namespace portmqtt::session::test
