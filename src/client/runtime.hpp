// The runtime behind portmqtt::Client: one connection at a time, driven on a strand of an
// io_context (the client's own loop thread or a shared EventLoop).
//
// Design:
// - Protocol state lives in a session::Session guarded by `mutex`. API calls from any thread
//   lock it briefly, run one session command (so packet ids come back synchronously) and wake
//   the loop. The loop locks it to feed bytes and ticks and to take output and events, and
//   releases it before running handlers, so handlers may call the API.
// - The compiler checks the locking (src/common/thread_safety.hpp): what `mutex` guards is
//   marked GUARDED_BY(mutex), a function that needs it held REQUIRES(mutex) (the `_locked`
//   ones), and one that takes it EXCLUDES(mutex). Clang's -Wthread-safety turns a touch
//   without the lock into an error (the thread-safety preset); `handlers` and its mutex alike.
// - What only the strand touches (the connection attempt `conn` with its transport, buffers
//   and write in flight; the session and reconnect timers, back-off, broker list, dispatch
//   scratch) is GUARDED_BY(on_strand), a capability that no lock holds (thread_safety.hpp):
//   the functions that use it REQUIRE(on_strand), and each handler handed to Asio first calls
//   assert_on_strand(), which checks strand.running_in_this_thread() in debug builds. A touch
//   from anywhere else does not compile under -Wthread-safety. The clients of an EventLoop
//   with one thread share its one strand (LoopCore::one_thread_strand): there "on the strand"
//   is "on the loop thread", which orders a client's handlers just as well. Not covered: `ready`
//   (filled under `mutex` from callers' threads too), `resubscribed`, the tracer and the logger;
//   and the destructor, which the analysis skips (it runs where the last reference goes, when no
//   handler holds the client any more).
// - Acknowledgements of our publishes leave the session as 16-byte records taken in bulk
//   (PendingEvents::acks), not as an event each: under the lock the loop only copies them and
//   moves the completions they end into `ready`; after it, one pass delivers Published (one
//   on_published_batch call per read, or on_published per message) and then runs the
//   completions, so each message's Published precedes its completion.
// - Each connection attempt is one detail::Connection (connection.hpp) that owns its transport,
//   buffers and refresh timer; its completions hold it and are stale once it is no longer the
//   current one, which makes "close the transport and forget it" safe.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "client/broker_list.hpp"
#include "client/client_log.hpp"
#include "client/completions.hpp"
#include "client/connection.hpp"
#include "client/lifecycle.hpp"
#include "client/loop_core.hpp"
#include "client/packet_trace.hpp"
#include "client/reconnect.hpp"
#include "client/requests.hpp"
#include "client/subscription_memory.hpp"
#include "common/thread_safety.hpp"
#include "portmqtt/client.hpp"
#include "session/session.hpp"
#include "store/sqlite_store.hpp"
#include "transport/transport.hpp"

namespace portmqtt {

/// A session event waiting to be dispatched, with its properties copied out of buffers the
/// session may reuse.
struct PendingEvent {
  session::Event event;
  Properties properties;
  std::size_t acks_before = 0;  ///< PendingEvents::acks dispatched before this event
};

/// What one pass over the session's events leaves to dispatch: the events, and the
/// completions of publishes taken in bulk between them (session::Session::next_event(acks)),
/// one 16-byte record per PUBACK or PUBCOMP instead of an event each.
struct PendingEvents {
  std::vector<PendingEvent> events;
  std::vector<session::Acknowledgement> acks;
  bool empty() const { return events.empty() && acks.empty(); }
  void clear() {
    events.clear();
    acks.clear();
  }
};

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  using Strand = detail::Strand;
  using Clock = detail::SteadyClock;
  using Timer = detail::StrandTimer;
  using LazyTimer = detail::LazyTimer;

  /// `config`: shared with every client made from the same pointer, never modified (null: the
  /// defaults); `client_id`, when not empty, replaces its credentials.client_id for this client.
  Impl(std::shared_ptr<detail::LoopCore> core, bool own_loop, std::shared_ptr<const Config> config,
       std::string client_id = {});
  ~Impl();

