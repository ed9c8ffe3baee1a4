// The MQTT session: a deterministic, sans-I/O protocol state machine.
//
// Inputs are received bytes, user commands and the current time (`now`, always passed in;
// the session never reads a clock). Outputs are bytes to write (take_output), events
// (next_event) and the next time tick() must be called (next_deadline). The runtime owns the
// socket, the timer and the threads; the session owns protocol state, packet ids, the
// in-flight window and the outbox.
//
// A session lives across connections: connection_opened() starts a connection attempt,
// connection_lost() ends it, and state (outbox, inbound QoS 2 ids) carries over as MQTT says.
// Not thread-safe: one thread (the client's loop thread) drives it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "codec/packet.hpp"
#include "session/config.hpp"
#include "session/errc.hpp"
#include "session/events.hpp"
#include "session/output.hpp"

namespace portmqtt::session {

/// Time as the runtime sees it. Only the type is used here; values come from the caller.
using TimePoint = std::chrono::steady_clock::time_point;

enum class State : std::uint8_t {
  disconnected,  ///< no transport
  connecting,    ///< CONNECT queued, waiting for CONNACK
  connected,     ///< CONNACK accepted
  closing,       ///< DISCONNECT queued or a fatal error seen; waiting for the transport to close
  /// MQTT 5 enhanced authentication: CONNECT carried an Authentication Method; AUTH 0x18
  /// exchanges may come before CONNACK (§4.12).
  authenticating,
  /// Connected, and a re-authentication (our AUTH 0x19) waits for the broker's AUTH 0x00;
  /// other traffic goes on meanwhile (§4.12.1).
  reauthenticating,
};

/// Result of a command that allocates a packet identifier.
struct CommandResult {
  /// 0 for QoS 0 publishes, and for a QoS 1/2 publish that waits for its packet id
  /// (Config::packet_id_on_accept false).
  std::uint16_t packet_id = 0;
  std::error_code error;  ///< session::errc or codec::errc
  /// Publishes kept in the outbox: the message's number, unique for the life of the session
  /// and increasing; PublishCompleted and MessageExpired carry it. 0 for a QoS 0 message
  /// written at once.
  std::uint64_t handle = 0;
  explicit operator bool() const { return !error; }
};

struct PublishOptions {
  /// Keep a QoS 0 message in the outbox while offline and send it on connect (ESP enqueue with
  /// store=true). Without it a QoS 0 publish while offline fails with errc::not_connected.
  bool store_qos0_when_offline = false;
};

class Session {
 public:
  /// `store` keeps unacknowledged messages; nullptr selects an in-memory store.
  explicit Session(Config config, std::unique_ptr<Store> store = nullptr);
  /// The same with settings shared by many sessions (never modified through this session):
  /// `client_id`, when not empty, replaces config->client_id for this session alone. A
  /// fleet of clients made from one configuration holds one Config instead of one each.
  Session(std::shared_ptr<const Config> config, std::string client_id,
          std::unique_ptr<Store> store = nullptr);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Replaces the configuration; takes effect at the next connection_opened().
  void set_config(Config config);
  /// The same with shared settings; `client_id` as in the constructor.
  void set_config(std::shared_ptr<const Config> config, std::string client_id = {});
  /// The settings as given (with shared settings, their client_id, not this session's own:
  /// see client_id()).
  const Config& config() const;

  /// Gives back the memory kept for the next packets and events (output buffers, the event
  /// queue) while none is queued. For a connection that went idle; the next packet allocates
  /// it again. Changes no state.
  void release_idle_memory();

  // --- connection lifecycle -------------------------------------------------------------

  /// The transport is up: queue CONNECT and wait for CONNACK (state -> connecting).
  void connection_opened(TimePoint now);
  /// The transport is gone (closed by us after CloseConnection, or lost). In-flight messages
  /// stay in the outbox for the next connection; state -> disconnected. Output not yet taken is
  /// dropped. A SUBSCRIBE/UNSUBSCRIBE still waiting for its ack is reported with MessageExpired
  /// (type SUBSCRIBE/UNSUBSCRIBE) and not resent.
  void connection_lost(TimePoint now);

