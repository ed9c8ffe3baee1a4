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
/// return at once, and wake the loop, which writes everything queued since its last write in
/// one gather write.
///
/// Completions
/// -----------
/// publish, subscribe, unsubscribe, disconnect and drain take a completion token as their last
/// argument (a callback, portmqtt::use_future, portmqtt::use_awaitable; see completion.hpp;
/// with portmqtt/asio.hpp also every Asio completion token):
///
///   client.publish("t", "21.5", {.qos = QoS::exactly_once}, portmqtt::use_future).get();
///
/// Each completes exactly once and says how the operation ended. The global handlers
/// (on_published, on_deleted, ...) keep receiving the same outcomes as events.
///
/// Life cycle
/// ----------
///   Client c{config};  c.on_message(...);  c.start();
///   ... connected / reconnecting on its own ...
///   c.stop();   // delivers what is queued first (bounded), then disconnects; or destroy it
///
/// After start() the client connects, and reconnects after every loss (ReconnectConfig) until
/// stop(). Every attempt emits BeforeConnect first; a failed attempt or a lost connection emits
/// Disconnected (preceded by Error when something failed).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "portmqtt/completion.hpp"
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
  /// When set, receives every Published event instead of on_published and on_event: the
  /// acknowledgements that one read from the socket brought, oldest first, in one call (a
  /// lone one, or one with properties, as a batch of one), in their place among the other
  /// events. For a program that counts or forwards acknowledgements at high rates: one call
  /// per batch instead of two std::function calls and an Event per message. The span and the
  /// properties it refers to are valid during the call only.
  std::function<void(std::span<const Published>)> on_published_batch;
};

/// What publish() hands back when it accepted a message.
struct PublishAccepted {
  /// Identifies the message in Published and Deleted events and its completion; 0 for a QoS 0
  /// message written at once.
  MessageHandle handle = 0;
  /// The packet id, when the message already has one: always with
  /// OutboxConfig::packet_id_on_accept (the ESP facade), otherwise only when it went in flight
  /// during the call. 0 for QoS 0 and for a message that waits for the in-flight window.
  PacketId packet_id = 0;
};

/// Counters and gauges of one client (Client::stats()). Counters run from construction.
struct Stats {
  std::uint64_t messages_out = 0;  ///< publishes accepted (publish/enqueue returned a handle)
  std::uint64_t messages_in = 0;   ///< application messages received (whole, not fragments)
  std::uint64_t bytes_out = 0;     ///< bytes written to the transport
  std::uint64_t bytes_in = 0;      ///< bytes read from the transport
  std::uint64_t reconnects = 0;    ///< connection attempts after the first of each start()
  std::size_t in_flight = 0;       ///< QoS 1/2 messages sent, not yet acknowledged
  std::size_t outbox_messages = 0;
  std::size_t outbox_bytes = 0;
  /// Bytes waiting to be written, the write in flight included (commands count topic and
  /// payload plus a small header: an estimate until the loop encodes them).
  std::size_t send_queue_bytes = 0;
  /// The last acknowledged QoS 1/2 message: time from its (last) send to its PUBACK/PUBCOMP.
  std::optional<std::chrono::nanoseconds> last_round_trip;
};

/// Selects stop(discard): drop what is queued instead of delivering it first.
struct discard_t {
  explicit discard_t() = default;
};
inline constexpr discard_t discard{};

/// A type that is a completion token for operations of signature `Signature`.
template <class Token, class Signature>
concept CompletionToken = requires {
  typename async_result<std::decay_t<Token>, Signature>::return_type;
};

using PublishSignature = void(std::error_code, PublishResult);
using SubscribeSignature = void(std::error_code, SubscribeResult);
using UnsubscribeSignature = void(std::error_code, UnsubscribeResult);
using VoidSignature = void(std::error_code);
/// Client::request(): the response message, or how the request ended without one.
using RequestSignature = void(std::error_code, Message);