  // --- life cycle (runtime.cpp) ----------------------------------------------------------
  std::error_code start() EXCLUDES(lifecycle_mutex, mutex);
  std::error_code stop(ReasonCode reason, const Properties& props) EXCLUDES(lifecycle_mutex, mutex);
  /// stop() after a drain bounded by outbox.stop_drain_timeout.
  std::error_code stop_gracefully(ReasonCode reason, const Properties& props)
      EXCLUDES(lifecycle_mutex, mutex);
  void release_from_destructor() EXCLUDES(lifecycle_mutex, mutex);
  /// A handler's stop() found another thread starting or stopping this client: stop() again
  /// on the strand a millisecond later, unless a new run has begun by then.
  void retry_stop_later(ReasonCode reason, const Properties& props) EXCLUDES(mutex);
  /// Joins the own loop's thread (nothing for a shared loop); not from the loop thread.
  void join_own_loop() EXCLUDES(mutex);
  std::error_code reconnect() EXCLUDES(mutex);
  std::error_code refresh() EXCLUDES(mutex);
  bool on_loop_thread() const noexcept { return core->running_in_this_thread(); }

  // --- commands (commands.cpp) -----------------------------------------------------------
  /// With `done`, registers it under the same lock that accepted the message; a failure is
  /// returned and not reported through `done` (the caller does that).
  Result<PublishAccepted> publish(std::string_view topic, std::string_view payload,
                                  PublishOptions options, const Properties& props, bool may_wait,
                                  detail::PublishDone* done = nullptr) EXCLUDES(mutex);
  Result<PacketId> subscribe(std::span<const Subscription> subs, const Properties& props,
                             detail::SubscribeDone* done = nullptr) EXCLUDES(mutex);
  Result<PacketId> unsubscribe(std::span<const std::string_view> filters, const Properties& props,
                               detail::UnsubscribeDone* done = nullptr) EXCLUDES(mutex);
  std::error_code disconnect(ReasonCode reason, const Properties& props,
                             detail::VoidDone* done = nullptr) EXCLUDES(mutex);
  void drain(Milliseconds timeout, detail::VoidDone done) EXCLUDES(mutex);
  bool drained_locked() const REQUIRES(mutex);
  void check_drains_locked() REQUIRES(mutex);
  /// Moves the completion an event ends (if one waits) into `ready`.
  template <class E>
  void complete_locked(const E& event, const Properties& props) REQUIRES(mutex);
  void on_drain_timeout(std::uint64_t id) EXCLUDES(mutex);
  /// Runs the completions that became due (strand, without the lock).
  void run_ready() EXCLUDES(mutex);
  std::error_code auth(ReasonCode reason, const Properties& props) EXCLUDES(mutex);
  void reauthenticate(detail::VoidDone done) EXCLUDES(mutex);
  std::error_code set_config(std::shared_ptr<const Config> config, std::string client_id)
      EXCLUDES(mutex);
  std::error_code set_uri(std::string_view uri) EXCLUDES(mutex);
  void wake();

  // --- the durable outbox store (outbox_store.cpp) -----------------------------------------
  /// Opens the store of config.outbox (or none) and hands it to the session.
  std::error_code open_store_locked() REQUIRES(mutex);

