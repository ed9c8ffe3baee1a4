/// \file
/// Messages, quality of service and the options of publish and subscribe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "portmqtt/properties.hpp"

namespace portmqtt {

/// Quality of service (MQTT §4.3).
enum class QoS : std::uint8_t {
  at_most_once = 0,   ///< QoS 0: fire and forget
  at_least_once = 1,  ///< QoS 1: PUBLISH -> PUBACK; may be delivered twice
  exactly_once = 2,   ///< QoS 2: PUBLISH -> PUBREC -> PUBREL -> PUBCOMP
};

/// The protocol spoken with the broker.
enum class ProtocolVersion : std::uint8_t {
  v3_1 = 3,    ///< MQTT 3.1 (protocol name "MQIsdp")
  v3_1_1 = 4,  ///< MQTT 3.1.1 (the default)
  v5 = 5,      ///< MQTT 5.0
};

/// A packet identifier. Commands that need an acknowledgement return the identifier their
/// completion event will carry; a QoS 0 publish returns 0.
using PacketId = std::uint16_t;

/// An application message that owns its bytes: used for the last will and by
/// Client::publish(const Message&). Topic and payload may contain any byte the protocol
/// allows; the payload may contain NULs and may be empty.
struct Message {
  std::string topic;
  std::string payload;
  QoS qos = QoS::at_most_once;
  bool retain = false;
  Properties properties;  ///< MQTT 5 PUBLISH (or will) properties
};

/// How a message is published.
struct PublishOptions {
  QoS qos = QoS::at_most_once;
  bool retain = false;
  /// QoS 0 only: while there is no connection, keep the message in the outbox and send it
  /// after the next CONNACK (ESP's enqueue with store=true). Without it a QoS 0 publish while
  /// offline fails with errc::not_connected. QoS 1/2 messages are always kept.
  bool store_when_offline = false;
};

/// MQTT 5 Retain Handling subscription option (§3.8.3.1).
enum class RetainHandling : std::uint8_t {
  send_on_subscribe = 0,         ///< send retained messages at every subscribe (3.x behaviour)
  send_if_new_subscription = 1,  ///< only when the subscription did not exist yet
  do_not_send = 2,               ///< never send retained messages for this subscription
};

/// Options of one subscription. Everything except `qos` is MQTT 5 only and must keep its
/// default on 3.x connections (otherwise errc::not_supported_by_version).
struct SubscribeOptions {
  QoS qos = QoS::at_most_once;       ///< maximum QoS the broker may deliver with
  bool no_local = false;             ///< do not receive our own publications (not with $share)
  bool retain_as_published = false;  ///< keep the RETAIN flag as the publisher set it
  RetainHandling retain_handling = RetainHandling::send_on_subscribe;
};

/// One topic filter and its options, for subscribing to several filters in one SUBSCRIBE.
/// The filter is a view: it must stay valid only until the subscribe call returns.
struct Subscription {
  std::string_view filter;
  SubscribeOptions options;
};

}  // namespace portmqtt
