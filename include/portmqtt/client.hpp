/// \file
/// portmqtt::Client: an MQTT 3.1 / 3.1.1 / 5.0 client.
///
/// Threading
/// ---------
/// A client runs on a loop: its own thread by default (ESP-MQTT's "MQTT task"; stack size and
/// priority from Config::task), or a shared EventLoop. Every handler runs on that loop, one at
/// a time per client. Every member function is thread-safe and may be called from any thread,
/// handlers included; stop() and the destructor behave differently on a loop thread (see
/// there). Commands (publish, subscribe, ...) take a short lock around the protocol state,
/// return their packet id at once, and wake the loop, which writes everything queued since its
/// last write in one gather write.
///
/// Life cycle
/// ----------
///   Client c{config};  c.on_message(...);  c.start();
///   ... connected / reconnecting on its own ...
///   c.stop();   // or just destroy it
///
/// After start() the client connects, and reconnects after every loss (ReconnectConfig) until
/// stop(). Every attempt emits BeforeConnect first; a failed attempt or a lost connection emits
/// Disconnected (preceded by Error when something failed).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "portmqtt/config.hpp"
#include "portmqtt/error.hpp"
#include "portmqtt/event.hpp"
#include "portmqtt/event_loop.hpp"
#include "portmqtt/message.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"

namespace portmqtt {

/// Where a client is in its life (Client::state()). The ESP facade maps not_started and
/// connecting to NOT_STARTED, stopped to DISCONNECTED.
enum class ConnectionState : std::uint8_t {
  not_started,        ///< constructed, start() not called yet
  connecting,         ///< DNS, TCP connect or CONNACK wait in progress
  connected,          ///< CONNACK accepted
  waiting_reconnect,  ///< between attempts (or waiting for reconnect() when auto is off)
  stopped,            ///< stop() ran (or is running); start() may be called again
};

/// Callbacks for events. Set any subset. For each event the typed handler runs first, then
/// `on_event` (if set). Handlers run on the client's loop thread and may call any member
/// function of the client (stop() from a handler is asynchronous, see there). An exception
/// thrown by a handler is caught and dropped so that it cannot end the loop thread.
struct Handlers {
  std::function<void(const BeforeConnect&)> on_before_connect;
  std::function<void(const Connected&)> on_connected;
  std::function<void(const Disconnected&)> on_disconnected;
  std::function<void(const Published&)> on_published;
  std::function<void(const Subscribed&)> on_subscribed;
  std::function<void(const Unsubscribed&)> on_unsubscribed;
  std::function<void(const MessageReceived&)> on_message;
  std::function<void(const Error&)> on_error;
  std::function<void(const Deleted&)> on_deleted;
  std::function<void(const AuthReceived&)> on_auth;
  std::function<void(const UserEvent&)> on_user_event;
  /// Catch-all: every event, after its typed handler.
  std::function<void(const Event&)> on_event;
};

/// An MQTT client connection to one broker: its threading and life cycle are described at
/// the top of this file (client.hpp).
class Client {
 public:
  /// A client with its own loop thread (created by start()). Nothing connects yet.
  explicit Client(Config config);
  /// A client on a shared loop, which must outlive the client.
  Client(EventLoop& loop, Config config);
  /// Stops the client (as stop(): DISCONNECT when connected) and releases it. From another
  /// thread: blocks until the loop no longer uses the client. From a loop thread (inside a
  /// handler): does not block; the shutdown finishes on the loop after the handler returns,
  /// and no further handler of this client runs. Never deadlocks.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // --- handlers ---------------------------------------------------------------------------

  /// Replaces all handlers. Takes effect for events dispatched after the call returns (a
  /// dispatch already running on the loop finishes with the old set). Any thread.
  void set_handlers(Handlers handlers);
  /// Each of these replaces one handler, like set_handlers() for one slot.
  void on_before_connect(std::function<void(const BeforeConnect&)> handler);
  void on_connected(std::function<void(const Connected&)> handler);
  void on_disconnected(std::function<void(const Disconnected&)> handler);
  void on_published(std::function<void(const Published&)> handler);
  void on_subscribed(std::function<void(const Subscribed&)> handler);
  void on_unsubscribed(std::function<void(const Unsubscribed&)> handler);
  void on_message(std::function<void(const MessageReceived&)> handler);
  void on_error(std::function<void(const Error&)> handler);
  void on_deleted(std::function<void(const Deleted&)> handler);
  void on_auth(std::function<void(const AuthReceived&)> handler);
  void on_user_event(std::function<void(const UserEvent&)> handler);
  void on_event(std::function<void(const Event&)> handler);

