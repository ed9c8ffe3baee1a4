// encode -> decode -> the same packet, for a table of packets in each protocol version. Each
// packet uses only fields that exist in its version, so the round trip must be exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/codec.hpp"

namespace portmqtt::codec {
namespace {

struct Case {
  std::string name;
  ProtocolVersion version;
  Packet packet;
};

// --- builders --------------------------------------------------------------------------------

Connect connect(ProtocolVersion version, bool full) {
  Connect c;
  c.version = version;
  c.client_id = "client-1";
  c.keep_alive = 30;
  if (!full) return c;
  c.clean_start = false;
  Will w;
  w.topic = "status/client-1";
  w.payload = std::string_view("off\0line", 8);
  w.qos = QoS::exactly_once;
  w.retain = true;
  if (version == ProtocolVersion::v5) {
    w.props.add(PropertyId::will_delay_interval, 10)
        .add(PropertyId::payload_format_indicator, 0)
        .add(PropertyId::content_type, "text/plain")
        .add_user_property("w", "1");
    c.props.add(PropertyId::session_expiry_interval, 3600)
        .add(PropertyId::receive_maximum, 100)
        .add(PropertyId::maximum_packet_size, 1 << 20)
        .add(PropertyId::topic_alias_maximum, 16)
        .add(PropertyId::request_problem_information, 1)
        .add_user_property("a", "b")
        .add_user_property("a", "c");
  }
  c.will = w;
  c.username = "user";
  c.password = std::string_view("p\0ss", 4);
  return c;
}

Connack connack(bool session_present, ReasonCode reason) {
  Connack c;
  c.session_present = session_present;
  c.reason = reason;
  return c;
}

Publish publish(QoS qos, std::uint16_t id, bool retain, bool dup) {
  Publish p;
  p.topic = "sensors/room-1/temp";
  p.payload = std::string_view("21.5\0\xFF", 6);
  p.qos = qos;
  p.packet_id = id;
  p.retain = retain;
  p.dup = dup;
  return p;
}

template <class A>
A ack(std::uint16_t id, ReasonCode reason = ReasonCode::success) {
  A a;
  a.packet_id = id;
  a.reason = reason;
  return a;
}

Subscribe subscribe(bool v5) {
  Subscribe s;
  s.packet_id = 7;
  Subscription first{"a/+/c", {}};
  first.options.max_qos = QoS::at_least_once;
  Subscription second{"#", {}};
  second.options.max_qos = QoS::exactly_once;
  if (v5) {
    second.options.no_local = true;
    second.options.retain_as_published = true;
    second.options.retain_handling = RetainHandling::do_not_send;
  }
  s.subscriptions = {first, second, Subscription{"$share/group/x/#", {}}};
  return s;
}

Suback suback(std::vector<ReasonCode> reasons) {
  Suback s;
  s.packet_id = 7;
  s.reasons = std::move(reasons);
  return s;
}

Unsubscribe unsubscribe() {
  Unsubscribe u;
  u.packet_id = 8;
  u.filters = {"a/+/c", "#"};
  return u;
}

Unsuback unsuback(std::vector<ReasonCode> reasons) {
  Unsuback u;
  u.packet_id = 8;
  u.reasons = std::move(reasons);
  return u;
}

// --- tables ----------------------------------------------------------------------------------

/// Packets whose every field exists in MQTT 3.1 and 3.1.1.
std::vector<Case> v3_cases(ProtocolVersion v, const std::string& tag) {
  const bool has_session_present = v == ProtocolVersion::v3_1_1;
  return {
      {tag + "_connect_minimal", v, connect(v, false)},
      {tag + "_connect_full", v, connect(v, true)},
      {tag + "_connack_accepted", v, connack(has_session_present, ReasonCode::success)},
      {tag + "_connack_refused", v, connack(false, ReasonCode::not_authorized)},
      {tag + "_publish_qos0", v, publish(QoS::at_most_once, 0, false, false)},
      {tag + "_publish_qos1_retain", v, publish(QoS::at_least_once, 1, true, false)},
      {tag + "_publish_qos2_dup", v, publish(QoS::exactly_once, 65535, false, true)},
      {tag + "_puback", v, ack<Puback>(1)},
      {tag + "_pubrec", v, ack<Pubrec>(2)},
      {tag + "_pubrel", v, ack<Pubrel>(3)},
      {tag + "_pubcomp", v, ack<Pubcomp>(4)},
      {tag + "_subscribe", v, subscribe(false)},
      {tag + "_suback", v,
       suback(
           {ReasonCode::granted_qos_0, ReasonCode::granted_qos_2, ReasonCode::unspecified_error})},
      {tag + "_unsubscribe", v, unsubscribe()},
      {tag + "_unsuback", v, unsuback({})},
      {tag + "_pingreq", v, Pingreq{}},
      {tag + "_pingresp", v, Pingresp{}},
      {tag + "_disconnect", v, Disconnect{}},
  };
}

std::vector<Case> v5_cases() {
  const ProtocolVersion v = ProtocolVersion::v5;
  std::vector<Case> cases;
  const auto add = [&](std::string name, Packet p) {
    cases.push_back({"v5_" + std::move(name), v, std::move(p)});
  };
  add("connect_minimal", connect(v, false));
  add("connect_full", connect(v, true));
  Connect password_only = connect(v, false);
  password_only.password = "secret";
  add("connect_password_only", password_only);

  add("connack_minimal", connack(false, ReasonCode::success));
  Connack rich = connack(true, ReasonCode::success);
  rich.props.add(PropertyId::session_expiry_interval, 0)
      .add(PropertyId::receive_maximum, 10)
      .add(PropertyId::maximum_qos, 1)
      .add(PropertyId::retain_available, 0)
      .add(PropertyId::maximum_packet_size, 4096)
      .add(PropertyId::assigned_client_identifier, "auto-1")
      .add(PropertyId::topic_alias_maximum, 5)
      .add(PropertyId::reason_string, "welcome")
      .add(PropertyId::wildcard_subscription_available, 1)
      .add(PropertyId::subscription_identifier_available, 1)
      .add(PropertyId::shared_subscription_available, 0)
      .add(PropertyId::server_keep_alive, 60)
      .add(PropertyId::response_information, "resp/")
      .add(PropertyId::authentication_method, "SCRAM")
      .add(PropertyId::authentication_data, std::string_view("\x00\x01", 2))
      .add_user_property("x", "y");
  add("connack_all_properties", rich);
  Connack moved = connack(false, ReasonCode::server_moved);
  moved.props.add(PropertyId::server_reference, "other:1883");
  add("connack_server_moved", moved);

  add("publish_qos0", publish(QoS::at_most_once, 0, false, false));
  Publish props = publish(QoS::at_least_once, 9, true, false);
  props.props.add(PropertyId::payload_format_indicator, 1)
      .add(PropertyId::message_expiry_interval, 60)
      .add(PropertyId::content_type, "application/json")
      .add(PropertyId::response_topic, "reply/here")
      .add(PropertyId::correlation_data, std::string_view("\x00\x01\x02", 3))
      .add(PropertyId::subscription_identifier, 1)
      .add(PropertyId::subscription_identifier, 268'435'455)
      .add(PropertyId::topic_alias, 3)
      .add_user_property("k", "v1")
      .add_user_property("k", "v2");
  add("publish_all_properties", props);
  Publish alias_only = publish(QoS::exactly_once, 10, false, true);
  alias_only.topic = "";
  alias_only.props.add(PropertyId::topic_alias, 3);
  add("publish_topic_alias_only", alias_only);

  add("puback_short", ack<Puback>(1));
  add("puback_reason", ack<Puback>(1, ReasonCode::no_matching_subscribers));
  Puback puback_props = ack<Puback>(1, ReasonCode::quota_exceeded);
  puback_props.props.add(PropertyId::reason_string, "slow down").add_user_property("q", "1");
  add("puback_properties", puback_props);
  add("pubrec_reason", ack<Pubrec>(2, ReasonCode::implementation_specific_error));
  Pubrec pubrec_props = ack<Pubrec>(2);
  pubrec_props.props.add_user_property("r", "");
  add("pubrec_success_properties", pubrec_props);
  add("pubrel_short", ack<Pubrel>(3));
  add("pubrel_reason", ack<Pubrel>(3, ReasonCode::packet_identifier_not_found));
  add("pubcomp_short", ack<Pubcomp>(4));
  Pubcomp pubcomp_props = ack<Pubcomp>(4, ReasonCode::packet_identifier_not_found);
  pubcomp_props.props.add(PropertyId::reason_string, "gone");
  add("pubcomp_properties", pubcomp_props);

  Subscribe sub = subscribe(true);
  sub.props.add(PropertyId::subscription_identifier, 42).add_user_property("s", "1");
  add("subscribe", sub);
  Suback sa = suback({ReasonCode::granted_qos_1, ReasonCode::not_authorized,
                      ReasonCode::shared_subscriptions_not_supported});
  sa.props.add(PropertyId::reason_string, "partly");
  add("suback", sa);
  Unsubscribe unsub = unsubscribe();
  unsub.props.add_user_property("u", "2");
  add("unsubscribe", unsub);
  Unsuback ua = unsuback({ReasonCode::success, ReasonCode::no_subscription_existed});
  ua.props.add(PropertyId::reason_string, "done");
  add("unsuback", ua);

  add("pingreq", Pingreq{});
  add("pingresp", Pingresp{});
  add("disconnect_normal", Disconnect{});
  Disconnect with_will;
  with_will.reason = ReasonCode::disconnect_with_will_message;
  add("disconnect_with_will", with_will);
  Disconnect disconnect_props;
  disconnect_props.reason = ReasonCode::server_shutting_down;
  disconnect_props.props.add(PropertyId::session_expiry_interval, 0)
      .add(PropertyId::reason_string, "maintenance")
      .add(PropertyId::server_reference, "backup")
      .add_user_property("d", "1");
  add("disconnect_properties", disconnect_props);

  add("auth_success", Auth{});
  Auth cont;
  cont.reason = ReasonCode::continue_authentication;
  add("auth_continue", cont);
  Auth auth_props;
  auth_props.reason = ReasonCode::re_authenticate;
  auth_props.props.add(PropertyId::authentication_method, "SCRAM")
      .add(PropertyId::authentication_data, std::string_view("\xFF\x00", 2))
      .add(PropertyId::reason_string, "again")
      .add_user_property("z", "9");
  add("auth_properties", auth_props);
  return cases;
}

std::vector<Case> all_cases() {
  std::vector<Case> cases = v3_cases(ProtocolVersion::v3_1, "v31");
  for (Case& c : v3_cases(ProtocolVersion::v3_1_1, "v311"))
    cases.push_back(std::move(c));
  for (Case& c : v5_cases())
    cases.push_back(std::move(c));
  return cases;
}

// --- tests -----------------------------------------------------------------------------------

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, DecodesToTheSamePacket) {
  const Case& c = GetParam();
  Buffer bytes;
  ASSERT_FALSE(encode(c.packet, c.version, bytes));
  const DecodeResult result = decode(bytes.view(), c.version);
  ASSERT_EQ(result.status, DecodeStatus::packet) << result.error.message();
  EXPECT_EQ(result.size, bytes.size());
  EXPECT_EQ(type_of(result.packet), type_of(c.packet));
  EXPECT_TRUE(result.packet == c.packet);
}

TEST_P(RoundTrip, EveryShorterPrefixNeedsMore) {
  const Case& c = GetParam();
  Buffer bytes;
  ASSERT_FALSE(encode(c.packet, c.version, bytes));
  const std::size_t header_size = decode_fixed_header(bytes.view()).header.header_size;
  ASSERT_GE(header_size, 2U);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const DecodeResult result = decode(bytes.view().first(n), c.version);
    ASSERT_EQ(result.status, DecodeStatus::need_more) << "prefix of " << n << " bytes";
    // Once the fixed header is in, the decoder knows the whole size.
    if (n >= header_size) {
      EXPECT_EQ(result.size, bytes.size()) << "prefix of " << n << " bytes";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, RoundTrip, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

TEST(RoundTripStream, PacketsBackToBackDecodeOneAfterAnother) {
  const std::vector<Case> cases = v5_cases();
  Buffer stream;
  for (const Case& c : cases)
    ASSERT_FALSE(encode(c.packet, c.version, stream)) << c.name;
  ByteView rest = stream.view();
  for (const Case& c : cases) {
    const DecodeResult result = decode(rest, ProtocolVersion::v5);
    ASSERT_EQ(result.status, DecodeStatus::packet) << c.name << ": " << result.error.message();
    EXPECT_TRUE(result.packet == c.packet) << c.name;
    rest = rest.subspan(result.size);
  }
  EXPECT_TRUE(rest.empty());
}

}  // namespace
}  // namespace portmqtt::codec