  // --- loop side (connection_io.cpp, connection_end.cpp, session_events.cpp) ---------------
  // Handlers on the strand: each takes `mutex` itself, and none is called with it held (they
  // dispatch events, which runs the application's handlers).
  void begin_attempt() EXCLUDES(mutex) REQUIRES(on_strand);
  /// begin_attempt() up to a transport for the attempt (`conn`) and the endpoint to connect
  /// to; false when the attempt ended there (abandoned, or failed through fail_connection()).
  /// Out of line, so that its locals are off the stack during the connect.
  [[gnu::noinline]] bool open_attempt(transport::Endpoint& endpoint) EXCLUDES(mutex)
      REQUIRES(on_strand);
  /// open_attempt()'s transport for `conn`, made from `attempt_config` (false when that
  /// failed, through fail_connection()). Out of line: the transport options and the TLS
  /// diagnostics (about 0.7 KiB) are on the stack only while it runs.
  [[gnu::noinline]] bool open_transport(const Config& attempt_config, transport::Scheme scheme)
      EXCLUDES(mutex) REQUIRES(on_strand);
  // Each completion gets the attempt it belongs to: one that is not `conn` changes nothing.
  using Attempt = std::shared_ptr<detail::Connection>;
  void on_transport_connected(const Attempt& attempt, std::error_code ec) EXCLUDES(mutex)
      REQUIRES(on_strand);
  void start_read() REQUIRES(on_strand);  // of the current attempt
  void on_read(const Attempt& attempt, std::error_code ec, std::size_t n) EXCLUDES(mutex)
      REQUIRES(on_strand);
  /// The socket has bytes (after an idle wait, see start_read): read them.
  void on_readable(const Attempt& attempt, std::error_code ec) EXCLUDES(mutex) REQUIRES(on_strand);
  void size_next_read(detail::Connection& c, std::size_t n);
  /// The connection waits idle for bytes: gives back the scratch memory kept between packets.
  void release_idle_memory() EXCLUDES(mutex) REQUIRES(on_strand);
  void service() EXCLUDES(mutex) REQUIRES(on_strand);
  void start_write_locked() REQUIRES(mutex, on_strand);
  void on_write(const Attempt& attempt, std::error_code ec) EXCLUDES(mutex) REQUIRES(on_strand);
  /// Arms session_timer for the earlier of the session's deadline and write_deadline.
  void arm_session_timer_locked() REQUIRES(mutex, on_strand);
  /// session_timer fired: a write that timed out ends the connection, else service().
  void on_timer() EXCLUDES(mutex) REQUIRES(on_strand);
  void drain_events_locked(PendingEvents& out) REQUIRES(mutex, on_strand);
  /// Moves the completions of these acknowledged publishes (if any wait) into `ready`.
  void complete_acks_locked(std::span<const session::Acknowledgement> acks) REQUIRES(mutex);
  /// `setup`: what make_transport() found wrong with the TLS options, when it failed there;
  /// otherwise the transport's diagnostics are reported.
  void fail_connection(std::error_code error, const transport::TlsDiagnostics* setup = nullptr)
      EXCLUDES(mutex) REQUIRES(on_strand);
  void stop_after_fatal_refusal() EXCLUDES(mutex) REQUIRES(on_strand);
  void end_connection(std::error_code reason, bool reconnect_at_once) EXCLUDES(mutex)
      REQUIRES(on_strand);
  void schedule_reconnect(bool at_once) EXCLUDES(mutex) REQUIRES(on_strand);
  void reconnect_now() EXCLUDES(mutex) REQUIRES(on_strand);
  void begin_stop() EXCLUDES(mutex) REQUIRES(on_strand);
  void finish_stop() EXCLUDES(mutex) REQUIRES(on_strand);
  void on_connected_locked(const session::Connected& connected) REQUIRES(mutex, on_strand);
  void resubscribe_locked() REQUIRES(mutex);  // subscription_memory.cpp
  bool over_send_limit_locked() const REQUIRES(mutex);
  void close_if_requested() EXCLUDES(mutex) REQUIRES(on_strand);

  // --- request/response, application acknowledgement, abrupt disconnect (requests.cpp) ---
  void request(std::string_view topic, std::string_view payload, Milliseconds timeout,
               PublishOptions options, const Properties& props, detail::RequestDone done)
      EXCLUDES(mutex);
  void send_request(const std::string& correlation, std::string_view topic,
                    std::string_view payload, PublishOptions options, const Properties& props)
      EXCLUDES(mutex);
  /// Ends a pending request without a response (timeout, refused PUBLISH); no-op once ended.
  void end_request(const std::string& correlation, std::error_code error) EXCLUDES(mutex);
  /// SUBSCRIBE to the response topic unless one is on its way; the session's refusal.
  std::error_code subscribe_responses_locked() REQUIRES(mutex);
  void on_responses_subscribed(const std::string& topic, std::error_code ec) EXCLUDES(mutex);
  /// Ends the requests still waiting for the subscription: completions into `out`.
  void fail_waiting_requests_locked(std::error_code error, std::vector<detail::Ready>& out)
      REQUIRES(mutex);
  void fail_requests_locked(std::error_code error) REQUIRES(mutex);
  /// The response topic of a new connection, and its subscription when requests need it.
  void requests_connected_locked(const session::Connected& connected) REQUIRES(mutex);
  /// A response to a pending request: completes it (into `ready`) and returns true.
  bool take_response_locked(const session::MessageReceived& m, const Properties& props)
      REQUIRES(mutex);
  void retire_timer(std::unique_ptr<boost::asio::steady_timer> timer);
  std::error_code ack(AckHandle handle, ReasonCode reason, const Properties& props) EXCLUDES(mutex);
  std::error_code disconnect_abruptly() EXCLUDES(mutex);

