// PINGREQ, PINGRESP, DISCONNECT (all versions) and AUTH (MQTT 5).
#include <gtest/gtest.h>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

constexpr ProtocolVersion kAllVersions[] = {kV31, kV311, kV5};

TEST(DecodePing, PingreqInEveryVersion) {
  const Bytes bytes = {
      0xC0,  // PINGREQ
      0x00,  // remaining length 0
  };
  for (ProtocolVersion v : kAllVersions)
    decode_as<Pingreq>(bytes, v);
}

TEST(DecodePing, PingrespInEveryVersion) {
  const Bytes bytes = {
      0xD0,  // PINGRESP
      0x00,  // remaining length 0
  };
  for (ProtocolVersion v : kAllVersions)
    decode_as<Pingresp>(bytes, v);
}

TEST(DecodePing, RejectsABody) {
  const Bytes pingreq = {
      0xC0,  // PINGREQ
      0x01,  // remaining length 1
      0x00,  // a body PINGREQ does not have
  };
  const Bytes pingresp = {
      0xD0,  // PINGRESP
      0x01,  // remaining length 1
      0x00,  // a body PINGRESP does not have
  };
  for (ProtocolVersion v : kAllVersions) {
    EXPECT_EQ(decode_error(pingreq, v), err(errc::trailing_bytes));
    EXPECT_EQ(decode_error(pingresp, v), err(errc::trailing_bytes));
  }
}

TEST(DecodeDisconnect, In3x) {
  const Bytes bytes = {
      0xE0,  // DISCONNECT
      0x00,  // remaining length 0
  };
  for (ProtocolVersion v : kV3x) {
    const Disconnect d = decode_as<Disconnect>(bytes, v);
    EXPECT_EQ(d.reason, ReasonCode::normal_disconnection);
    EXPECT_TRUE(d.props.empty());
  }
}

TEST(DecodeDisconnect, Mqtt3xRejectsABody) {
  const Bytes bytes = {
      0xE0,  // DISCONNECT
      0x01,  // remaining length 1
      0x04,  // a reason code does not exist before MQTT 5
  };
  for (ProtocolVersion v : kV3x)
    EXPECT_EQ(decode_error(bytes, v), err(errc::trailing_bytes));
}

TEST(DecodeDisconnect, Mqtt5ShortestForm) {
  const Bytes bytes = {
      0xE0,  // DISCONNECT
      0x00,  // remaining length 0: normal disconnection, no properties
  };
  const Disconnect d = decode_as<Disconnect>(bytes, kV5);
  EXPECT_EQ(d.reason, ReasonCode::normal_disconnection);
  EXPECT_TRUE(d.props.empty());
}

TEST(DecodeDisconnect, Mqtt5ReasonOnly) {
  const Bytes bytes = {
      0xE0,  // DISCONNECT
      0x01,  // remaining length 1
      0x04,  // disconnect with will message
  };
  const Disconnect d = decode_as<Disconnect>(bytes, kV5);
  EXPECT_EQ(d.reason, ReasonCode::disconnect_with_will_message);
  EXPECT_TRUE(d.props.empty());
}

TEST(DecodeDisconnect, Mqtt5WithProperties) {
  const Bytes bytes = {
      0xE0,                        // DISCONNECT
      0x07,                        // remaining length 7
      0x8B,                        // server shutting down
      0x05,                        // property length 5
      0x1F, 0x00, 0x02, 'b', 'y',  //   Reason String "by"
  };
  const Disconnect d = decode_as<Disconnect>(bytes, kV5);
  EXPECT_EQ(d.reason, ReasonCode::server_shutting_down);
  EXPECT_EQ(d.props.text(PropertyId::reason_string), "by");
}

TEST(DecodeDisconnect, Mqtt5RejectsAReasonCodeNotForDisconnect) {
  const Bytes bytes = {
      0xE0,  // DISCONNECT
      0x01,  // remaining length 1
      0x18,  // continue authentication: AUTH only
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_reason_code));
}

TEST(DecodeDisconnect, Mqtt5RejectsAPropertyNotAllowed) {
  const Bytes bytes = {
      0xE0,              // DISCONNECT
      0x05,              // remaining length 5
      0x00,              // normal disconnection
      0x03,              // property length 3
      0x21, 0x00, 0x01,  //   Receive Maximum: CONNECT/CONNACK only
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::property_not_allowed));
}

TEST(DecodeDisconnect, Mqtt5RejectsTrailingBytes) {
  const Bytes bytes = {
      0xE0,  // DISCONNECT
      0x03,  // remaining length 3
      0x00,  // normal disconnection
      0x00,  // property length 0
      0x00,  // one byte too many
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::trailing_bytes));
}

TEST(DecodeAuth, ShortestForm) {
  const Bytes bytes = {
      0xF0,  // AUTH
      0x00,  // remaining length 0: success, no properties
  };
  const Auth a = decode_as<Auth>(bytes, kV5);
  EXPECT_EQ(a.reason, ReasonCode::success);
  EXPECT_TRUE(a.props.empty());
}

TEST(DecodeAuth, ContinueWithMethodAndData) {
  const Bytes bytes = {
      0xF0,                                    // AUTH
      0x0E,                                    // remaining length 14
      0x18,                                    // continue authentication
      0x0C,                                    // property length 12
      0x15, 0x00, 0x04, 'S',  'C',  'R', 'M',  //   Authentication Method "SCRM"
      0x16, 0x00, 0x02, 0x01, 0x02,            //   Authentication Data 01 02
  };
  const Auth a = decode_as<Auth>(bytes, kV5);
  EXPECT_EQ(a.reason, ReasonCode::continue_authentication);
  EXPECT_EQ(a.props.text(PropertyId::authentication_method), "SCRM");
  EXPECT_EQ(a.props.text(PropertyId::authentication_data), "\x01\x02");
}

TEST(DecodeAuth, ReasonOnly) {
  const Bytes bytes = {
      0xF0,  // AUTH
      0x01,  // remaining length 1
      0x19,  // re-authenticate
  };
  EXPECT_EQ(decode_as<Auth>(bytes, kV5).reason, ReasonCode::re_authenticate);
}

TEST(DecodeAuth, RejectsAReasonCodeNotForAuth) {
  const Bytes bytes = {
      0xF0,  // AUTH
      0x02,  // remaining length 2
      0x87,  // not authorized: not an AUTH code
      0x00,  // property length 0
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_reason_code));
}

TEST(DecodeAuth, RejectsAPropertyNotAllowed) {
  const Bytes bytes = {
      0xF0,                          // AUTH
      0x07,                          // remaining length 7
      0x18,                          // continue authentication
      0x05,                          // property length 5
      0x11, 0x00, 0x00, 0x00, 0x01,  //   Session Expiry Interval: not an AUTH property
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::property_not_allowed));
}

TEST(DecodeAuth, RejectsAuthBeforeMqtt5) {
  const Bytes bytes = {
      0xF0,  // AUTH
      0x00,  // remaining length 0
  };
  for (ProtocolVersion v : kV3x)
    EXPECT_EQ(decode_error(bytes, v), err(errc::invalid_packet_type));
}

}  // namespace
}  // namespace portmqtt::codec::test
