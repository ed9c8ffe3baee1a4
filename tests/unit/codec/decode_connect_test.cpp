// CONNECT and CONNACK in MQTT 3.1, 3.1.1 and 5.
#include <gtest/gtest.h>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

// ---------------------------------------------------------------------------------------------
// CONNECT

TEST(DecodeConnect, Mqtt31) {
  const Bytes bytes = {
      0x10,                                      // CONNECT
      0x10,                                      // remaining length 16
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
      0x03,                                      // protocol level 3
      0x02,                                      // flags: clean session
      0x00, 0x0A,                                // keep alive 10
      0x00, 0x02, 'c', '1',                      // client id "c1"
  };
  // CONNECT carries its own version: the connection's version does not matter.
  for (ProtocolVersion v : {kV31, kV311, kV5}) {
    const Connect c = decode_as<Connect>(bytes, v);
    EXPECT_EQ(c.version, kV31);
    EXPECT_EQ(c.client_id, "c1");
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.keep_alive, 10);
    EXPECT_FALSE(c.will.has_value());
    EXPECT_FALSE(c.username.has_value());
    EXPECT_FALSE(c.password.has_value());
    EXPECT_TRUE(c.props.empty());
  }
}

TEST(DecodeConnect, Mqtt31RejectsAPasswordWithoutUserName) {
  const Bytes bytes = {
      0x10,                                      // CONNECT
      0x13,                                      // remaining length 19
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
      0x03,                                      // protocol level 3
      0x40,                                      // flags: password
      0x00, 0x00,                                // keep alive 0
      0x00, 0x01, 'c',                           // client id "c"
      0x00, 0x02, 'p', 'w',                      // password "pw"
  };
  EXPECT_EQ(decode_error(bytes, kV31), err(errc::invalid_connect_flags));
}

TEST(DecodeConnect, Mqtt31WithUserNameAndPassword) {
  const Bytes bytes = {
      0x10,                                      // CONNECT
      0x17,                                      // remaining length 23
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
      0x03,                                      // protocol level 3
      0xC0,                                      // flags: user name, password
      0x00, 0x00,                                // keep alive 0
      0x00, 0x01, 'c',                           // client id "c"
      0x00, 0x02, 'u', 's',                      // user name "us"
      0x00, 0x02, 'p', 'w',                      // password "pw"
  };
  const Connect c = decode_as<Connect>(bytes, kV31);
  EXPECT_FALSE(c.clean_start);
  EXPECT_EQ(c.username, "us");
  EXPECT_EQ(c.password, "pw");
}

TEST(DecodeConnect, Mqtt311WithEveryField) {
  const Bytes bytes = {
      0x10,                             // CONNECT
      0x21,                             // remaining length 33
      0x00, 0x04, 'M', 'Q',  'T', 'T',  // protocol name "MQTT"
      0x04,                             // protocol level 4
      0xEE,                        // flags: user, password, will retain, will QoS 1, will, clean
      0x00, 0x3C,                  // keep alive 60
      0x00, 0x03, 'c', 'i',  'd',  // client id "cid"
      0x00, 0x03, 'w', '/',  't',  // will topic "w/t"
      0x00, 0x02, 'b', 'y',        // will payload "by"
      0x00, 0x02, 'u', 's',        // user name "us"
      0x00, 0x03, 'p', 0x00, 'w',  // password "p\0w" (binary)
  };
  const Connect c = decode_as<Connect>(bytes, kV311);
  EXPECT_EQ(c.version, kV311);
  EXPECT_EQ(c.client_id, "cid");
  EXPECT_TRUE(c.clean_start);
  EXPECT_EQ(c.keep_alive, 60);
  ASSERT_TRUE(c.will.has_value());
  EXPECT_EQ(c.will->topic, "w/t");
  EXPECT_EQ(c.will->payload, "by");
  EXPECT_EQ(c.will->qos, QoS::at_least_once);
  EXPECT_TRUE(c.will->retain);
  EXPECT_TRUE(c.will->props.empty());
  EXPECT_EQ(c.username, "us");
  EXPECT_EQ(c.password, std::string_view("p\0w", 3));
}

TEST(DecodeConnect, Mqtt311EmptyClientId) {
  const Bytes bytes = {
      0x10,                            // CONNECT
      0x0C,                            // remaining length 12
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x04,                            // protocol level 4
      0x02,                            // flags: clean session
      0x00, 0x00,                      // keep alive 0
      0x00, 0x00,                      // client id ""
  };
  const Connect c = decode_as<Connect>(bytes, kV311);
  EXPECT_EQ(c.client_id, "");
}

