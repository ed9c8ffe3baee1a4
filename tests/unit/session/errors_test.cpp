// Malformed or illegal input from the broker: every path ends the same way, with a clear error,
// a DISCONNECT with the right reason code in MQTT 5, and a request to close.
#include "codec/errc.hpp"
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::ProtocolVersion;
using codec::QoS;

struct Outcome {
  Bytes output;
  std::error_code error;
  std::error_code cause;
  std::string rule;
  bool closes = false;
};

/// Connects, optionally publishes one message, feeds `bytes` and reports what happened.
Outcome after_feeding(ProtocolVersion version, const Bytes& bytes, QoS publish_first,
                      bool publish = false) {
  Config c = config_for(version);
  c.retransmit_interval = 0ms;
  Harness h(c);
  h.connect_with(version == ProtocolVersion::v5 ? connack_v5() : connack_v311());
  if (publish) {
    EXPECT_TRUE(h.publish("t", "x", publish_first));
    h.output();
  }
  h.session.receive(view_of(bytes), h.now());
  Outcome o;
  o.output = h.output();
  auto events = h.events();
  if (events.size() == 2) {
    auto error = take<ErrorOccurred>(events, 0);
    o.error = error.error;
    o.cause = error.cause;
    o.rule = error.rule;
    o.closes = take<CloseConnection>(events, 1).reason == o.error;
  }
  EXPECT_EQ(h.session.state(), State::closing);
  return o;
}

const Bytes kDisconnectMalformed{0xE0, 0x01, 0x81};
const Bytes kDisconnectProtocolError{0xE0, 0x01, 0x82};

TEST(BrokerErrors, ReservedPacketTypeIsMalformed) {
  auto o = after_feeding(ProtocolVersion::v5, {0x00, 0x00}, QoS::at_most_once);
  EXPECT_EQ(o.output, kDisconnectMalformed);
  EXPECT_EQ(o.error, errc::malformed_packet);
  EXPECT_TRUE(o.cause);
  EXPECT_TRUE(o.closes);
}

TEST(BrokerErrors, WrongFixedHeaderFlagsAreMalformed) {
  auto o = after_feeding(ProtocolVersion::v5, {0x60, 0x02, 0x00, 0x01}, QoS::at_most_once);
  EXPECT_EQ(o.output, kDisconnectMalformed);  // PUBREL must have flags 0010
  EXPECT_EQ(o.error, errc::malformed_packet);
  EXPECT_EQ(o.cause, codec::errc::reserved_flags);
}

TEST(BrokerErrors, Mqtt311MalformedClosesWithoutDisconnect) {
  auto o = after_feeding(ProtocolVersion::v3_1_1, {0x36, 0x02, 0x00, 0x01}, QoS::at_most_once);
  EXPECT_TRUE(o.output.empty());  // PUBLISH with QoS 3
  EXPECT_EQ(o.error, errc::malformed_packet);
  EXPECT_TRUE(o.closes);
}

TEST(BrokerErrors, DuplicatePropertyIsAProtocolError) {
  auto o = after_feeding(ProtocolVersion::v5,
                         {0x30, 0x0A, 0x00, 0x01, 't',  // PUBLISH QoS 0, "t"
                          0x04,                         // properties: 4 bytes
                          0x01, 0x01, 0x01, 0x01,       // payload format twice
                          'x', 'y'},
                         QoS::at_most_once);
  EXPECT_EQ(o.output, kDisconnectProtocolError);
  EXPECT_EQ(o.error, errc::malformed_packet);
  EXPECT_EQ(o.cause, codec::errc::duplicate_property);
}