  // --- life cycle -------------------------------------------------------------------------

  /// Starts the loop thread (own-loop clients) and the first connection attempt.
  /// Emits: BeforeConnect, then Connected, or Error + Disconnected and a retry. A CONNACK
  /// refusal that retrying cannot fix (is_fatal_refusal()) emits Error with `fatal` set and
  /// Disconnected, and leaves the client stopped (ReconnectConfig::retry_after_fatal_refusal).
  /// Fails with: already_started (running, or a stop is still finishing), invalid_uri,
  /// unsupported_transport (an unknown transport kind), the error of opening the outbox store
  /// (store_corrupt, store_foreign, store_version_unsupported, store_locked,
  /// store_cannot_open; see store_status()), or a system error when the thread cannot be
  /// created. Any thread, handlers included.
  std::error_code start();

  /// Stops the client: sends DISCONNECT when connected (MQTT 5: with `reason` and
  /// `properties`), closes the connection, drops the whole outbox (ESP-MQTT), and ends the
  /// loop thread. Emits no event.
  /// From a thread that is not a loop thread: returns when all of that is done (the DISCONNECT
  /// write is bounded by network.timeout).
  /// From a loop thread (a handler of this or another client on the same loop): does not
  /// wait; returns errc::stop_pending and the stop completes after the handler returns. Later
  /// events of this client are not delivered.
  /// Fails with not_started when the client is not running.
  std::error_code stop(ReasonCode reason = ReasonCode::normal_disconnection,
                       const Properties& properties = {});

  /// Ends the wait between attempts and connects now. Works with auto-reconnect on or off.
  /// Fails with invalid_state unless state() is waiting_reconnect; not_started when stopped.
  std::error_code reconnect();

  /// Sends DISCONNECT (MQTT 5: with `reason` and `properties`) and closes the connection;
  /// Disconnected follows with an empty error. Like ESP-MQTT, the client then waits for the
  /// reconnect interval and connects again when auto-reconnect is on (use stop() to stay
  /// offline). Fails with not_connected unless connected; not_started when stopped.
  std::error_code disconnect(ReasonCode reason = ReasonCode::normal_disconnection,
                             const Properties& properties = {});

  /// Drops the connection without DISCONNECT (the broker publishes the will) and connects
  /// again at once, without the reconnect delay (ESP refresh_connection_after, on demand).
  /// Fails with not_connected unless connected.
  std::error_code refresh_connection();

  // --- configuration ----------------------------------------------------------------------

  /// Replaces the broker URI (same rules as BrokerConfig::uri). Used from the next connection
  /// attempt on; from a BeforeConnect handler, by the attempt about to start. Fails with
  /// invalid_uri (the configuration is then unchanged). Any thread.
  std::error_code set_uri(std::string_view uri);
  /// Replaces the whole configuration, used from the next connection attempt on (network,
  /// buffer and outbox limits at once). Task settings apply at the next start(). Fails with
  /// invalid_uri when config.broker.uri is set and bad. A changed outbox store (path or its
  /// options) is opened here: fails with invalid_state while running or while messages wait
  /// in a memory-only outbox (they would be lost), or with the open error (the configuration
  /// is then kept and start() fails with it). A durable store being replaced keeps its
  /// messages in its file. Any thread.
  std::error_code set_config(Config config);
  /// A copy of the current configuration.
  Config config() const;

  // --- commands ---------------------------------------------------------------------------