TEST(DecodeConnect, Mqtt5WithPropertiesAndWillProperties) {
  const Bytes bytes = {
      0x10,                               // CONNECT
      0x22,                               // remaining length 34
      0x00, 0x04, 'M',  'Q',  'T',  'T',  // protocol name "MQTT"
      0x05,                               // protocol level 5
      0xC6,                               // flags: user, password, will (QoS 0), clean start
      0x00, 0x1E,                         // keep alive 30
      0x05,                               // property length 5
      0x11, 0x00, 0x00, 0x00, 0x78,       //   Session Expiry Interval 120
      0x00, 0x01, 'c',                    // client id "c"
      0x02,                               // will property length 2
      0x01, 0x01,                         //   Payload Format Indicator 1
      0x00, 0x01, 't',                    // will topic "t"
      0x00, 0x01, 'x',                    // will payload "x"
      0x00, 0x01, 'u',                    // user name "u"
      0x00, 0x01, 'p',                    // password "p"
  };
  const Connect c = decode_as<Connect>(bytes, kV311);  // the connection's version is ignored
  EXPECT_EQ(c.version, kV5);
  EXPECT_EQ(c.keep_alive, 30);
  EXPECT_EQ(c.props.number(PropertyId::session_expiry_interval), 120U);
  EXPECT_EQ(c.props.size(), 1U);
  EXPECT_EQ(c.client_id, "c");
  ASSERT_TRUE(c.will.has_value());
  EXPECT_EQ(c.will->qos, QoS::at_most_once);
  EXPECT_FALSE(c.will->retain);
  EXPECT_EQ(c.will->props.number(PropertyId::payload_format_indicator), 1U);
  EXPECT_EQ(c.will->topic, "t");
  EXPECT_EQ(c.will->payload, "x");
  EXPECT_EQ(c.username, "u");
  EXPECT_EQ(c.password, "p");
}

TEST(DecodeConnect, Mqtt5AllowsAPasswordWithoutUserName) {
  const Bytes bytes = {
      0x10,                            // CONNECT
      0x0F,                            // remaining length 15
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x05,                            // protocol level 5
      0x40,                            // flags: password
      0x00, 0x00,                      // keep alive 0
      0x00,                            // property length 0
      0x00, 0x00,                      // client id ""
      0x00, 0x00,                      // password "" (present but empty)
  };
  const Connect c = decode_as<Connect>(bytes, kV5);
  EXPECT_FALSE(c.username.has_value());
  EXPECT_EQ(c.password, "");
}

// A 3.1.1 CONNECT whose flags byte is `flags` and whose payload is just a client id.
Bytes connect_311_with_flags(std::uint8_t flags) {
  return {
      0x10,                             // CONNECT
      0x0C,                             // remaining length 12
      0x00,  0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x04,                             // protocol level 4
      flags,                            // flags under test
      0x00,  0x00,                      // keep alive 0
      0x00,  0x00,                      // client id ""
  };
}

TEST(DecodeConnect, RejectsAnUnknownProtocolName) {
  const Bytes bytes = {
      0x10,                            // CONNECT
      0x0C,                            // remaining length 12
      0x00, 0x04, 'M', 'Q', 'T', 'X',  // protocol name "MQTX"
      0x04,                            // protocol level 4
      0x02,                            // flags: clean session
      0x00, 0x00,                      // keep alive 0
      0x00, 0x00,                      // client id ""
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::invalid_protocol_name));
}

TEST(DecodeConnect, RejectsAnUnknownProtocolLevel) {
  for (std::uint8_t level : {0, 3, 6, 0x84}) {  // "MQTT" goes with 4 and 5 only
    Bytes bytes = connect_311_with_flags(0x02);
    bytes[8] = level;  // protocol level
    EXPECT_EQ(decode_error(bytes, kV311), err(errc::unsupported_protocol_version)) << int{level};
  }
}

TEST(DecodeConnect, RejectsMqIsdpWithALevelOtherThan3) {
  const Bytes bytes = {
      0x10,                                      // CONNECT
      0x0E,                                      // remaining length 14
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
      0x04,                                      // protocol level 4: not 3.1
      0x02,                                      // flags: clean session
      0x00, 0x00,                                // keep alive 0
      0x00, 0x00,                                // client id ""
  };
  EXPECT_EQ(decode_error(bytes, kV31), err(errc::unsupported_protocol_version));
}

TEST(DecodeConnect, RejectsTheReservedFlag) {
  EXPECT_EQ(decode_error(connect_311_with_flags(0x03), kV311), err(errc::invalid_connect_flags));
}