  // --- dispatch (dispatcher.cpp) ---------------------------------------------------------
  void dispatch(PendingEvents& due) REQUIRES(on_strand);
  void dispatch_one(PendingEvent& pending, const Handlers& handlers) REQUIRES(on_strand);
  /// Published for each QoS 1/2 message among `acks`, to on_published_batch in one call, or
  /// to on_published / on_event one at a time.
  void dispatch_acks(std::span<const session::Acknowledgement> acks, const Handlers& handlers)
      REQUIRES(on_strand);
  void dispatch_message(const session::MessageReceived& m, const Properties& props,
                        const Handlers& handlers) REQUIRES(on_strand);
  void emit(const BeforeConnect& e);
  void emit(const Disconnected& e);
  void emit(const Error& e);
  void emit(const UserEvent& e);
  std::shared_ptr<const Handlers> current_handlers() const EXCLUDES(handlers_mutex);
  /// Copy on write: the set may be shared with other clients.
  void update_handlers(const std::function<void(Handlers&)>& change) EXCLUDES(handlers_mutex);
  /// Null: no handlers.
  void replace_handlers(std::shared_ptr<const Handlers> next) EXCLUDES(handlers_mutex);
  /// The empty set, one for the whole process (a client without handlers holds no copy).
  static std::shared_ptr<const Handlers> no_handlers();
  bool delivering() const noexcept {
    return !destroyed.load() && detail::delivers_events(life_unlocked());
  }

  // --- state -----------------------------------------------------------------------------
  std::shared_ptr<detail::LoopCore> core;
  const bool own_loop;
  Strand strand;
  // Running on `strand`, as a capability (thread_safety.hpp): takes no room.
  [[no_unique_address]] detail::StrandRole on_strand;
  /// Where a handler handed to Asio starts: from here the analysis takes the code as running on
  /// the strand, and a debug build checks that it does.
  void assert_on_strand() const ASSERT_CAPABILITY(on_strand) {
    assert(strand.running_in_this_thread());
  }

  // Serialises start() and stop(). A loop thread only tries: a handler may run while another
  // thread holds the lock and waits for the loop, so it gives up instead of deadlocking.
  detail::Mutex lifecycle_mutex;
  // Guards the session and every field marked GUARDED_BY(mutex); the compiler checks it
  // (src/common/thread_safety.hpp).
  mutable detail::Mutex mutex;
  detail::ConditionVariable changed;  // room in the send queue, stop finished
  // Immutable and shared by every client made from the same pointer: a change (set_config,
  // set_uri) replaces the pointer of this client alone (copy on write). The pointer is guarded by
  // `mutex`; what it points to never changes.
  std::shared_ptr<const Config> config GUARDED_BY(mutex);
  // Replaces config->credentials.client_id when not empty.
  std::string own_client_id GUARDED_BY(mutex);
  /// The session settings of an attempt to `target`, shared with the clients made from the
  /// same configuration (the session takes own_client_id apart).
  std::shared_ptr<const session::Config> session_config_locked(const detail::Target& target) const
      REQUIRES(mutex);
  /// The configuration as this client uses it: *config with its own client id.
  Config effective_config_locked() const REQUIRES(mutex);
  session::Session session GUARDED_BY(mutex);
  // For SessionConfig::resubscribe_on_session_lost.
  detail::SubscriptionMemory subscriptions GUARDED_BY(mutex);
  // Filters subscribed again at the last CONNACK: written while it is handled (under `mutex`)
  // and read by its dispatch, both on the strand.
  std::size_t resubscribed = 0;
  // The life cycle (lifecycle.hpp). Written only by advance_locked(), under `mutex`; read under
  // it, except by life_unlocked(), for which a value one transition old is harmless.
  std::atomic<detail::Life> life GUARDED_BY(mutex){detail::Life::not_started};
  // Runs so far (start() counts them): a stop tried again later ends only the run it was for.
  std::uint32_t runs GUARDED_BY(mutex) = 0;
  /// Applies `event` by the table; false (and no change) when the table refuses it.
  bool advance_locked(detail::LifeEvent event) REQUIRES(mutex);
  detail::Life life_locked() const REQUIRES(mutex) { return life.load(std::memory_order_relaxed); }
  /// Without the lock, for delivering() and the reports of the loop: a value one transition
  /// old is harmless there. (The analysis cannot see that `life` is atomic.)
  detail::Life life_unlocked() const noexcept NO_THREAD_SAFETY_ANALYSIS { return life.load(); }
  bool running_locked() const REQUIRES(mutex) { return detail::is_running(life_locked()); }
  bool accepting_locked() const REQUIRES(mutex) { return detail::accepts_commands(life_locked()); }
  bool connected_locked() const REQUIRES(mutex) { return life_locked() == detail::Life::connected; }
  std::size_t writing_bytes GUARDED_BY(mutex) = 0;  // bytes of the write in flight
  // Bytes queued by commands since the last take_output.
  std::size_t queued_estimate GUARDED_BY(mutex) = 0;
  bool write_in_flight GUARDED_BY(mutex) = false;
  bool transport_ready GUARDED_BY(mutex) = false;  // connected at TCP level, writes allowed