  /// Publishes a message. QoS 0: sent when connected, else fails with not_connected (or is
  /// stored with options.store_when_offline). QoS 1/2: stored in the outbox and sent when the
  /// broker's Receive Maximum allows, now or after the next connect; the completion is
  /// reported by Published with the returned id. `properties` (MQTT 5) belong to this message
  /// only: there is no one-shot state shared between calls.
  ///
  /// Backpressure: when more than buffer.send_queue_limit bytes are waiting to be written,
  /// waits for room up to network.timeout (not on a loop thread: there it fails at once).
  /// Before start() and after stop() it behaves as offline (QoS 1/2 are kept; stop() and
  /// start() clear the in-memory outbox, while a durable store keeps its messages). With a
  /// durable store (OutboxConfig::store_path) the message is in the store when this returns,
  /// committed to disk with StoreDurability::per_message. Returns the packet id (0 for QoS 0).
  /// Fails with: not_connected, invalid_topic, invalid_qos, retain_not_available,
  /// packet_too_large, topic_alias_invalid, not_supported_by_version, invalid_argument,
  /// outbox_full, send_queue_full, store_full or store_failed (the message was not accepted;
  /// what was accepted before is kept), or the error of opening the configured store.
  /// The topic may be empty only with a Topic Alias property (MQTT 5) that a publish on this
  /// connection, of any QoS, gave a topic; automatic aliases: SessionConfig::auto_topic_aliases.
  Result<PacketId> publish(std::string_view topic, std::string_view payload,
                           PublishOptions options = {}, const Properties& properties = {});
  /// Same, taking the message's topic, payload, QoS, retain and properties.
  Result<PacketId> publish(const Message& message);

  /// Like publish() but never waits: a full send queue fails at once with send_queue_full.
  /// (ESP's enqueue additionally requires store=true for QoS 0; the facade does that.)
  Result<PacketId> enqueue(std::string_view topic, std::string_view payload,
                           PublishOptions options = {}, const Properties& properties = {});

  /// Subscribes to one filter. Needs a connection. Subscribed follows with the returned id.
  /// A shared subscription is the filter `$share/<group>/<filter>`: the broker gives each
  /// message to one subscriber of the group (MessageReceived carries the real topic).
  /// Remembered for SessionConfig::resubscribe_on_session_lost until unsubscribe().
  /// Fails with: not_connected, invalid_topic, invalid_qos,
  /// feature_not_available (wildcard/shared/subscription id the broker does not offer),
  /// not_supported_by_version, invalid_argument, outbox_full.
  Result<PacketId> subscribe(std::string_view filter, SubscribeOptions options = {},
                             const Properties& properties = {});
  /// Subscribes to several filters in one SUBSCRIBE (non-empty span).
  Result<PacketId> subscribe(std::span<const Subscription> subscriptions,
                             const Properties& properties = {});

  /// Unsubscribes from one filter. Needs a connection. Unsubscribed follows.
  /// Fails with: not_connected, invalid_topic, not_supported_by_version.
  Result<PacketId> unsubscribe(std::string_view filter, const Properties& properties = {});
  /// Unsubscribes from several filters in one UNSUBSCRIBE (non-empty span).
  Result<PacketId> unsubscribe(std::span<const std::string_view> filters,
                               const Properties& properties = {});

  /// MQTT 5: sends AUTH (continue authentication, or re-authenticate when connected).
  /// Fails with not_connected, not_supported_by_version, invalid_argument.
  std::error_code auth(ReasonCode reason, const Properties& properties);

  /// Delivers `event` to on_user_event / on_event on the loop thread, soon. Never blocks.
  /// Queued events of a client that is not running are delivered once it runs (own-loop
  /// client: after start()). Any thread.
  void dispatch(UserEvent event);
  /// Runs `fn` on the client's loop (serialised with its handlers). Never blocks.
  void post(std::function<void()> fn);

  // --- inspection -------------------------------------------------------------------------

  ConnectionState state() const;
  /// Bytes of encoded packets in the outbox (ESP esp_mqtt_client_get_outbox_size).
  std::size_t outbox_size() const;
  /// Number of outbox items (unacknowledged QoS 1/2, stored QoS 0, pending PUBRELs).
  std::size_t outbox_messages() const;
  /// Client id in force (the one the broker assigned, if it did).
  std::string client_id() const;
  /// What the broker granted in the last CONNACK.
  ServerCapabilities server() const;
  /// Protocol version of the current configuration.
  ProtocolVersion protocol_version() const;

  // --- the durable outbox store -------------------------------------------------------------

  /// Commits what the store holds uncommitted (StoreDurability::group): every message whose
  /// publish()/enqueue() returned before this call is on disk when it returns without error.
  /// No-op without a store. Fails with store_full or store_failed. Any thread; blocks for
  /// one commit (an fsync with store_sync).
  std::error_code flush_store();
  /// Why the outbox store could not be opened, naming the file ("outbox store /var/x.db: an
  /// SQLite database of another application (application_id 0x00000001) (file left
  /// untouched)"); empty when it is open or none is configured.
  std::string store_status() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace portmqtt
