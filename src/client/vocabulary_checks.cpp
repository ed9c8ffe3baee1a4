// The public vocabulary (include/portmqtt) and the core's (codec) define the same MQTT enums
// separately, so that the core stays independent of the API, and convert.hpp, packet_trace.cpp
// and error.cpp join them with static_cast. Those casts are only right while every enumerator
// carries the same wire value on both sides: each check below turns a divergence into a
// compile error naming the enumerator.
#include "codec/properties.hpp"
#include "codec/reason_codes.hpp"
#include "codec/types.hpp"
#include "portmqtt/event.hpp"
#include "portmqtt/message.hpp"
#include "portmqtt/packet_trace.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"
#include "session/events.hpp"

namespace portmqtt::detail {
namespace {

template <class Public, class Core>
constexpr bool same_value(Public a, Core b) {
  return static_cast<unsigned>(a) == static_cast<unsigned>(b);
}

// Expands to one static_assert per enumerator: NAME must exist in both enums with one value.
#define PORTMQTT_SAME(Enum, name) \
  static_assert(same_value(Enum::name, codec::Enum::name), #Enum "::" #name " differs")

PORTMQTT_SAME(QoS, at_most_once);
PORTMQTT_SAME(QoS, at_least_once);
PORTMQTT_SAME(QoS, exactly_once);

PORTMQTT_SAME(ProtocolVersion, v3_1);
PORTMQTT_SAME(ProtocolVersion, v3_1_1);
PORTMQTT_SAME(ProtocolVersion, v5);

PORTMQTT_SAME(RetainHandling, send_on_subscribe);
PORTMQTT_SAME(RetainHandling, send_if_new_subscription);
PORTMQTT_SAME(RetainHandling, do_not_send);

PORTMQTT_SAME(PacketType, connect);
PORTMQTT_SAME(PacketType, connack);
PORTMQTT_SAME(PacketType, publish);
PORTMQTT_SAME(PacketType, puback);
PORTMQTT_SAME(PacketType, pubrec);
PORTMQTT_SAME(PacketType, pubrel);
PORTMQTT_SAME(PacketType, pubcomp);
PORTMQTT_SAME(PacketType, subscribe);
PORTMQTT_SAME(PacketType, suback);
PORTMQTT_SAME(PacketType, unsubscribe);
PORTMQTT_SAME(PacketType, unsuback);
PORTMQTT_SAME(PacketType, pingreq);
PORTMQTT_SAME(PacketType, pingresp);
PORTMQTT_SAME(PacketType, disconnect);
PORTMQTT_SAME(PacketType, auth);

PORTMQTT_SAME(PropertyId, payload_format_indicator);
PORTMQTT_SAME(PropertyId, message_expiry_interval);
PORTMQTT_SAME(PropertyId, content_type);
PORTMQTT_SAME(PropertyId, response_topic);
PORTMQTT_SAME(PropertyId, correlation_data);
PORTMQTT_SAME(PropertyId, subscription_identifier);
PORTMQTT_SAME(PropertyId, session_expiry_interval);
PORTMQTT_SAME(PropertyId, assigned_client_identifier);
PORTMQTT_SAME(PropertyId, server_keep_alive);
PORTMQTT_SAME(PropertyId, authentication_method);
PORTMQTT_SAME(PropertyId, authentication_data);
PORTMQTT_SAME(PropertyId, request_problem_information);
PORTMQTT_SAME(PropertyId, will_delay_interval);
PORTMQTT_SAME(PropertyId, request_response_information);
PORTMQTT_SAME(PropertyId, response_information);
PORTMQTT_SAME(PropertyId, server_reference);
PORTMQTT_SAME(PropertyId, reason_string);
PORTMQTT_SAME(PropertyId, receive_maximum);
PORTMQTT_SAME(PropertyId, topic_alias_maximum);
PORTMQTT_SAME(PropertyId, topic_alias);
PORTMQTT_SAME(PropertyId, maximum_qos);
PORTMQTT_SAME(PropertyId, retain_available);
PORTMQTT_SAME(PropertyId, user_property);
PORTMQTT_SAME(PropertyId, maximum_packet_size);
PORTMQTT_SAME(PropertyId, wildcard_subscription_available);
PORTMQTT_SAME(PropertyId, subscription_identifier_available);
PORTMQTT_SAME(PropertyId, shared_subscription_available);

PORTMQTT_SAME(ReasonCode, success);
PORTMQTT_SAME(ReasonCode, normal_disconnection);
PORTMQTT_SAME(ReasonCode, granted_qos_0);
PORTMQTT_SAME(ReasonCode, granted_qos_1);
PORTMQTT_SAME(ReasonCode, granted_qos_2);
PORTMQTT_SAME(ReasonCode, disconnect_with_will_message);
PORTMQTT_SAME(ReasonCode, no_matching_subscribers);
PORTMQTT_SAME(ReasonCode, no_subscription_existed);
PORTMQTT_SAME(ReasonCode, continue_authentication);
PORTMQTT_SAME(ReasonCode, re_authenticate);
PORTMQTT_SAME(ReasonCode, unspecified_error);
PORTMQTT_SAME(ReasonCode, malformed_packet);
PORTMQTT_SAME(ReasonCode, protocol_error);
PORTMQTT_SAME(ReasonCode, implementation_specific_error);
PORTMQTT_SAME(ReasonCode, unsupported_protocol_version);
PORTMQTT_SAME(ReasonCode, client_identifier_not_valid);
PORTMQTT_SAME(ReasonCode, bad_user_name_or_password);
PORTMQTT_SAME(ReasonCode, not_authorized);
PORTMQTT_SAME(ReasonCode, server_unavailable);
PORTMQTT_SAME(ReasonCode, server_busy);
PORTMQTT_SAME(ReasonCode, banned);
PORTMQTT_SAME(ReasonCode, server_shutting_down);
PORTMQTT_SAME(ReasonCode, bad_authentication_method);
PORTMQTT_SAME(ReasonCode, keep_alive_timeout);
PORTMQTT_SAME(ReasonCode, session_taken_over);
PORTMQTT_SAME(ReasonCode, topic_filter_invalid);
PORTMQTT_SAME(ReasonCode, topic_name_invalid);
PORTMQTT_SAME(ReasonCode, packet_identifier_in_use);
PORTMQTT_SAME(ReasonCode, packet_identifier_not_found);
PORTMQTT_SAME(ReasonCode, receive_maximum_exceeded);
PORTMQTT_SAME(ReasonCode, topic_alias_invalid);
PORTMQTT_SAME(ReasonCode, packet_too_large);
PORTMQTT_SAME(ReasonCode, message_rate_too_high);
PORTMQTT_SAME(ReasonCode, quota_exceeded);
PORTMQTT_SAME(ReasonCode, administrative_action);
PORTMQTT_SAME(ReasonCode, payload_format_invalid);
PORTMQTT_SAME(ReasonCode, retain_not_supported);
PORTMQTT_SAME(ReasonCode, qos_not_supported);
PORTMQTT_SAME(ReasonCode, use_another_server);
PORTMQTT_SAME(ReasonCode, server_moved);
PORTMQTT_SAME(ReasonCode, shared_subscriptions_not_supported);
PORTMQTT_SAME(ReasonCode, connection_rate_exceeded);
PORTMQTT_SAME(ReasonCode, maximum_connect_time);
PORTMQTT_SAME(ReasonCode, subscription_identifiers_not_supported);
PORTMQTT_SAME(ReasonCode, wildcard_subscriptions_not_supported);

#undef PORTMQTT_SAME

// ServerCapabilities: the public struct (event.hpp) and the session's (session/events.hpp) are
// one list of fields, told twice only so that the core stays free of the API. Both bind to
// exactly these ten names in this order (a field added on one side alone fails to compile
// here or in convert.cpp's from_session), with the same defaults: what a CONNACK without
// properties means.
constexpr bool same_server_capabilities() {
  const ServerCapabilities api{};
  const session::ServerCapabilities core{};
  const auto& [receive_maximum, maximum_qos, retain_available, maximum_packet_size,
               topic_alias_maximum, wildcard_subscription_available,
               subscription_identifiers_available, shared_subscription_available, keep_alive,
               session_expiry_interval] = api;
  return receive_maximum == core.receive_maximum && same_value(maximum_qos, core.maximum_qos) &&
         retain_available == core.retain_available &&
         maximum_packet_size == core.maximum_packet_size &&
         topic_alias_maximum == core.topic_alias_maximum &&
         wildcard_subscription_available == core.wildcard_subscription_available &&
         subscription_identifiers_available == core.subscription_identifiers_available &&
         shared_subscription_available == core.shared_subscription_available &&
         keep_alive == core.keep_alive && session_expiry_interval == core.session_expiry_interval;
}
static_assert(same_server_capabilities(), "ServerCapabilities: public and session defaults differ");

}  // namespace
}  // namespace portmqtt::detail
