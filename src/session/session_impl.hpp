// The session's state and the declarations of its flows. Each flow lives in its own file:
//   session.cpp          façade, receive loop, dispatch, timers, protocol-violation handling
//   connection.cpp       CONNECT/CONNACK, DISCONNECT in both directions
//   enhanced_auth.cpp    AUTH: enhanced authentication and re-authentication (MQTT 5 §4.12)
//   outbound_qos.cpp     publish() and the QoS 1/2 sender flows
//   inbound_qos.cpp      the QoS 1/2 receiver flows and QoS 2 duplicate suppression
//   outbox_lifecycle.cpp resend after reconnect, lost sessions, expiry, resuming a store
//   subscriptions.cpp    SUBSCRIBE/UNSUBSCRIBE and their acks
//   keepalive.cpp        ping scheduling (KeepAlive) and the PINGRESP handler
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "codec/codec.hpp"
#include "session/connection_state.hpp"
#include "session/errc.hpp"
#include "session/event_queue.hpp"
#include "session/held_acks.hpp"
#include "session/id_table.hpp"
#include "session/keepalive.hpp"
#include "session/outbox.hpp"
#include "session/output_queue.hpp"
#include "session/packet_ids.hpp"
#include "session/session.hpp"
#include "session/topic_alias.hpp"

namespace portmqtt::session {

/// A SUBSCRIBE or UNSUBSCRIBE waiting for its ack.
struct PendingRequest {
  std::uint16_t packet_id = 0;
  codec::PacketType type{};
  std::size_t filters = 0;
};

struct Session::Impl {
  Impl(std::shared_ptr<const Config> config, std::string client_id, std::unique_ptr<Store> store);

  // --- façade (session.cpp unless noted) ------------------------------------------------
  std::size_t receive(codec::ByteView bytes, TimePoint now);
  void tick(TimePoint now);
  /// What a burst grew goes back once it is over: on the session's timer, and when the
  /// connection ends (no timer runs while offline or with keep-alive 0).
  void release_spare_memory();
  std::optional<TimePoint> next_deadline() const;
  void set_config(std::shared_ptr<const Config> next, std::string next_client_id);
  void connection_opened(TimePoint now);  // connection.cpp
  void connection_lost(TimePoint now);    // connection.cpp
  CommandResult publish(const codec::Publish& message, TimePoint now, PublishOptions options);
  CommandResult subscribe(std::span<const codec::Subscription> subscriptions,
                          const codec::Properties& props, TimePoint now);
  CommandResult unsubscribe(std::span<const std::string_view> filters,
                            const codec::Properties& props, TimePoint now);
  std::error_code disconnect(codec::ReasonCode reason, const codec::Properties& props,
                             TimePoint now);
  std::error_code auth(codec::ReasonCode reason, const codec::Properties& props,
                       TimePoint now);            // enhanced_auth.cpp
  std::error_code reauthenticate(TimePoint now);  // enhanced_auth.cpp
  std::error_code ack(std::uint64_t ack_id, codec::ReasonCode reason,
                      const codec::Properties& props, TimePoint now);  // inbound_ack.cpp
  void clear_outbox();

  // --- incoming packets: one handler each ------------------------------------------------
  void dispatch(codec::Packet& packet, TimePoint now);
  void on_connack(codec::Connack& connack, TimePoint now);     // connection.cpp
  void on_disconnect(codec::Disconnect& disconnect);           // connection.cpp
  void on_auth(codec::Auth& auth, TimePoint now);              // enhanced_auth.cpp
  void on_publish(codec::Publish& publish, TimePoint now);     // inbound_qos.cpp
  void on_pubrel(const codec::Pubrel& pubrel, TimePoint now);  // inbound_qos.cpp
  void delivered(TimePoint now);                               // inbound_qos.cpp
  void on_puback(codec::Puback& puback, TimePoint now);        // outbound_qos.cpp
  void on_pubrec(codec::Pubrec& pubrec, TimePoint now);        // outbound_qos.cpp
  void on_pubcomp(codec::Pubcomp& pubcomp, TimePoint now);     // outbound_qos.cpp
  void on_suback(codec::Suback& suback, TimePoint now);        // subscriptions.cpp
  void on_unsuback(codec::Unsuback& unsuback, TimePoint now);  // subscriptions.cpp
  void on_pingresp();                                          // keepalive.cpp
  /// PUBACK, PUBREC or PUBCOMP in its short form (codec::decode_short_ack), as on_puback,
  /// on_pubrec or on_pubcomp would take it decoded.
  void on_short_ack(const codec::ShortAck& ack, TimePoint now);