TEST(BrokerErrors, PacketsOnlyAServerReceives) {
  const Bytes pingreq{0xC0, 0x00};
  const Bytes subscribe{0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00};
  const Bytes unsubscribe{0xA2, 0x05, 0x00, 0x01, 0x00, 0x01, 'a'};
  const Bytes connect{0x10, 0x0D, 0x00, 0x04, 'M',  'Q',  'T', 'T',
                      0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c'};
  for (const auto& bytes : {pingreq, subscribe, unsubscribe, connect}) {
    auto o = after_feeding(ProtocolVersion::v3_1_1, bytes, QoS::at_most_once);
    EXPECT_EQ(o.error, errc::protocol_error);
    EXPECT_TRUE(o.closes);
  }
}

TEST(BrokerErrors, UnknownPacketIds) {
  const Bytes puback{0x40, 0x02, 0x00, 0x05};
  const Bytes pubrec{0x50, 0x02, 0x00, 0x05};
  const Bytes pubcomp{0x70, 0x02, 0x00, 0x05};
  for (const auto& bytes : {puback, pubrec, pubcomp}) {
    auto o = after_feeding(ProtocolVersion::v5, bytes, QoS::at_most_once);
    EXPECT_EQ(o.output, kDisconnectProtocolError);
    EXPECT_EQ(o.error, errc::unknown_packet_id);
  }
  auto o = after_feeding(ProtocolVersion::v3_1_1, {0xB0, 0x02, 0x00, 0x05}, QoS::at_most_once);
  EXPECT_EQ(o.error, errc::unknown_packet_id);
}

TEST(BrokerErrors, AckOfTheWrongKind) {
  // PUBREC for a QoS 1 message, PUBCOMP before PUBREC. (A PUBACK for a QoS 2 message is a
  // tolerated broker quirk: broker_quirks_test.cpp.)
  auto pubrec =
      after_feeding(ProtocolVersion::v5, {0x50, 0x02, 0x00, 0x01}, QoS::at_least_once, true);
  EXPECT_EQ(pubrec.error, errc::protocol_error);
  EXPECT_EQ(pubrec.output, kDisconnectProtocolError);
  EXPECT_NE(pubrec.rule.find("PUBREC for a QoS 1"), std::string_view::npos) << pubrec.rule;
  auto pubcomp =
      after_feeding(ProtocolVersion::v3_1_1, {0x70, 0x02, 0x00, 0x01}, QoS::exactly_once, true);
  EXPECT_EQ(pubcomp.error, errc::protocol_error);
  EXPECT_NE(pubcomp.rule.find("PUBCOMP before PUBREC"), std::string_view::npos) << pubcomp.rule;
}

TEST(BrokerErrors, NothingIsProcessedAfterTheError) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  h.connect_with(connack_v311());
  const Bytes bytes{0xC0, 0x00,                                     // PINGREQ: illegal
                    0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'x'};  // a QoS 1 behind it
  EXPECT_EQ(h.session.receive(view_of(bytes), h.now()), 2u);
  EXPECT_TRUE(h.output().empty());  // no PUBACK: the PUBLISH was never handled
  EXPECT_EQ(h.events().size(), 2u);
  const Bytes more{0x30, 0x04, 0x00, 0x01, 't', 'y'};
  EXPECT_EQ(h.session.receive(view_of(more), h.now()), more.size());  // ignored
  EXPECT_TRUE(h.events().empty());
  h.session.connection_lost(h.now());
  EXPECT_EQ(h.session.state(), State::disconnected);
  EXPECT_EQ(h.session.receive(view_of(more), h.now()), more.size());
  EXPECT_TRUE(h.events().empty());
  h.connect_with(connack_v311());  // and the session connects again
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(BrokerErrors, ErrorCodesHaveMessages) {
  EXPECT_EQ(make_error_code(errc::keepalive_timeout).category().name(),
            std::string("portmqtt.session"));
  for (int e = 1; e <= static_cast<int>(errc::server_disconnected); ++e) {
    EXPECT_NE(make_error_code(static_cast<errc>(e)).message(), "unknown session error");
  }
}

}  // namespace
}  // namespace portmqtt::session::test
