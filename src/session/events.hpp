// What the session tells the runtime: events, produced by receive()/tick()/commands and read
// with Session::next_event(). Views inside an event borrow from the bytes passed to the last
// receive() call or from session-owned storage; they stay valid until the next call that
// feeds the session (receive, tick, a command, connection_lost). Drain events before that.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "codec/packet.hpp"

namespace portmqtt::session {

/// What the broker granted in CONNACK, with MQTT 5 defaults filled in where it said nothing.
struct ServerCapabilities {
  std::uint16_t receive_maximum = 65535;
  codec::QoS maximum_qos = codec::QoS::exactly_once;
  bool retain_available = true;
  std::uint32_t maximum_packet_size = codec::kMaxPacketSize;
  std::uint16_t topic_alias_maximum = 0;
  bool wildcard_subscription_available = true;
  bool subscription_identifiers_available = true;
  bool shared_subscription_available = true;
  /// Keep-alive in force: the Server Keep Alive when sent, else the one we asked for.
  std::uint16_t keep_alive = 0;
  std::uint32_t session_expiry_interval = 0;
};

/// CONNACK accepted.
struct Connected {
  bool session_present = false;
  ServerCapabilities server;
  std::string_view assigned_client_id;  ///< MQTT 5, empty when not assigned
  codec::Properties props;              ///< all CONNACK properties (reason string, user props...)
};

/// CONNACK refused the connection. A CloseConnection event follows.
struct ConnectRefused {
  codec::ReasonCode reason{};  ///< 3.x return codes are mapped (codec::to_reason_code)
  codec::Properties props;
};

/// An application message arrived (QoS 0, first arrival of QoS 1, or QoS 2 exactly once).
/// The topic is resolved from a Topic Alias when the broker used one.
struct MessageReceived {
  codec::Publish publish;
  /// Config::manual_ack, QoS 1/2: what Session::ack() takes to acknowledge it. 0 otherwise.
  std::uint64_t ack_id = 0;
};

/// A QoS 1/2 publish finished: PUBACK, PUBCOMP, or a PUBREC with a failure reason code.
/// A failure code (>= 0x80, on PUBACK or PUBREC, listed for the packet or not) means the
/// broker refused the message; it is not resent.
/// Also a QoS 0 message stored while offline, once it is written out (qos 0, reason success).
struct PublishCompleted {
  std::uint16_t packet_id = 0;  ///< 0 for a stored QoS 0 message
  codec::QoS qos{};
  codec::ReasonCode reason{};
  codec::Properties props;
  /// A QoS 2 message the broker answered with PUBACK (RabbitMQ 3.x): it took the message as
  /// QoS 1, so it has it at least once, without the exactly-once guarantee.
  bool downgraded = false;
  std::uint64_t handle = 0;  ///< CommandResult::handle of the publish
};

/// PublishCompleted without properties, in the compact form that Session::next_event(acks)
/// hands out in bulk: one per PUBACK or PUBCOMP in the common case (a broker that adds no
/// Reason String or User Properties), so a read of many acknowledgements costs no event each.
struct Acknowledgement {
  std::uint64_t handle = 0;     ///< CommandResult::handle of the publish
  std::uint16_t packet_id = 0;  ///< 0 for a stored QoS 0 message
  codec::QoS qos{};
  codec::ReasonCode reason{};
  bool downgraded = false;  ///< see PublishCompleted::downgraded
};

struct SubscribeCompleted {
  std::uint16_t packet_id = 0;
  std::vector<codec::ReasonCode> reasons;  ///< one per filter, in request order
  codec::Properties props;
};

struct UnsubscribeCompleted {
  std::uint16_t packet_id = 0;
  std::vector<codec::ReasonCode> reasons;  ///< MQTT 5; empty for 3.x
  codec::Properties props;
};

/// Why an outbox item ended without an acknowledgement.
enum class DropReason : std::uint8_t {
  expired,          ///< older than Config::outbox_expiry
  session_lost,     ///< the broker lost the session and the lost-session policy discarded it
  not_deliverable,  ///< the broker of a later connection cannot take it (QoS, size, version)
  /// The broker had it (QoS 2, PUBREC received) when it lost the session: whether it reached
  /// subscribers is unknown, and there is nothing left to release.
  outcome_unknown,
  connection_lost,  ///< SUBSCRIBE/UNSUBSCRIBE whose ack was lost with the connection
};

/// An outbox item was dropped before it was acknowledged (ESP DELETED): see DropReason.
struct MessageExpired {
  std::uint16_t packet_id = 0;  ///< 0 for a stored QoS 0 message or one never in flight
  codec::PacketType type{};     ///< PUBLISH, SUBSCRIBE or UNSUBSCRIBE
  DropReason why = DropReason::expired;
  std::uint64_t handle = 0;  ///< publishes: CommandResult::handle; 0 for requests
};

/// The broker sent DISCONNECT (MQTT 5). A CloseConnection event follows.
struct ServerDisconnected {
  codec::ReasonCode reason{};
  codec::Properties props;
};

/// The broker sent AUTH (MQTT 5 enhanced authentication). Answer with Session::auth().
struct AuthReceived {
  codec::ReasonCode reason{};
  codec::Properties props;
};

/// A re-authentication (AUTH 0x19) ended: `error` is empty when the broker accepted it (AUTH
/// 0x00 and, with an authenticator, its final check passed); otherwise authentication_failed,
/// server_disconnected (the broker refused with DISCONNECT) or not_connected (the connection
/// ended first).
struct ReauthenticationEnded {
  std::error_code error;
};

/// Something went wrong that the application should hear about: a protocol violation by the
/// broker, a keep-alive timeout, a CONNACK timeout. Usually followed by CloseConnection.
struct ErrorOccurred {
  std::error_code error;
  /// The lower-level error behind `error` when there is one: the codec error for
  /// errc::malformed_packet and an inbound errc::packet_too_large, empty otherwise.
  std::error_code cause;
  /// errc::protocol_error, unknown_packet_id, ...: the rule the broker broke, in words
  /// (static text); empty when there is nothing to add.
  std::string_view rule;
};

/// The session wants the transport closed, after the pending output (e.g. DISCONNECT) has
/// been written. The runtime closes it and then calls Session::connection_lost().
struct CloseConnection {
  std::error_code reason;  ///< empty for a normal, requested disconnect
};

using Event =
    std::variant<Connected, ConnectRefused, MessageReceived, PublishCompleted, SubscribeCompleted,
                 UnsubscribeCompleted, MessageExpired, ServerDisconnected, AuthReceived,
                 ErrorOccurred, CloseConnection, ReauthenticationEnded>;

}  // namespace portmqtt::session