/// An MQTT client connection to one broker: its threading and life cycle are described at
/// the top of this file (client.hpp).
class Client {
 public:
  /// A client with its own loop thread (created by start()). Nothing connects yet.
  explicit Client(Config config);
  /// A client on a shared loop, which must outlive the client.
  Client(EventLoop& loop, Config config);
  /// A client with its own loop thread whose configuration is `*config`, shared with (not
  /// copied into) every client made from the same pointer: a fleet of clients made from one
  /// configuration holds it once. `client_id`, when not empty, replaces
  /// config->credentials.client_id for this client alone (config() shows it there). The
  /// configuration is never modified through the pointer: set_config() and set_uri() give this
  /// client a configuration of its own (copy on write) and leave the other clients' alone. A
  /// null pointer means the default Config.
  explicit Client(std::shared_ptr<const Config> config, std::string client_id = {});
  /// As above, on a shared loop, which must outlive the client.
  Client(EventLoop& loop, std::shared_ptr<const Config> config, std::string client_id = {});
  /// Stops the client and releases it. From another thread: as stop() — what is queued is
  /// delivered first, for up to OutboxConfig::stop_drain_timeout (no handler runs meanwhile,
  /// completions do), then DISCONNECT — and blocks until the loop no longer uses the client.
  /// From a loop thread (inside a handler): as stop(discard), without blocking; the shutdown
  /// finishes on the loop after the handler returns, and no further handler of this client
  /// runs. Operations still pending complete with delivery_errc::stopped. Never deadlocks.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // --- handlers ---------------------------------------------------------------------------

  /// Replaces all handlers. Takes effect for events dispatched after the call returns (a
  /// dispatch already running on the loop finishes with the old set). Any thread.
  void set_handlers(Handlers handlers);
  /// set_handlers() with a set shared with other clients, not copied: a fleet whose handlers
  /// keep no per-client state holds them once. A later on_...() setter gives this client a
  /// copy of its own with that slot changed (copy on write); the others keep the shared set.
  /// Null: no handlers. Any thread.
  void set_handlers(std::shared_ptr<const Handlers> handlers);
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
  void on_published_batch(std::function<void(std::span<const Published>)> handler);

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

  /// Stops the client gracefully: first waits until everything accepted so far has ended
  /// (as drain(), for up to OutboxConfig::stop_drain_timeout; the connection keeps working
  /// meanwhile), then as stop(discard). So a program that publishes and stops delivers its
  /// messages when the broker is reachable within that time.
  /// From a loop thread: returns errc::stop_pending at once; the drain and the stop continue
  /// on the loop (events are delivered until the drain ends).
  /// Fails with not_started when the client is not running.
  std::error_code stop(ReasonCode reason = ReasonCode::normal_disconnection,
                       const Properties& properties = {});