TEST(DecodeConnect, RejectsWillQosWithoutWill) {
  EXPECT_EQ(decode_error(connect_311_with_flags(0x08), kV311), err(errc::invalid_connect_flags));
}

TEST(DecodeConnect, RejectsWillRetainWithoutWill) {
  EXPECT_EQ(decode_error(connect_311_with_flags(0x20), kV311), err(errc::invalid_connect_flags));
}

TEST(DecodeConnect, RejectsWillQos3) {
  EXPECT_EQ(decode_error(connect_311_with_flags(0x1C), kV311), err(errc::invalid_qos));
}

TEST(DecodeConnect, RejectsAPasswordWithoutUserNameIn311) {
  EXPECT_EQ(decode_error(connect_311_with_flags(0x40), kV311), err(errc::invalid_connect_flags));
}

TEST(DecodeConnect, RejectsAFlaggedFieldThatIsMissing) {
  // User name flag set, but the packet ends after the client id.
  EXPECT_EQ(decode_error(connect_311_with_flags(0x80), kV311), err(errc::truncated));
}

TEST(DecodeConnect, RejectsTrailingBytes) {
  const Bytes bytes = {
      0x10,                            // CONNECT
      0x0D,                            // remaining length 13
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x04,                            // protocol level 4
      0x02,                            // flags: clean session
      0x00, 0x00,                      // keep alive 0
      0x00, 0x00,                      // client id ""
      0x00,                            // one byte too many
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::trailing_bytes));
}

TEST(DecodeConnect, RejectsAWildcardWillTopic) {
  const Bytes bytes = {
      0x10,                            // CONNECT
      0x12,                            // remaining length 18
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x04,                            // protocol level 4
      0x06,                            // flags: will (QoS 0), clean session
      0x00, 0x00,                      // keep alive 0
      0x00, 0x00,                      // client id ""
      0x00, 0x01, '#',                 // will topic "#"
      0x00, 0x01, 'x',                 // will payload "x"
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::wildcard_in_topic));
}

TEST(DecodeConnect, RejectsInvalidUtf8InTheClientId) {
  const Bytes bytes = {
      0x10,                             // CONNECT
      0x0D,                             // remaining length 13
      0x00, 0x04, 'M',  'Q', 'T', 'T',  // protocol name "MQTT"
      0x04,                             // protocol level 4
      0x02,                             // flags: clean session
      0x00, 0x00,                       // keep alive 0
      0x00, 0x01, 0xFF,                 // client id: byte 0xFF
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::invalid_utf8));
}

TEST(DecodeConnect, RejectsAPropertyNotAllowedInWillProperties) {
  const Bytes bytes = {
      0x10,                             // CONNECT
      0x16,                             // remaining length 22
      0x00, 0x04, 'M',  'Q', 'T', 'T',  // protocol name "MQTT"
      0x05,                             // protocol level 5
      0x06,                             // flags: will (QoS 0), clean start
      0x00, 0x00,                       // keep alive 0
      0x00,                             // property length 0
      0x00, 0x00,                       // client id ""
      0x03,                             // will property length 3
      0x21, 0x00, 0x01,                 //   Receive Maximum 1: not a will property
      0x00, 0x01, 't',                  // will topic "t"
      0x00, 0x00,                       // will payload ""
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::property_not_allowed));
}

// ---------------------------------------------------------------------------------------------
// CONNACK

TEST(DecodeConnack, Mqtt31) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x02,  // remaining length 2
      0x00,  // unused in 3.1
      0x00,  // return code 0: accepted
  };
  const Connack c = decode_as<Connack>(bytes, kV31);
  EXPECT_FALSE(c.session_present);
  EXPECT_EQ(c.reason, ReasonCode::success);
}

TEST(DecodeConnack, Mqtt31IgnoresItsUnusedFirstByte) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x02,  // remaining length 2
      0xFF,  // unused in 3.1
      0x05,  // return code 5: not authorized
  };
  const Connack c = decode_as<Connack>(bytes, kV31);
  EXPECT_FALSE(c.session_present);
  EXPECT_EQ(c.reason, ReasonCode::not_authorized);
}

TEST(DecodeConnack, Mqtt311SessionPresent) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x02,  // remaining length 2
      0x01,  // acknowledge flags: session present
      0x00,  // return code 0: accepted
  };
  const Connack c = decode_as<Connack>(bytes, kV311);
  EXPECT_TRUE(c.session_present);
  EXPECT_EQ(c.reason, ReasonCode::success);
  EXPECT_TRUE(c.props.empty());
}

