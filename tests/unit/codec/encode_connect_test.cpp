// Golden bytes for CONNECT and CONNACK in MQTT 3.1, 3.1.1 and 5, and their encode failures.
#include <gtest/gtest.h>

#include "encode_support.hpp"

namespace portmqtt::codec::test {
namespace {

Connect minimal(ProtocolVersion version) {
  Connect c;
  c.version = version;
  c.client_id = "c1";
  c.clean_start = true;
  c.keep_alive = 60;
  return c;
}

Will will_bye() {
  Will w;
  w.topic = "w";
  w.payload = "bye";
  w.qos = QoS::at_least_once;
  w.retain = true;
  return w;
}

TEST(EncodeConnect, Minimal31UsesMQIsdpLevel3) {
  const std::string expected = hex({
      0x10,                                      // CONNECT
      0x10,                                      // remaining length 16
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
      0x03,                                      // protocol level 3
      0x02,                                      // flags: clean session
      0x00, 0x3C,                                // keep alive 60 s
      0x00, 0x02, 'c', '1',                      // client id "c1"
  });
  EXPECT_EQ(encode_hex(minimal(kV31), kV31), expected);
}

TEST(EncodeConnect, Minimal311UsesMQTTLevel4) {
  const std::string expected = hex({
      0x10,                            // CONNECT
      0x0E,                            // remaining length 14
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x04,                            // protocol level 4
      0x02,                            // flags: clean session
      0x00, 0x3C,                      // keep alive 60 s
      0x00, 0x02, 'c', '1',            // client id "c1"
  });
  EXPECT_EQ(encode_hex(minimal(kV311), kV311), expected);
}

TEST(EncodeConnect, Minimal5UsesLevel5AndAPropertyLength) {
  const std::string expected = hex({
      0x10,                            // CONNECT
      0x0F,                            // remaining length 15
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name "MQTT"
      0x05,                            // protocol level 5
      0x02,                            // flags: clean start
      0x00, 0x3C,                      // keep alive 60 s
      0x00,                            // property length 0
      0x00, 0x02, 'c', '1',            // client id "c1"
  });
  EXPECT_EQ(encode_hex(minimal(kV5), kV5), expected);
}

TEST(EncodeConnect, TheConnectVersionFieldWinsOverTheArgument) {
  // Before CONNACK the connection has no agreed version; the packet says which it speaks.
  Buffer as_v5;
  Buffer as_311;
  ASSERT_FALSE(encode(minimal(kV5), kV5, as_v5));
  ASSERT_FALSE(encode(minimal(kV5), kV311, as_311));
  EXPECT_EQ(hex(as_311.view()), hex(as_v5.view()));
  EXPECT_EQ(encoded_size(Packet{minimal(kV5)}, kV31), as_v5.size());
}

TEST(EncodeConnect, EmptyClientIdWithoutCleanSession) {
  Connect c;
  c.version = kV311;
  c.clean_start = false;
  const std::string expected = hex({
      0x10,                            // CONNECT
      0x0C,                            // remaining length 12
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
      0x04,                            // protocol level 4
      0x00,                            // flags: none
      0x00, 0x00,                      // keep alive 0 (off)
      0x00, 0x00,                      // client id "" (empty)
  });
  EXPECT_EQ(encode_hex(c, kV311), expected);
}

TEST(EncodeConnect, UserNameWithoutPassword) {
  Connect c = minimal(kV311);
  c.username = "u";
  const std::string expected = hex({
      0x10,                            // CONNECT
      0x11,                            // remaining length 17
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
      0x04,                            // protocol level 4
      0x82,                            // flags: user name, clean session
      0x00, 0x3C,                      // keep alive 60 s
      0x00, 0x02, 'c', '1',            // client id
      0x00, 0x01, 'u',                 // user name "u"
  });
  EXPECT_EQ(encode_hex(c, kV311), expected);
}

TEST(EncodeConnect, WillUserNameAndPassword311) {
  Connect c = minimal(kV311);
  c.clean_start = false;
  c.keep_alive = 0x0102;
  c.will = will_bye();
  c.will->props.add(PropertyId::will_delay_interval, 9);  // not written for 3.x
  c.username = "u";
  c.password = "p";
  c.props.add(PropertyId::topic_alias, 1);  // not even looked at for 3.x
  const std::string expected = hex({
      0x10,                            // CONNECT
      0x1C,                            // remaining length 28
      0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
      0x04,                            // protocol level 4
      0xEC,  // flags: user name 0x80, password 0x40, will retain 0x20, will QoS 1 0x08, will 0x04
      0x01, 0x02,                 // keep alive 258 s
      0x00, 0x02, 'c', '1',       // client id
      0x00, 0x01, 'w',            // will topic "w"
      0x00, 0x03, 'b', 'y', 'e',  // will payload "bye"
      0x00, 0x01, 'u',            // user name "u"
      0x00, 0x01, 'p',            // password "p"
  });
  EXPECT_EQ(encode_hex(c, kV311), expected);
}

TEST(EncodeConnect, WillUserNameAndPassword31) {
  Connect c = minimal(kV31);
  c.will = will_bye();
  c.username = "u";
  c.password = "p";
  const std::string expected = hex({
      0x10,                                      // CONNECT
      0x1E,                                      // remaining length 30
      0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p',  // protocol name "MQIsdp"
      0x03,                                      // protocol level 3
      0xEE,        // flags: user name, password, will retain, will QoS 1, will, clean session
      0x00, 0x3C,  // keep alive 60 s
      0x00, 0x02, 'c', '1',       // client id
      0x00, 0x01, 'w',            // will topic
      0x00, 0x03, 'b', 'y', 'e',  // will payload
      0x00, 0x01, 'u',            // user name
      0x00, 0x01, 'p',            // password
  });
  EXPECT_EQ(encode_hex(c, kV31), expected);
}

TEST(EncodeConnect, V5WithEveryConnectAndWillProperty) {
  Connect c;
  c.version = kV5;
  c.client_id = "id";
  c.clean_start = true;
  c.keep_alive = 30;
  c.props.add(PropertyId::session_expiry_interval, 0xFFFFFFFF)
      .add(PropertyId::receive_maximum, 20)
      .add(PropertyId::maximum_packet_size, 0x10000)
      .add(PropertyId::topic_alias_maximum, 10)
      .add(PropertyId::request_response_information, 1)
      .add(PropertyId::request_problem_information, 0)
      .add_user_property("x", "1")
      .add(PropertyId::authentication_method, "m")
      .add(PropertyId::authentication_data, std::string_view("\x01", 1));
  Will w;
  w.topic = "w";
  w.payload = std::string_view("\0", 1);
  w.qos = QoS::exactly_once;
  w.props.add(PropertyId::will_delay_interval, 30)
      .add(PropertyId::payload_format_indicator, 0)
      .add(PropertyId::message_expiry_interval, 60)
      .add(PropertyId::content_type, "t")
      .add(PropertyId::response_topic, "r")
      .add(PropertyId::correlation_data, "c")
      .add_user_property("w", "v");
  c.will = w;
  c.password = std::string_view("\0pw", 3);  // MQTT 5 allows a password without a user name
  const std::string expected = hex({
      0x10,                               // CONNECT
      0x5D,                               // remaining length 93
      0x00, 0x04, 'M',  'Q',  'T',  'T',  // protocol name
      0x05,                               // protocol level 5
      0x56,                          // flags: password 0x40, will QoS 2 0x10, will 0x04, clean 0x02
      0x00, 0x1E,                    // keep alive 30 s
      0x23,                          // property length 35
      0x11, 0xFF, 0xFF, 0xFF, 0xFF,  // session expiry interval: never expires
      0x21, 0x00, 0x14,              // receive maximum 20
      0x27, 0x00, 0x01, 0x00, 0x00,  // maximum packet size 65536
      0x22, 0x00, 0x0A,              // topic alias maximum 10
      0x19, 0x01,                    // request response information 1
      0x17, 0x00,                    // request problem information 0
      0x26, 0x00, 0x01, 'x',  0x00, 0x01, '1',  // user property x=1
      0x15, 0x00, 0x01, 'm',                    // authentication method "m"
      0x16, 0x00, 0x01, 0x01,                   // authentication data 01
      0x00, 0x02, 'i',  'd',                    // client id "id"
      0x1F,                                     // will property length 31
      0x18, 0x00, 0x00, 0x00, 0x1E,             // will delay interval 30 s
      0x01, 0x00,                               // payload format indicator 0 (bytes)
      0x02, 0x00, 0x00, 0x00, 0x3C,             // message expiry interval 60 s
      0x03, 0x00, 0x01, 't',                    // content type "t"
      0x08, 0x00, 0x01, 'r',                    // response topic "r"
      0x09, 0x00, 0x01, 'c',                    // correlation data "c"
      0x26, 0x00, 0x01, 'w',  0x00, 0x01, 'v',  // user property w=v
      0x00, 0x01, 'w',                          // will topic "w"
      0x00, 0x01, 0x00,                         // will payload: one NUL byte
      0x00, 0x03, 0x00, 'p',  'w',              // password "\0pw" (binary)
  });
  EXPECT_EQ(encode_hex(c, kV5), expected);
}

TEST(EncodeConnectError, PasswordWithoutUserNameBefore5) {
  for (const ProtocolVersion v : {kV31, kV311}) {
    Connect c = minimal(v);
    c.password = "p";
    EXPECT_EQ(encode_error(c, v), errc::invalid_connect_flags);
  }
}

TEST(EncodeConnectError, WillQos3) {
  Connect c = minimal(kV311);
  c.will = will_bye();
  c.will->qos = static_cast<QoS>(3);
  EXPECT_EQ(encode_error(c, kV311), errc::invalid_qos);
}

TEST(EncodeConnectError, EachStringFieldLongerThan65535Bytes) {
  const std::string too_long = filled(65'536);
  Connect id = minimal(kV311);
  id.client_id = too_long;
  EXPECT_EQ(encode_error(id, kV311), errc::string_too_long);

  Connect will_topic = minimal(kV311);
  will_topic.will = will_bye();
  will_topic.will->topic = too_long;
  EXPECT_EQ(encode_error(will_topic, kV311), errc::string_too_long);

  Connect will_payload = minimal(kV311);
  will_payload.will = will_bye();
  will_payload.will->payload = too_long;
  EXPECT_EQ(encode_error(will_payload, kV311), errc::string_too_long);

  Connect user = minimal(kV311);
  user.username = too_long;
  EXPECT_EQ(encode_error(user, kV311), errc::string_too_long);

  Connect password = minimal(kV311);
  password.username = "u";
  password.password = too_long;
  EXPECT_EQ(encode_error(password, kV311), errc::string_too_long);
}

TEST(EncodeConnectError, PropertiesNotAllowedInConnectOrWill) {
  Connect connect_prop = minimal(kV5);
  connect_prop.props.add(PropertyId::topic_alias, 1);
  EXPECT_EQ(encode_error(connect_prop, kV5), errc::property_not_allowed);

  Connect will_only_prop = minimal(kV5);
  will_only_prop.props.add(PropertyId::will_delay_interval, 1);
  EXPECT_EQ(encode_error(will_only_prop, kV5), errc::property_not_allowed);

  Connect will_prop = minimal(kV5);
  will_prop.will = will_bye();
  will_prop.will->props.add(PropertyId::session_expiry_interval, 1);
  EXPECT_EQ(encode_error(will_prop, kV5), errc::property_not_allowed);
}

TEST(EncodeConnectError, RepeatedPropertyInConnectOrWill) {
  Connect connect_prop = minimal(kV5);
  connect_prop.props.add(PropertyId::receive_maximum, 1).add(PropertyId::receive_maximum, 2);
  EXPECT_EQ(encode_error(connect_prop, kV5), errc::duplicate_property);

  Connect will_prop = minimal(kV5);
  will_prop.will = will_bye();
  will_prop.will->props.add(PropertyId::content_type, "a").add(PropertyId::content_type, "b");
  EXPECT_EQ(encode_error(will_prop, kV5), errc::duplicate_property);
}

TEST(EncodeConnectError, UnknownProtocolVersion) {
  Connect c = minimal(kV311);
  c.version = static_cast<ProtocolVersion>(6);
  EXPECT_EQ(encode_error(c, kV311), errc::unsupported_protocol_version);
}

TEST(EncodeConnack, SessionPresentAccepted311) {
  Connack c;
  c.session_present = true;
  const std::string expected = hex({
      0x20,  // CONNACK
      0x02,  // remaining length 2
      0x01,  // acknowledge flags: session present
      0x00,  // return code 0: accepted
  });
  EXPECT_EQ(encode_hex(c, kV311), expected);
}

TEST(EncodeConnack, V31HasNoSessionPresentFlag) {
  Connack c;
  c.session_present = true;
  c.reason = ReasonCode::server_unavailable;
  const std::string expected = hex({
      0x20,  // CONNACK
      0x02,  // remaining length 2
      0x00,  // reserved byte (MQTT 3.1 has no session present flag)
      0x03,  // return code 3: server unavailable
  });
  EXPECT_EQ(encode_hex(c, kV31), expected);
}

TEST(EncodeConnack, ReasonCodesMapBackToReturnCodesIn3x) {
  const std::pair<ReasonCode, std::uint8_t> cases[] = {
      {ReasonCode::success, 0x00},                       // accepted
      {ReasonCode::unsupported_protocol_version, 0x01},  // unacceptable protocol version
      {ReasonCode::client_identifier_not_valid, 0x02},   // identifier rejected
      {ReasonCode::server_unavailable, 0x03},            // server unavailable
      {ReasonCode::bad_user_name_or_password, 0x04},     // bad user name or password
      {ReasonCode::not_authorized, 0x05},                // not authorized
  };
  for (const auto& [reason, return_code] : cases) {
    Connack c;
    c.reason = reason;
    c.props.add(PropertyId::reason_string, "ignored in 3.x");
    EXPECT_EQ(encode_hex(c, kV311), hex({0x20, 0x02, 0x00, return_code}))
        << static_cast<int>(reason);
  }
}

TEST(EncodeConnack, V5Minimal) {
  const std::string expected = hex({
      0x20,  // CONNACK
      0x03,  // remaining length 3
      0x00,  // acknowledge flags
      0x00,  // reason code: success
      0x00,  // property length 0
  });
  EXPECT_EQ(encode_hex(Connack{}, kV5), expected);
}

TEST(EncodeConnack, V5FailureKeepsItsOwnReasonCode) {
  Connack c;
  c.reason = ReasonCode::banned;
  const std::string expected = hex({
      0x20,  // CONNACK
      0x03,  // remaining length 3
      0x00,  // acknowledge flags
      0x8A,  // reason code: banned
      0x00,  // property length 0
  });
  EXPECT_EQ(encode_hex(c, kV5), expected);
}

TEST(EncodeConnack, V5WithEveryConnackProperty) {
  Connack c;
  c.session_present = true;
  c.props.add(PropertyId::session_expiry_interval, 120)
      .add(PropertyId::receive_maximum, 100)
      .add(PropertyId::maximum_qos, 1)
      .add(PropertyId::retain_available, 0)
      .add(PropertyId::maximum_packet_size, 1024)
      .add(PropertyId::assigned_client_identifier, "ab")
      .add(PropertyId::topic_alias_maximum, 8)
      .add(PropertyId::reason_string, "ok")
      .add_user_property("s", "t")
      .add(PropertyId::wildcard_subscription_available, 1)
      .add(PropertyId::subscription_identifier_available, 0)
      .add(PropertyId::shared_subscription_available, 1)
      .add(PropertyId::server_keep_alive, 300)
      .add(PropertyId::response_information, "ri")
      .add(PropertyId::server_reference, "sv")
      .add(PropertyId::authentication_method, "m")
      .add(PropertyId::authentication_data, "d");
  const std::string expected = hex({
      0x20,                                     // CONNACK
      0x43,                                     // remaining length 67
      0x01,                                     // acknowledge flags: session present
      0x00,                                     // reason code: success
      0x40,                                     // property length 64
      0x11, 0x00, 0x00, 0x00, 0x78,             // session expiry interval 120 s
      0x21, 0x00, 0x64,                         // receive maximum 100
      0x24, 0x01,                               // maximum QoS 1
      0x25, 0x00,                               // retain available 0
      0x27, 0x00, 0x00, 0x04, 0x00,             // maximum packet size 1024
      0x12, 0x00, 0x02, 'a',  'b',              // assigned client identifier "ab"
      0x22, 0x00, 0x08,                         // topic alias maximum 8
      0x1F, 0x00, 0x02, 'o',  'k',              // reason string "ok"
      0x26, 0x00, 0x01, 's',  0x00, 0x01, 't',  // user property s=t
      0x28, 0x01,                               // wildcard subscription available 1
      0x29, 0x00,                               // subscription identifiers available 0
      0x2A, 0x01,                               // shared subscription available 1
      0x13, 0x01, 0x2C,                         // server keep alive 300 s
      0x1A, 0x00, 0x02, 'r',  'i',              // response information "ri"
      0x1C, 0x00, 0x02, 's',  'v',              // server reference "sv"
      0x15, 0x00, 0x01, 'm',                    // authentication method "m"
      0x16, 0x00, 0x01, 'd',                    // authentication data "d"
  });
  EXPECT_EQ(encode_hex(c, kV5), expected);
}

TEST(EncodeConnackError, ReasonWithoutA3xReturnCode) {
  Connack c;
  c.reason = ReasonCode::banned;
  EXPECT_EQ(encode_error(c, kV311), errc::invalid_reason_code);
  EXPECT_EQ(encode_error(c, kV31), errc::invalid_reason_code);
}

TEST(EncodeConnackError, ReasonNotAllowedOnConnackInV5) {
  Connack c;
  c.reason = ReasonCode::granted_qos_1;
  EXPECT_EQ(encode_error(c, kV5), errc::invalid_reason_code);
}

TEST(EncodeConnackError, PropertyNotAllowedOnConnack) {
  Connack c;
  c.props.add(PropertyId::will_delay_interval, 1);
  EXPECT_EQ(encode_error(c, kV5), errc::property_not_allowed);
}

}  // namespace
}  // namespace portmqtt::codec::test
