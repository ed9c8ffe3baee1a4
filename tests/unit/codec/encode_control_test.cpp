// Golden bytes for PINGREQ, PINGRESP, DISCONNECT and AUTH in every version they exist in.
#include <gtest/gtest.h>

#include "encode_support.hpp"

namespace portmqtt::codec::test {
namespace {

TEST(EncodePing, PingreqAndPingrespAreTwoBytesInEveryVersion) {
  for (const ProtocolVersion v : {kV31, kV311, kV5}) {
    EXPECT_EQ(encode_hex(Pingreq{}, v), hex({
                                            0xC0,  // PINGREQ
                                            0x00,  // remaining length 0
                                        }));
    EXPECT_EQ(encode_hex(Pingresp{}, v), hex({
                                             0xD0,  // PINGRESP
                                             0x00,  // remaining length 0
                                         }));
  }
}

TEST(EncodeDisconnect, V3xIsTheFixedHeaderAlone) {
  Disconnect d;
  d.reason = ReasonCode::server_shutting_down;  // MQTT 5 only: not written
  d.props.add(PropertyId::reason_string, "x");
  for (const ProtocolVersion v : {kV31, kV311}) {
    EXPECT_EQ(encode_hex(d, v), hex({
                                    0xE0,  // DISCONNECT
                                    0x00,  // remaining length 0
                                }));
  }
}

TEST(EncodeDisconnect, V5NormalWithoutPropertiesOmitsEverything) {
  EXPECT_EQ(encode_hex(Disconnect{}, kV5), hex({
                                               0xE0,  // DISCONNECT
                                               0x00,  // remaining length 0: normal disconnection
                                           }));
}

TEST(EncodeDisconnect, V5ReasonWithoutProperties) {
  Disconnect d;
  d.reason = ReasonCode::disconnect_with_will_message;
  EXPECT_EQ(encode_hex(d, kV5), hex({
                                    0xE0,  // DISCONNECT
                                    0x01,  // remaining length 1
                                    0x04,  // reason code: disconnect with will message
                                }));
}

TEST(EncodeDisconnect, V5NormalWithEveryDisconnectProperty) {
  Disconnect d;
  d.props.add(PropertyId::session_expiry_interval, 0)
      .add(PropertyId::reason_string, "bye")
      .add(PropertyId::server_reference, "s")
      .add_user_property("k", "v");
  const std::string expected = hex({
      0xE0,                                     // DISCONNECT
      0x18,                                     // remaining length 24
      0x00,                                     // reason code: normal disconnection
      0x16,                                     // property length 22
      0x11, 0x00, 0x00, 0x00, 0x00,             // session expiry interval 0
      0x1F, 0x00, 0x03, 'b',  'y',  'e',        // reason string "bye"
      0x1C, 0x00, 0x01, 's',                    // server reference "s"
      0x26, 0x00, 0x01, 'k',  0x00, 0x01, 'v',  // user property k=v
  });
  EXPECT_EQ(encode_hex(d, kV5), expected);
}

TEST(EncodeDisconnectError, V5ReasonOrPropertyNotAllowed) {
  Disconnect reason;
  reason.reason = ReasonCode::granted_qos_1;
  EXPECT_EQ(encode_error(reason, kV5), errc::invalid_reason_code);

  Disconnect prop;
  prop.props.add(PropertyId::authentication_method, "m");
  EXPECT_EQ(encode_error(prop, kV5), errc::property_not_allowed);
}

TEST(EncodeAuth, V5SuccessWithoutPropertiesOmitsEverything) {
  EXPECT_EQ(encode_hex(Auth{}, kV5), hex({
                                         0xF0,  // AUTH
                                         0x00,  // remaining length 0: success
                                     }));
}

TEST(EncodeAuth, V5ReasonWithoutProperties) {
  Auth a;
  a.reason = ReasonCode::continue_authentication;
  EXPECT_EQ(encode_hex(a, kV5), hex({
                                    0xF0,  // AUTH
                                    0x01,  // remaining length 1
                                    0x18,  // reason code: continue authentication
                                }));
}

TEST(EncodeAuth, V5WithEveryAuthProperty) {
  Auth a;
  a.reason = ReasonCode::re_authenticate;
  a.props.add(PropertyId::authentication_method, "SCRAM")
      .add(PropertyId::authentication_data, std::string_view("\x00\x01", 2))
      .add(PropertyId::reason_string, "r")
      .add_user_property("k", "v");
  const std::string expected = hex({
      0xF0,                                          // AUTH
      0x1A,                                          // remaining length 26
      0x19,                                          // reason code: re-authenticate
      0x18,                                          // property length 24
      0x15, 0x00, 0x05, 'S',  'C',  'R',  'A', 'M',  // authentication method "SCRAM"
      0x16, 0x00, 0x02, 0x00, 0x01,                  // authentication data 00 01
      0x1F, 0x00, 0x01, 'r',                         // reason string "r"
      0x26, 0x00, 0x01, 'k',  0x00, 0x01, 'v',       // user property k=v
  });
  EXPECT_EQ(encode_hex(a, kV5), expected);
}

TEST(EncodeAuthError, AuthDoesNotExistBefore5) {
  EXPECT_EQ(encode_error(Auth{}, kV311), errc::invalid_packet_type);
  EXPECT_EQ(encode_error(Auth{}, kV31), errc::invalid_packet_type);
}

TEST(EncodeAuthError, V5ReasonOrPropertyNotAllowed) {
  Auth reason;
  reason.reason = ReasonCode::unspecified_error;
  EXPECT_EQ(encode_error(reason, kV5), errc::invalid_reason_code);

  Auth prop;
  prop.props.add(PropertyId::session_expiry_interval, 1);
  EXPECT_EQ(encode_error(prop, kV5), errc::property_not_allowed);
}

}  // namespace
}  // namespace portmqtt::codec::test