TEST(DecodeConnack, Mqtt3xMapsEveryReturnCode) {
  const ReasonCode expected[] = {
      ReasonCode::success,                       // 0 accepted
      ReasonCode::unsupported_protocol_version,  // 1 unacceptable protocol version
      ReasonCode::client_identifier_not_valid,   // 2 identifier rejected
      ReasonCode::server_unavailable,            // 3 server unavailable
      ReasonCode::bad_user_name_or_password,     // 4 bad user name or password
      ReasonCode::not_authorized,                // 5 not authorized
  };
  for (ProtocolVersion v : kV3x) {
    for (std::uint8_t code = 0; code < 6; ++code) {
      const Bytes bytes = {
          0x20,  // CONNACK
          0x02,  // remaining length 2
          0x00,  // acknowledge flags
          code,  // return code
      };
      EXPECT_EQ(decode_as<Connack>(bytes, v).reason, expected[code]) << int{code};
    }
  }
}

TEST(DecodeConnack, Mqtt3xRejectsUnknownReturnCodes) {
  for (ProtocolVersion v : kV3x) {
    const Bytes bytes = {
        0x20,  // CONNACK
        0x02,  // remaining length 2
        0x00,  // acknowledge flags
        0x06,  // return code 6 does not exist
    };
    EXPECT_EQ(decode_error(bytes, v), err(errc::invalid_reason_code));
  }
}

TEST(DecodeConnack, RejectsReservedAcknowledgeFlags) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x02,  // remaining length 2
      0x02,  // acknowledge flags: reserved bit 1
      0x00,  // return code 0
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::invalid_connack_flags));
  const Bytes v5 = {
      0x20,  // CONNACK
      0x03,  // remaining length 3
      0x80,  // acknowledge flags: reserved bit 7
      0x00,  // reason code 0
      0x00,  // property length 0
  };
  EXPECT_EQ(decode_error(v5, kV5), err(errc::invalid_connack_flags));
}

TEST(DecodeConnack, Mqtt3xRejectsTrailingBytes) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x03,  // remaining length 3
      0x00,  // acknowledge flags
      0x00,  // return code 0
      0x00,  // a property length has no place in 3.1.1
  };
  EXPECT_EQ(decode_error(bytes, kV311), err(errc::trailing_bytes));
}

TEST(DecodeConnack, Mqtt5WithProperties) {
  const Bytes bytes = {
      0x20,              // CONNACK
      0x0A,              // remaining length 10
      0x01,              // acknowledge flags: session present
      0x00,              // reason code 0: success
      0x07,              // property length 7
      0x21, 0x00, 0x0A,  //   Receive Maximum 10
      0x24, 0x01,        //   Maximum QoS 1
      0x25, 0x00,        //   Retain Available 0
  };
  const Connack c = decode_as<Connack>(bytes, kV5);
  EXPECT_TRUE(c.session_present);
  EXPECT_EQ(c.reason, ReasonCode::success);
  ASSERT_EQ(c.props.size(), 3U);
  EXPECT_EQ(c.props.number(PropertyId::receive_maximum), 10U);
  EXPECT_EQ(c.props.number(PropertyId::maximum_qos), 1U);
  EXPECT_EQ(c.props.number(PropertyId::retain_available), 0U);
}

TEST(DecodeConnack, Mqtt5Failure) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x03,  // remaining length 3
      0x00,  // acknowledge flags
      0x8A,  // reason code 0x8A: banned
      0x00,  // property length 0
  };
  EXPECT_EQ(decode_as<Connack>(bytes, kV5).reason, ReasonCode::banned);
}

TEST(DecodeConnack, Mqtt5RejectsAReasonCodeNotForConnack) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x03,  // remaining length 3
      0x00,  // acknowledge flags
      0x8E,  // reason code 0x8E: Session taken over (DISCONNECT only)
      0x00,  // property length 0
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::invalid_reason_code));
}

TEST(DecodeConnack, Mqtt5RequiresThePropertyLength) {
  const Bytes bytes = {
      0x20,  // CONNACK
      0x02,  // remaining length 2
      0x00,  // acknowledge flags
      0x00,  // reason code 0, then no property length
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::truncated));
}

TEST(DecodeConnack, Mqtt5RejectsAPropertyNotAllowedInConnack) {
  const Bytes bytes = {
      0x20,              // CONNACK
      0x06,              // remaining length 6
      0x00,              // acknowledge flags
      0x00,              // reason code 0
      0x03,              // property length 3
      0x23, 0x00, 0x01,  //   Topic Alias 1: PUBLISH only
  };
  EXPECT_EQ(decode_error(bytes, kV5), err(errc::property_not_allowed));
}

}  // namespace
}  // namespace portmqtt::codec::test