  // --- errors -----------------------------------------------------------------------------
  /// Ends the connection because of `error`: ErrorOccurred + CloseConnection, and in MQTT 5 a
  /// DISCONNECT with `reason` first when one is given.
  void fail(std::error_code error, std::error_code cause, std::optional<codec::ReasonCode> reason,
            TimePoint now, std::string_view rule = {});
  /// The broker broke the protocol; `rule` says which rule, in words (a static string).
  void violation(errc error, codec::ReasonCode reason, TimePoint now, std::string_view rule = {});
  void malformed_input(std::error_code codec_error, TimePoint now);

  // --- output -----------------------------------------------------------------------------
  /// Encodes a small packet straight into the output; on failure nothing is queued.
  template <class Packet>
  std::error_code send(const Packet& packet, TimePoint now) {
    if (auto error = codec::encode(packet, version, output.scratch())) {
      output.rollback_scratch();
      return error;
    }
    output.commit_scratch();
    keepalive.on_sent(now);
    return {};
  }
  /// send() for packets the application asked for: refused when above the broker's Maximum
  /// Packet Size.
  template <class Packet>
  std::error_code send_limited(const Packet& packet, TimePoint now) {
    codec::Buffer& scratch = output.scratch();
    const std::size_t before = scratch.size();
    std::error_code error = codec::encode(packet, version, scratch);
    if (!error && scratch.size() - before > server.maximum_packet_size) {
      error = make_error_code(errc::packet_too_large);
    }
    if (error) {
      output.rollback_scratch();
      return error;
    }
    output.commit_scratch();
    keepalive.on_sent(now);
    return {};
  }
  void send_shared(const std::shared_ptr<const codec::Buffer>& bytes, TimePoint now);

  // --- outbound QoS (outbound_qos.cpp) -------------------------------------------------------
  /// check_publish() for a message with properties (MQTT 5 only; alias and identifiers).
  std::error_code check_publish_properties(const codec::Publish& message, std::string_view& topic);
  std::error_code check_publish(const codec::Publish& message, std::string_view& topic);
  std::error_code send_qos0(const codec::Publish& message, std::string_view topic, TimePoint now,
                            bool automatic_alias = true);
  std::error_code check_outbox_room(std::size_t payload_size) const;
  /// Sends what the in-flight window allows, in queue order. With `every_pubrel`, keeps
  /// scanning past a full window so that every PUBREL goes out (after a reconnect).
  void send_pending(TimePoint now, bool every_pubrel = false);
  /// Gives a waiting QoS 1/2 entry its packet id; false when all ids are in use.
  /// Gives a waiting QoS 1/2 entry its packet id; sets `bound_qos2` when it bound a QoS 2 one.
  bool bind_packet_id(OutboxEntry& entry, bool& bound_qos2);
  /// Whether a new QoS 1/2 message would be sent as soon as it is queued.
  bool goes_out_now(bool online) const;
  /// Sends one entry of the outbox; a PUBLISH this broker cannot take expires instead.
  void send_entry(OutboxEntry& entry, TimePoint now);
  /// Queues an entry's packet (shared bytes, or a PUBREL encoded from its id).
  void send_record(const OutboxEntry& entry, TimePoint now);
  /// send_record() for an MQTT 5 PUBLISH with a Topic Alias or automatic aliases on: the
  /// record keeps its full topic; what goes out uses the alias this connection knows
  /// (outbound_alias.cpp).
  void send_publish_aliased(const OutboxEntry& entry, TimePoint now);
  /// Whether a queued PUBLISH may go to the broker of this connection (after dropping a Topic
  /// Alias it no longer allows).
  bool fits_this_broker(OutboxEntry& entry);
  /// Ends a QoS 1/2 publish with PublishCompleted; `downgraded`: a QoS 2 message answered
  /// with PUBACK.
  void complete(OutboxEntry& entry, codec::ReasonCode reason, const codec::Properties& props,
                TimePoint now, bool downgraded = false);
  /// An ack whose id matches nothing in flight: ignored when it may be a duplicate we caused,
  /// a protocol violation otherwise. Returns true when it was ignored.
  bool stray_ack(codec::PacketType type, std::uint16_t packet_id, codec::ReasonCode reason,
                 TimePoint now);
  void retransmit(TimePoint now);

  // --- outbox lifecycle (outbox_lifecycle.cpp) -----------------------------------------------
  void resume_outbox(bool session_present, TimePoint now);
  void set_dup(OutboxEntry& entry, bool dup);
  void expire(TimePoint now);
  std::optional<TimePoint> expiry_deadline() const;
  bool expirable(const OutboxEntry& entry) const;
  void load_store();
  void stamp_loaded(TimePoint now);
  void reencode_outbox(codec::ProtocolVersion from);
  /// Re-encodes a queued PUBLISH without its Topic Alias. False when that is impossible.
  bool strip_topic_alias(OutboxEntry& entry);