  /// Feeds bytes read from the transport. Decodes every whole packet at the front of `bytes`
  /// and returns how many bytes it consumed; the caller keeps the rest and passes it again with
  /// more data. Malformed input queues ErrorOccurred + CloseConnection (and, in MQTT 5, a
  /// DISCONNECT with the matching reason code) and consumes nothing further. Once the session
  /// is closing or disconnected, bytes are ignored and reported consumed.
  std::size_t receive(codec::ByteView bytes, TimePoint now);

  /// The application has every MessageReceived event queued so far (its handlers returned).
  /// With a durable store, the ids of the new inbound QoS 2 messages among them are kept in
  /// the store only now, and their PUBRECs queued: a process that dies before its handler
  /// saw a message gets it again from the broker instead of losing it. The ids PUBREL
  /// released are erased durably before their PUBCOMPs are queued. One commit covers both.
  /// A store failure queues ErrorOccurred and none of these acks (the broker resends; a
  /// message is delivered again). Without a store receive() queues the acks and this does
  /// nothing. Call it after delivering the events of each receive(), before writing output.
  void delivered(TimePoint now);

  /// Runs timers: keep-alive, CONNACK timeout, retransmission (3.x), outbox expiry.
  void tick(TimePoint now);

  // --- commands -------------------------------------------------------------------------

  /// Publishes `message` (its packet_id and dup are ignored; the session assigns them).
  /// QoS 1/2 messages are stored first and sent when the in-flight window (the broker's
  /// Receive Maximum) allows; offline they wait for the next connection. A QoS 0 message on a
  /// live connection is encoded straight into the output: no allocation once warmed up.
  /// A Topic Alias property makes QoS 0 messages go out with an empty topic once the broker
  /// knows the alias; stored (QoS>0) messages always carry the full topic as well. A queued
  /// message that a later broker cannot take (above its Maximum QoS or Maximum Packet Size) is
  /// dropped with MessageExpired; an alias above its Topic Alias Maximum is removed.
  /// Fails with errc::not_connected, invalid_topic, invalid_qos, retain_not_available,
  /// packet_too_large, topic_alias_invalid, outbox_full, not_supported_by_version (properties
  /// on 3.x), invalid_argument (a Subscription Identifier), or a codec error.
  CommandResult publish(const codec::Publish& message, TimePoint now, PublishOptions options = {});
  /// Sends one SUBSCRIBE with every filter in `subscriptions`. Needs a live connection.
  /// Fails with errc::not_connected, invalid_argument, invalid_topic, invalid_qos,
  /// not_supported_by_version (MQTT 5 options or properties on 3.x), feature_not_available
  /// (wildcard, shared or subscription identifier the broker refuses), packet_too_large.
  CommandResult subscribe(std::span<const codec::Subscription> subscriptions,
                          const codec::Properties& props, TimePoint now);
  /// Sends one UNSUBSCRIBE with every filter. Needs a live connection.
  CommandResult unsubscribe(std::span<const std::string_view> filters,
                            const codec::Properties& props, TimePoint now);
  /// Sends DISCONNECT (reason and properties are MQTT 5 only) and asks for the connection to be
  /// closed (CloseConnection with an empty reason).
  std::error_code disconnect(codec::ReasonCode reason, const codec::Properties& props,
                             TimePoint now);
  /// Sends AUTH when the caller runs the enhanced authentication itself (an Authentication
  /// Method in connect_props, no Config::authenticator): Continue authentication (0x18) while
  /// authenticating or re-authenticating, Re-authenticate (0x19) when connected. `props` must
  /// carry the method. Fails with not_supported_by_version, not_connected, invalid_argument
  /// (another reason code), invalid_auth_state (no method in CONNECT [MQTT-4.12.0-7], an
  /// authenticator configured, or the step does not fit the state), packet_too_large.
  std::error_code auth(codec::ReasonCode reason, const codec::Properties& props, TimePoint now);
  /// Starts a re-authentication with Config::authenticator: AUTH 0x19 with its data; the
  /// session answers the broker's AUTH 0x18 steps and reports the end with
  /// ReauthenticationEnded. Fails (nothing sent) with not_supported_by_version, not_connected,
  /// invalid_auth_state (no authenticator, or one already running), the authenticator's error,
  /// packet_too_large.
  std::error_code reauthenticate(TimePoint now);
  /// Config::manual_ack: acknowledges the received message `ack_id` (MessageReceived::ack_id)
  /// with `reason` and `props` (MQTT 5; on 3.x the reason is ignored and props must be empty).
  /// Its PUBACK (QoS 1) or PUBREC (QoS 2) goes out once every message received before it is
  /// acknowledged too (§4.6 order). A failure reason on PUBREC ends that QoS 2 flow.
  /// Fails with errc::stale_ack (not held: acked already, or from an ended connection),
  /// invalid_argument (ack id 0, manual_ack off, a reason or property PUBACK/PUBREC cannot
  /// carry), not_supported_by_version (properties on 3.x).
  std::error_code ack(std::uint64_t ack_id, codec::ReasonCode reason,
                      const codec::Properties& props, TimePoint now);

