// Configuration of a session: everything CONNECT says, plus the client-side policies.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "codec/properties.hpp"
#include "codec/types.hpp"
#include "session/auth_method.hpp"

namespace portmqtt::session {

using Duration = std::chrono::milliseconds;

struct WillConfig {
  std::string topic;
  std::string payload;  ///< binary allowed
  codec::QoS qos = codec::QoS::at_most_once;
  bool retain = false;
  codec::OwnedProperties props;  ///< MQTT 5 will properties
};

/// What to do with queued QoS>0 messages when the broker reports no session after a reconnect.
enum class LostSessionPolicy : std::uint8_t {
  /// Keep them and send them again as new messages (DUP=0); ESP-MQTT does this. A QoS 2
  /// message already at PUBREL is reported as MessageExpired (outcome_unknown): the broker had
  /// acknowledged receipt with PUBREC, but with its session gone nobody can say whether it
  /// reached subscribers, and there is nothing left to release.
  resend_as_new,
  /// Drop the messages the broker had seen (sent at least once), each reported with
  /// MessageExpired; PUBRELs end as above. Messages never sent are not part of the
  /// lost session and are sent normally.
  discard,
};

struct Config {
  codec::ProtocolVersion version = codec::ProtocolVersion::v3_1_1;
  std::string client_id;  ///< empty allowed (the broker may assign one in MQTT 5)
  bool clean_start = true;
  std::uint16_t keep_alive_s = 120;  ///< 0 disables keep-alive
  std::optional<WillConfig> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  ///< binary allowed
  /// MQTT 5 CONNECT properties (Session Expiry, Receive Maximum, Maximum Packet Size, Topic
  /// Alias Maximum, Request Response/Problem Information, User Properties, Authentication).
  /// The inbound limits the session enforces are read from here.
  codec::OwnedProperties connect_props;
  /// Largest packet taken from the broker, in every protocol version; a bigger one ends the
  /// connection with errc::packet_too_large as soon as its header arrives. Zero: the protocol
  /// maximum. On MQTT 5 a Maximum Packet Size in connect_props wins (the broker was told it).
  std::uint32_t maximum_incoming_packet_size = 0;

  /// PINGREQ goes out when nothing was sent, or nothing received, for this share of the
  /// keep-alive (ESP-MQTT: half).
  std::uint8_t ping_interval_percent = 50;
  /// How long to wait for PINGRESP before declaring the link dead. Zero: half the keep-alive.
  Duration ping_timeout{0};
  /// How long to wait for CONNACK after CONNECT was queued.
  Duration connect_timeout{10'000};
  /// MQTT 3.x only: resend an unacknowledged PUBLISH/PUBREL on a live connection after this
  /// long (ESP-MQTT behaviour). Zero disables. MQTT 5 never resends on a live connection.
  /// While enabled, the duplicate acks a resend can cause are ignored; otherwise an ack for an
  /// id not in flight is a protocol violation.
  Duration retransmit_interval{1'000};
  /// Outbox items older than this are dropped with MessageExpired, also while disconnected.
  /// Zero: never. A message in flight on the live connection is not expired (its ack is on the
  /// way), nor is a QoS 2 message the broker may have seen: its packet id must finish the
  /// PUBREL/PUBCOMP exchange, or a new message reusing it could be taken for a duplicate.
  Duration outbox_expiry{30'000};
  /// Outbox limits; zero means unlimited. Exceeding one makes the command fail with
  /// errc::outbox_full (ESP's -2).
  std::size_t outbox_limit_bytes = 0;
  std::size_t outbox_limit_messages = 0;
  LostSessionPolicy lost_session_policy = LostSessionPolicy::resend_as_new;
  /// True: a QoS 1/2 publish takes its packet id when publish() accepts it (ESP-MQTT's msg_id
  /// contract), so at most 65,535 such messages can wait at once (errc::no_free_packet_id
  /// beyond). False: the id is bound when the message goes in flight; the outbox then holds as
  /// many messages as its limits allow and CommandResult::packet_id is 0 for a message that
  /// waits.
  bool packet_id_on_accept = true;
  /// Our own cap on QoS 1/2 PUBLISHes in flight; the broker's Receive Maximum applies too.
  std::uint16_t max_inflight = 65535;
  /// MQTT 5: give PUBLISHes without a Topic Alias of their own an alias automatically, using
  /// at most this many (and at most the broker's Topic Alias Maximum). 0: off.
  std::uint16_t auto_topic_aliases = 0;

  /// MQTT 5 enhanced authentication (§4.12) run by the session: its name goes into CONNECT as
  /// the Authentication Method (replacing one in connect_props) and it answers every AUTH 0x18.
  /// Without it, an Authentication Method in connect_props leaves the AUTH exchange to the
  /// caller (AuthReceived events answered with Session::auth()).
  std::shared_ptr<AuthMethod> authenticator;
  /// Inbound QoS 1/2 messages are acknowledged by Session::ack() instead of on arrival: their
  /// PUBACK/PUBREC goes out when the application says so (in arrival order, as §4.6 requires).
  /// Messages held count against our Receive Maximum (a broker exceeding it is tolerated up
  /// to twice the limit: mosquitto 2.0.11 keeps one too many in flight once acks lag). The
  /// PUBREL/PUBCOMP half stays automatic.
  bool manual_ack = false;
};

}  // namespace portmqtt::session