  // --- application acknowledgement (inbound_ack.cpp) -----------------------------------------
  /// Config::manual_ack: holds a QoS 1/2 message for Session::ack() and delivers it, unless a
  /// copy is already held (the broker's DUP resend) or our Receive Maximum is exceeded.
  void hold_for_application(codec::Publish& publish, TimePoint now);
  /// Sends the PUBACK/PUBREC of every acknowledged message at the front of the queue.
  void send_released(TimePoint now);

  // --- subscriptions (subscriptions.cpp) -----------------------------------------------------
  std::error_code check_subscription(const codec::Subscription& subscription) const;
  std::optional<PendingRequest> take_request(codec::PacketType type, std::uint16_t packet_id);
  void drop_requests();

  // --- enhanced authentication (enhanced_auth.cpp) ---------------------------------------------
  /// Picks the Authentication Method of this connection; the input that opens it.
  ConnectionInput begin_authentication(const codec::Properties& connect_props);
  /// `base` without Authentication Method/Data, then ours (auth_state).
  codec::Properties auth_properties(const codec::Properties& base) const;
  /// False (and the connection failed) when `props` name another method than CONNECT did.
  bool check_auth_method(const codec::Properties& props, bool required, TimePoint now);
  /// CONNACK success: the method check and the authenticator's final check.
  bool finish_authentication(const codec::Connack& connack, TimePoint now);
  void authentication_failed(std::error_code cause, TimePoint now);
  /// move_to() left authenticating or reauthenticating through `input`.
  void left_auth_state(State from, ConnectionInput input, std::error_code why);

  // --- helpers --------------------------------------------------------------------------------
  void begin_input(TimePoint now);
  /// `why`: the error that ends the connection (fatal_error), for a re-authentication it ends.
  void move_to(ConnectionInput input, std::error_code why = {});
  bool is_v5() const { return version == codec::ProtocolVersion::v5; }
  void apply_config(std::shared_ptr<const Config> next, std::string next_client_id);

  // --- state ----------------------------------------------------------------------------------
  // Never null, never modified: it may be shared by every session of a fleet (344 bytes that
  // each idle session would otherwise carry).
  std::shared_ptr<const Config> config;
  /// set_config() while a connection is up: applied at the next connection_opened().
  struct NextConfig {
    std::shared_ptr<const Config> config;
    std::string client_id;  // empty: config->client_id
  };
  std::unique_ptr<NextConfig> next_config;  // rare, so not inline
  codec::ProtocolVersion version;
  State state = State::disconnected;
  ServerCapabilities server;
  std::string client_id;

  PacketIds ids;
  SendQuota quota;
  Outbox outbox;
  IdSet inbound_qos2;  // broker's ids we sent PUBREC for and await PUBREL
  IdSet abandoned;     // our ids dropped by clear_outbox() while their acks may still come
  HeldAcks held_acks;  // Config::manual_ack: inbound messages the application has to ack
  // With a durable store: new inbound QoS 2 ids handed to the application whose PUBREC waits
  // for delivered() (the id is kept in the store only once the application has the message).
  std::vector<std::uint16_t> undelivered_qos2;
  // With a durable store: ids of PUBRELs whose PUBCOMP waits for delivered() (the erased id
  // must be durable before the broker may reuse it).
  std::vector<std::uint16_t> released_qos2;
  std::vector<PendingRequest> requests;
  InboundAliases aliases_in;
  OutboundAliases aliases_out;
  KeepAlive keepalive;

  codec::Limits limits;                   // inbound: our Maximum Packet Size
  std::uint16_t receive_maximum = 65535;  // inbound: our Receive Maximum
  std::optional<TimePoint> connack_deadline;
  std::optional<TimePoint> retransmit_due;  // lower bound; exact after retransmit()
  std::optional<std::chrono::nanoseconds> last_ack_rtt;
  std::uint64_t acks_taken = 0;   // Session::acks_taken()
  bool loaded_unstamped = false;  // records from the store wait for a `now`

  OutputQueue output;
  EventQueue events;
  // Reused for QoS 0 sent with an alias or a change, so its property vector keeps its
  // capacity; null until the first such message (8 bytes instead of 64).
  std::unique_ptr<codec::Publish> outgoing;
  std::string last_valid_topic;  // the last topic name check_publish() accepted
  // The enhanced authentication of this connection: made when CONNECT names an Authentication
  // Method (never with an empty one), null otherwise: 8 bytes instead of 64 without it.
  struct AuthExchange {
    std::string method;  // the Authentication Method CONNECT named
    std::string data;    // the Authentication Data we sent last
  };
  std::unique_ptr<AuthExchange> auth_state;
};

}  // namespace portmqtt::session