  // --- outputs --------------------------------------------------------------------------

  /// What is queued for the transport, in order, as one gather list: everything, or whole
  /// packets (and chunks of small ones) until the list holds at least `max_bytes`; the rest
  /// stays queued. Giving the batch back with recycle() once written lets the next one reuse
  /// its memory.
  OutputBatch take_output(std::size_t max_bytes = SIZE_MAX);
  /// Bytes queued for the transport and not yet taken.
  std::size_t output_bytes() const;
  /// Gives a written batch back so its memory can be reused (optional).
  void recycle(OutputBatch&& batch);
  bool has_output() const;

  /// Next event, or nothing.
  std::optional<Event> next_event();
  /// next_event() for a reader that takes completions of publishes in bulk: the
  /// PublishCompleted events without properties at the front of the queue (one per PUBACK or
  /// PUBCOMP, as a rule) are appended to `acks` as Acknowledgement records, in order, and the
  /// event after them, if any, is returned. What this call appended precedes the returned
  /// event; a PublishCompleted that carries properties stays an event of its own. Call it until
  /// it returns nothing: acknowledgements may follow the last event.
  std::optional<Event> next_event(std::vector<Acknowledgement>& acks);
  /// When tick() must be called next, or nothing when no timer is armed.
  std::optional<TimePoint> next_deadline() const;

  // --- inspection -----------------------------------------------------------------------

  State state() const;
  /// Capabilities from the last CONNACK (defaults before the first).
  const ServerCapabilities& server() const;
  /// Client id in force (the assigned one when the broker assigned it).
  const std::string& client_id() const;
  /// Bytes of encoded packets held in the outbox (ESP get_outbox_size).
  std::size_t outbox_bytes() const;
  /// Number of outbox items (QoS>0 publishes in flight or waiting, stored QoS 0, PUBRELs).
  std::size_t outbox_messages() const;
  /// Whether the store outlives the process (anything but the in-memory default).
  bool durable() const;
  /// Replaces the store while disconnected (false otherwise) and resumes what the new one
  /// holds: outbox records and inbound QoS 2 ids. What the outbox held in memory is dropped
  /// without events; an earlier durable store keeps its records in its own file.
  bool use_store(std::unique_ptr<Store> store);
  /// QoS 1/2 PUBLISHes sent on this connection and not yet acknowledged (PUBREL stage too).
  std::size_t in_flight() const;
  /// Time from the last send of the most recently acknowledged QoS 1/2 message to its PUBACK
  /// or PUBCOMP (nothing before the first).
  std::optional<std::chrono::nanoseconds> last_ack_rtt() const;
  /// How many acknowledgements of our QoS 1/2 messages moved their flows on so far (PUBACK,
  /// PUBREC, PUBCOMP; not a repeated or stray one): the runtime compares it across a read.
  std::uint64_t acks_taken() const;
  /// The handle of the last publish accepted into the outbox (0 when none yet).
  std::uint64_t last_handle() const;
  /// True when every outbox item with a handle up to `handle` has ended (acknowledged or
  /// dropped).
  bool settled_through(std::uint64_t handle) const;
  /// Drops every outbox item without events (ESP stop() behaviour). Ids of messages in flight on
  /// the live connection stay reserved until their acks arrive; those acks are absorbed.
  void clear_outbox();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace portmqtt::session