  detail::Completions completions GUARDED_BY(mutex);
  // Client::request(), made by the first request (null until then).
  std::unique_ptr<detail::Requests> requests GUARDED_BY(mutex) PT_GUARDED_BY(mutex);
  // Of this connection's CONNACK, for a first request.
  std::string response_information GUARDED_BY(mutex);
  unsigned room_waiters GUARDED_BY(mutex) = 0;  // publish() calls waiting for room in the outbox
  Stats counters GUARDED_BY(mutex);             // the counter part of stats()

  std::atomic<bool> wake_posted{false};
  std::atomic<bool> destroyed{false};

  // Strand-only state.
  // The current connection attempt (connection.hpp): made by begin_attempt(), dropped when
  // end_connection() returns; null while the client is stopped, waits to reconnect or is
  // offline. What spans attempts stays here: the session timer (the session has deadlines
  // between links, and the write timeout of an attempt rides on it), the reconnect timer and
  // back-off, the broker list, and the scratch lists of dispatch.
  std::shared_ptr<detail::Connection> conn GUARDED_BY(on_strand);
  /// Where the current attempt goes ("host:port"), for Error::where; empty without one.
  std::string_view where() const REQUIRES(on_strand) {
    return conn ? std::string_view{conn->where} : std::string_view{};
  }
  PendingEvents pending GUARDED_BY(on_strand);
  // on_published_batch's argument, its room kept
  std::vector<Published> published_batch GUARDED_BY(on_strand);
  std::vector<detail::Ready> ready;  // completions due, run after the lock is released
  // One timer for the session's deadlines and for the write in flight (network.timeout): a
  // second timer per client cost 88 bytes for a deadline that the first can carry.
  Timer session_timer GUARDED_BY(on_strand);
  std::optional<Clock::time_point> armed_deadline GUARDED_BY(on_strand);
  LazyTimer reconnect_timer GUARDED_BY(on_strand);
  detail::ReconnectBackoff backoff GUARDED_BY(on_strand);
  detail::BrokerList brokers GUARDED_BY(on_strand);
  /// Strand-only state that most connections never use, made on first use (80 bytes that an
  /// idle client does not carry).
  struct RareState {
    Properties server_disconnect_props;      // of the broker's DISCONNECT, for Disconnected
    std::vector<ReasonCode> reason_scratch;  // the public reason codes of a SUBACK/UNSUBACK
    std::string inbound_error_cause;  // Error::cause of an inbound packet_too_large or the name
                                      // of an inbound malformed packet
  };
  std::unique_ptr<RareState> rare_state GUARDED_BY(on_strand);
  RareState& rare() REQUIRES(on_strand) {
    if (!rare_state) rare_state = std::make_unique<RareState>();
    return *rare_state;
  }
  detail::PacketTracer tracer;  // Config::packet_trace of this connection
  detail::ClientLog logger;     // Config::log, used on the loop

  // A record for Config::log; `make_text` runs only when the level is enabled.
  template <class MakeText>
  void log(LogLevel level, std::string_view category, MakeText&& make_text) const {
    if (logger.enabled(level)) logger.write(level, category, make_text());
  }

  // Owned by `session`; null without a store.
  store::SqliteStore* sqlite GUARDED_BY(mutex) PT_GUARDED_BY(mutex) = nullptr;
  std::error_code store_error GUARDED_BY(mutex);  // why the configured store could not be opened
  std::string store_message GUARDED_BY(mutex);    // the same, naming the file

  mutable detail::Mutex handlers_mutex;
  std::shared_ptr<const Handlers> handlers GUARDED_BY(handlers_mutex);
};

}  // namespace portmqtt