  /// Stops the client at once (ESP-MQTT's esp_mqtt_client_stop): sends DISCONNECT when
  /// connected (MQTT 5: with `reason` and `properties`), closes the connection, drops the
  /// whole outbox, and ends the loop thread. Emits no event; every operation still pending
  /// completes with delivery_errc::stopped.
  /// From a thread that is not a loop thread: returns when all of that is done (the DISCONNECT
  /// write is bounded by network.timeout).
  /// From a loop thread (a handler of this or another client on the same loop): does not
  /// wait; returns errc::stop_pending and the stop completes after the handler returns. Later
  /// events of this client are not delivered.
  /// Fails with not_started when the client is not running.
  std::error_code stop(discard_t, ReasonCode reason = ReasonCode::normal_disconnection,
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
  /// Same, completing (void(std::error_code)) when the connection has closed: empty error,
  /// or the error of the call (not_connected, not_started), or delivery_errc::stopped.
  template <CompletionToken<VoidSignature> Token>
  auto disconnect(ReasonCode reason, const Properties& properties, Token&& token) {
    return async_initiate<VoidSignature>(
        [&](detail::Callback<VoidSignature> done) {
          start_disconnect(reason, properties, std::move(done));
        },
        std::forward<Token>(token));
  }

  /// Waits until every publish accepted before the call has ended (acknowledged, refused or
  /// dropped) and everything queued has been written, for up to `timeout`. Completes
  /// (void(std::error_code)) with an empty error, or delivery_errc::timed_out, or
  /// delivery_errc::stopped. Any thread; completes at once when nothing is pending.
  template <CompletionToken<VoidSignature> Token>
  auto drain(Milliseconds timeout, Token&& token) {
    return async_initiate<VoidSignature>(
        detail::CancellableWait{
            [&](detail::Callback<VoidSignature> done) { start_drain(timeout, std::move(done)); }},
        std::forward<Token>(token));
  }
  /// drain() that blocks the calling thread. On a loop thread it would wait for itself:
  /// fails at once with errc::invalid_state there (use the completion form).
  std::error_code drain(Milliseconds timeout);

  /// Drops the connection without DISCONNECT (the broker publishes the will) and connects
  /// again at once, without the reconnect delay (ESP refresh_connection_after, on demand).
  /// Fails with not_connected unless connected.
  std::error_code refresh_connection();

  // --- configuration ----------------------------------------------------------------------

  /// Replaces the broker URI (same rules as BrokerConfig::uri). Used from the next connection
  /// attempt on; from a BeforeConnect handler, by the attempt about to start. Fails with
  /// invalid_uri (the configuration is then unchanged). A configuration shared with other
  /// clients is copied first: the change is this client's alone. Any thread.
  std::error_code set_uri(std::string_view uri);
  /// Replaces the whole configuration, used from the next connection attempt on (network,
  /// buffer and outbox limits at once). Task settings apply at the next start(). Fails with
  /// invalid_uri when config.broker.uri is set and bad. A changed outbox store (path or its
  /// options) is opened here: fails with invalid_state while running or while messages wait
  /// in a memory-only outbox (they would be lost), or with the open error (the configuration
  /// is then kept and start() fails with it). A durable store being replaced keeps its
  /// messages in its file. A client id given when the client was made is dropped: the one of
  /// `config` applies. Other clients made from the same shared configuration keep theirs. Any
  /// thread.
  std::error_code set_config(Config config);
  /// set_config() with a configuration shared with other clients (see the constructor taking
  /// one; null: the default Config), and this client's own client id (empty: the one of
  /// `*config`). Same checks and failures as set_config(Config). Any thread.
  std::error_code set_config(std::shared_ptr<const Config> config, std::string client_id = {});
  /// A copy of the current configuration, with this client's own client id in
  /// credentials.client_id when it was given one.
  Config config() const;
  /// The configuration this client uses, shared, without its own client id: the pointer it was
  /// made or last configured with, or its own copy after set_uri(). Never null. Any thread.
  std::shared_ptr<const Config> shared_config() const;

  // --- commands ---------------------------------------------------------------------------

  /// Publishes a message. QoS 0: sent when connected, else fails with not_connected (or is
  /// stored with options.store_when_offline). QoS 1/2: stored in the outbox and sent when the
  /// broker's Receive Maximum allows, now or after the next connect; the outcome is reported
  /// by Published (or Deleted) with the returned handle. The packet id is bound when the
  /// message goes in flight (OutboxConfig::packet_id_on_accept changes that), so the outbox
  /// holds as many messages as its limits allow. `properties` (MQTT 5) belong to this message
  /// only: there is no one-shot state shared between calls.
  ///
  /// Back-pressure: when more than buffer.send_queue_limit bytes are waiting to be written, or
  /// the outbox is at a limit (OutboxConfig::limit_bytes / limit_messages, with
  /// wait_when_full), waits for room up to network.timeout, then fails with send_queue_full /
  /// outbox_full. On a loop thread it never waits: it fails at once.
  /// Before start() and after stop() it behaves as offline (QoS 1/2 are kept; a durable
  /// store keeps its messages across stop() and start()). With a durable store
  /// (OutboxConfig::store_path) the message is in the store when this returns, committed to
  /// disk with StoreDurability::per_message. Fails with: not_connected, invalid_topic,
  /// invalid_qos, retain_not_available, packet_too_large, topic_alias_invalid,
  /// not_supported_by_version, invalid_argument, outbox_full, send_queue_full, store_full or
  /// store_failed (the message was not accepted; what was accepted before is kept), or the
  /// error of opening the configured store. The topic may be empty only with a Topic Alias
  /// property (MQTT 5) that a publish on this connection, of any QoS, gave a topic; automatic
  /// aliases: SessionConfig::auto_topic_aliases.
  Result<PublishAccepted> publish(std::string_view topic, std::string_view payload,
                                  PublishOptions options = {}, const Properties& properties = {});
  /// Same, taking the message's topic, payload, QoS, retain and properties.
  Result<PublishAccepted> publish(const Message& message);

  /// publish() with a completion (void(std::error_code, PublishResult)): it runs once the
  /// message has ended — acknowledged (empty error; QoS 0: written to the connection or handed
  /// to it), refused by the broker, expired, dropped with a lost session, outcome unknown,
  /// not deliverable, stopped — or at once, inside the call, when publish() fails (with the
  /// same errors as above). Waits for room like publish().
  template <CompletionToken<PublishSignature> Token>
  auto publish(std::string_view topic, std::string_view payload, PublishOptions options,
               const Properties& properties, Token&& token) {
    return async_initiate<PublishSignature>(
        [&](detail::Callback<PublishSignature> done) {
          start_publish(topic, payload, options, properties, true, std::move(done));
        },
        std::forward<Token>(token));
  }
  template <CompletionToken<PublishSignature> Token>
  auto publish(std::string_view topic, std::string_view payload, PublishOptions options,
               Token&& token) {
    return publish(topic, payload, options, Properties{}, std::forward<Token>(token));
  }
  template <CompletionToken<PublishSignature> Token>
  auto publish(const Message& message, Token&& token) {
    return publish(message.topic, message.payload, {message.qos, message.retain, false},
                   message.properties, std::forward<Token>(token));
  }

  /// Like publish() but never waits: a full send queue fails at once with send_queue_full, a
  /// full outbox with outbox_full. (ESP's enqueue additionally requires store=true for QoS 0;
  /// the facade does that.)
  Result<PublishAccepted> enqueue(std::string_view topic, std::string_view payload,
                                  PublishOptions options = {}, const Properties& properties = {});
  /// enqueue() with a completion, as publish() has.
  template <CompletionToken<PublishSignature> Token>
  auto enqueue(std::string_view topic, std::string_view payload, PublishOptions options,
               const Properties& properties, Token&& token) {
    return async_initiate<PublishSignature>(
        [&](detail::Callback<PublishSignature> done) {
          start_publish(topic, payload, options, properties, false, std::move(done));
        },
        std::forward<Token>(token));
  }

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
  /// subscribe() with a completion (void(std::error_code, SubscribeResult)): runs with the
  /// SUBACK (delivery_errc::refused when it refuses a filter), with delivery_errc::session_lost
  /// when the connection ends first, stopped, or at once with the errors above.
  template <CompletionToken<SubscribeSignature> Token>
  auto subscribe(std::string_view filter, SubscribeOptions options, const Properties& properties,
                 Token&& token) {
    const Subscription one{filter, options};
    return subscribe(std::span<const Subscription>{&one, 1}, properties,
                     std::forward<Token>(token));
  }
  template <CompletionToken<SubscribeSignature> Token>
  auto subscribe(std::span<const Subscription> subscriptions, const Properties& properties,
                 Token&& token) {
    return async_initiate<SubscribeSignature>(
        [&](detail::Callback<SubscribeSignature> done) {
          start_subscribe(subscriptions, properties, std::move(done));
        },
        std::forward<Token>(token));
  }

  /// Unsubscribes from one filter. Needs a connection. Unsubscribed follows.
  /// Fails with: not_connected, invalid_topic, not_supported_by_version.
  Result<PacketId> unsubscribe(std::string_view filter, const Properties& properties = {});
  /// Unsubscribes from several filters in one UNSUBSCRIBE (non-empty span).
  Result<PacketId> unsubscribe(std::span<const std::string_view> filters,
                               const Properties& properties = {});
  /// unsubscribe() with a completion (void(std::error_code, UnsubscribeResult)), as subscribe.
  template <CompletionToken<UnsubscribeSignature> Token>
  auto unsubscribe(std::string_view filter, const Properties& properties, Token&& token) {
    return unsubscribe(std::span<const std::string_view>{&filter, 1}, properties,
                       std::forward<Token>(token));
  }
  template <CompletionToken<UnsubscribeSignature> Token>
  auto unsubscribe(std::span<const std::string_view> filters, const Properties& properties,
                   Token&& token) {
    return async_initiate<UnsubscribeSignature>(
        [&](detail::Callback<UnsubscribeSignature> done) {
          start_unsubscribe(filters, properties, std::move(done));
        },
        std::forward<Token>(token));
  }

  /// MQTT 5: sends AUTH when the application runs enhanced authentication itself (an
  /// Authentication Method in SessionConfig::connect_properties and no
  /// Credentials::authenticator): Continue authentication (0x18) in answer to the broker's
  /// AuthReceived, or Re-authenticate (0x19) when connected; `properties` carry the method and
  /// data. Fails with not_connected, not_supported_by_version, invalid_argument (another
  /// reason code), invalid_state (CONNECT named no method [MQTT-4.12.0-7], an authenticator is
  /// configured, or the step does not fit the exchange), packet_too_large.
  std::error_code auth(ReasonCode reason, const Properties& properties);

  // --- enhanced authentication (auth.hpp) ---------------------------------------------------

  /// MQTT 5: re-authenticates on the live connection with Credentials::authenticator (MQTT 5
  /// §4.12.1): sends AUTH Re-authenticate with its initial_data(true), answers the broker's
  /// AUTH Continue steps, and checks its AUTH Success with finish(). Publishing, subscribing
  /// and receiving go on meanwhile. Completes (void(std::error_code)) with an empty error when
  /// the broker accepted; errc::authentication_failed when the authenticator refused the
  /// broker (the connection is then closed with DISCONNECT 0x80, Error and Disconnected
  /// follow); errc::server_disconnected when the broker refused with DISCONNECT;
  /// errc::not_connected when the connection ended first; delivery_errc::stopped by stop().
  /// Fails at once (the completion runs inside the call, nothing sent, connection kept) with
  /// not_started, not_connected, not_supported_by_version, invalid_state (no authenticator,
  /// or a re-authentication is already running), packet_too_large, or the error of the
  /// authenticator's initial_data(true). Any thread.
  template <CompletionToken<VoidSignature> Token>
  auto reauthenticate(Token&& token) {
    return async_initiate<VoidSignature>(
        [&](detail::Callback<VoidSignature> done) { start_reauthenticate(std::move(done)); },
        std::forward<Token>(token));
  }

  /// Delivers `event` to on_user_event / on_event on the loop thread, soon. Never blocks.
  /// Queued events of a client that is not running are delivered once it runs (own-loop
  /// client: after start()). Any thread.
  void dispatch(UserEvent event);
  /// Runs `fn` on the client's loop (serialised with its handlers). Never blocks.
  void post(std::function<void()> fn);

  // --- request/response, application acknowledgement, abrupt disconnect --------------------

  /// MQTT 5 request/response (§4.10). Publishes `payload` to `topic` with a Response Topic
  /// and a Correlation Data of its own, and completes (void(std::error_code, Message)) with
  /// the first message that comes back on the response topic carrying that correlation data.
  ///
  /// The response topic is this client's (see RequestResponseConfig): built from the
  /// broker's Response Information when CONNACK has one, else
  /// `portmqtt/rr/<client id>/<random>`. Its subscription is made once, at the first request
  /// (the request goes out after the SUBACK, so its response cannot be missed), and made again
  /// at a CONNACK whose broker lost the session. Correlation data is 16 bytes, unique per
  /// request. Any number of requests may be in flight. A message on the response topic that
  /// matches no pending request (a response after its timeout, say) goes to on_message like
  /// any other message, so nothing is dropped unseen.
  ///
  /// Ends with: an empty error and the response (its topic, payload, QoS, retain flag and
  /// properties; user properties of the responder included); delivery_errc::timed_out when
  /// no response came within `timeout` (counted from the call); delivery_errc::refused when
  /// the broker refused the request's PUBLISH (PUBACK/PUBREC >= 0x80) or the response
  /// subscription (SUBACK); delivery_errc::stopped by stop(); at once, inside the call:
  /// not_supported_by_version (MQTT 3.x has no request/response), not_connected, not_started,
  /// invalid_argument (`properties` holding a Response Topic or Correlation Data: the call
  /// sets those), or any error of publish(). A request whose PUBLISH was lost with a session
  /// (delivery_errc::session_lost and the like) ends with that error. Any thread; the
  /// completion runs on the loop thread, as publish()'s does.
  template <CompletionToken<RequestSignature> Token>
  auto request(std::string_view topic, std::string_view payload, Milliseconds timeout,
               Token&& token) {
    return request(topic, payload, timeout, PublishOptions{}, Properties{},
                   std::forward<Token>(token));
  }
  /// request() with the options (QoS, retain) and the other properties of the request's
  /// PUBLISH (user properties, content type, message expiry, ...).
  template <CompletionToken<RequestSignature> Token>
  auto request(std::string_view topic, std::string_view payload, Milliseconds timeout,
               PublishOptions options, const Properties& properties, Token&& token) {
    return async_initiate<RequestSignature>(
        [&](detail::Callback<RequestSignature> done) {
          start_request(topic, payload, timeout, options, properties, std::move(done));
        },
        std::forward<Token>(token));
  }

  /// InboundConfig::manual_ack: acknowledges the received QoS 1/2 message `handle`
  /// (MessageReceived::ack_handle) once the application has processed it. Emits PUBACK (QoS 1)
  /// or PUBREC (QoS 2; PUBREL/PUBCOMP follow on their own) with `reason` and `properties`
  /// (MQTT 5: a PUBACK/PUBREC reason code, e.g. success, no_matching_subscribers,
  /// unspecified_error, implementation_specific_error; properties: Reason String and User
  /// Properties; MQTT 3.x: the reason is ignored). The packet goes out when every message
  /// received before this one is acknowledged too (MQTT §4.6 order): ack early or late, in
  /// any order, but ack every message, or those behind it wait. A failure reason tells the
  /// broker the message was not accepted; it is not sent again. Fails with
  /// ack_handle_stale (acknowledged already, or received on a connection that has ended: the
  /// broker sends it again, with DUP, and it arrives with a new handle), invalid_argument
  /// (manual_ack off, handle 0, a reason or property PUBACK/PUBREC cannot carry),
  /// not_supported_by_version (properties on MQTT 3.x), not_started. Any thread, handlers
  /// included; never blocks.
  std::error_code ack(AckHandle handle, ReasonCode reason = ReasonCode::success,
                      const Properties& properties = {});

  /// Closes the connection at once without DISCONNECT, as if the link had broken: the broker
  /// publishes the will (if any; after its Will Delay Interval in MQTT 5). The client then
  /// stays offline: no automatic reconnect until reconnect() (or stop() and start()). Emits
  /// Disconnected (empty error) when it was connected. state() is waiting_reconnect as soon as
  /// the call returns, so reconnect() may follow at once: the link is still closed first.
  /// What is queued stays queued and goes out after reconnect(). While connecting: the attempt
  /// is abandoned; while waiting to reconnect: the wait becomes indefinite. Fails with
  /// not_started when the client is not running. Any thread; does not wait for the close.
  std::error_code disconnect_abruptly();

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
  /// A snapshot of the counters and gauges (takes the client's lock briefly). Any thread.
  Stats stats() const;

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
  void start_publish(std::string_view topic, std::string_view payload, PublishOptions options,
                     const Properties& properties, bool may_wait,
                     detail::Callback<PublishSignature> done);
  void start_subscribe(std::span<const Subscription> subscriptions, const Properties& properties,
                       detail::Callback<SubscribeSignature> done);
  void start_unsubscribe(std::span<const std::string_view> filters, const Properties& properties,
                         detail::Callback<UnsubscribeSignature> done);
  void start_disconnect(ReasonCode reason, const Properties& properties,
                        detail::Callback<VoidSignature> done);
  void start_drain(Milliseconds timeout, detail::Callback<VoidSignature> done);
  void start_reauthenticate(detail::Callback<VoidSignature> done);
  void start_request(std::string_view topic, std::string_view payload, Milliseconds timeout,
                     PublishOptions options, const Properties& properties,
                     detail::Callback<RequestSignature> done);

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace portmqtt
