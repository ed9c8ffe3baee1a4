// How a connection ends: a failure, the close the session asked for, the broker's refusal,
// and the reconnect that follows.
#include "client/runtime.hpp"

#include <cerrno>
#include <string>

#include "client/config_map.hpp"
#include "client/convert.hpp"
#include "client/shared_session_config.hpp"
#include "codec/codec.hpp"
#include "transport/errc.hpp"

namespace portmqtt {

// --- ending a connection --------------------------------------------------------------------

void Client::Impl::close_if_requested() {
  if (!conn || !conn->close_requested) return;
  {
    detail::MutexLock lock(mutex);
    if (write_in_flight) return;  // on_write comes back here
  }
  end_connection(*conn->close_requested, false);
}

void Client::Impl::fail_connection(std::error_code error, const transport::TlsDiagnostics* setup) {
  // The session has already ended this connection (its Error went out) and was only waiting
  // for the write in flight: that write failing or timing out is part of the same end, not a
  // second failure.
  if (conn && conn->close_requested) return end_connection(*conn->close_requested, false);
  const std::error_code public_error = detail::to_public_error(error);
  const transport::TlsDiagnostics tls = setup != nullptr ? *setup
                                        : conn && conn->transport
                                            ? conn->transport->tls_diagnostics()
                                            : transport::TlsDiagnostics{};
  if (detail::delivers_events(life_unlocked())) {
    Error e{.kind = detail::error_kind_of(public_error),
            .error = public_error,
            .system_errno = transport::errno_of(error),
            .tls_stack_error = tls.stack_error,
            .tls_verify_result = tls.verify_result,
            .tls_setup_failure = detail::from_transport(tls.setup_step),
            .where = std::string{where()},
            .cause = tls.detail};
    log(LogLevel::warning, e.kind == ErrorKind::tls ? "tls" : "connection",
        [&] { return e.message(); });
    emit(e);
  }
  end_connection(public_error, false);
}

void Client::Impl::end_connection(std::error_code reason, bool reconnect_at_once) {
  // The attempt ends: its link closes now, and it stays `conn` (for its address, its refusal
  // and how the broker ended it, reported below) until this returns. Its completions come
  // through the strand, after that, and find it gone: stale by identity.
  const Attempt ended = conn;
  struct DropAttempt {
    Attempt& current;
    ~DropAttempt() { current.reset(); }
  } drop{conn};
  if (ended) {
    ended->close();
    ended->transport.reset();
    ended->write_deadline = {};
    ended->rx.clear();
    ended->waiting_readable = false;
    ended->close_requested.reset();
  }
  PendingEvents events;
  {
    detail::MutexLock lock(mutex);
    if (!running_locked()) return;
    if (session.state() != session::State::disconnected) session.connection_lost(Clock::now());
    transport_ready = false;
    write_in_flight = false;
    writing_bytes = 0;
    if (ended) ended->writing = {};  // the write in flight, if any, ends with the link
    queued_estimate = 0;
    const bool fatal_refusal = ended && ended->fatal_refusal;
    // A fatal refusal leaves the client not running: start() may be called from now on, and
    // stop() waits for the end of stop_after_fatal_refusal().
    (void)advance_locked(fatal_refusal ? detail::LifeEvent::fatal_refusal
                                       : detail::LifeEvent::connection_lost);
    drain_events_locked(events);
    if (detail::OtherCompletions* rare = completions.rare_if_made()) {
      for (detail::VoidDone& done : rare->disconnects)
        ready.emplace_back([done = std::move(done), reason]() mutable { done(reason); });
      rare->disconnects.clear();
    }
    arm_session_timer_locked();
    changed.notify_all();
  }
  if (ended) ended->close_requested.reset();  // draining may not ask to close what is closed
  dispatch(events);
  detail::Life now;
  {
    detail::MutexLock lock(mutex);
    now = life_locked();
  }
  const bool was_connected = ended && ended->was_connected;
  const std::optional<ReasonCode> server_reason =
      ended ? ended->server_reason : std::optional<ReasonCode>{};
  if (was_connected) {
    const bool stopped = now == detail::Life::stopping;
    log(reason && !stopped ? LogLevel::warning : LogLevel::info, "connection", [&] {
      std::string text = "disconnected from " + ended->where;
      if (stopped) return text + ": the client was stopped";
      if (server_reason)
        text += ": the broker sent DISCONNECT " + std::string{to_string(*server_reason)};
      if (reason) text += ": " + reason.message();
      return text;
    });
  }
  if (now == detail::Life::stopping) return finish_stop();
  if (brokers.attempt_ended(was_connected)) reconnect_at_once = true;
  emit(Disconnected{.error = reason,
                    .server_reason = server_reason,
                    .was_connected = was_connected,
                    .properties = rare_state ? rare_state->server_disconnect_props : Properties{},
                    .broker = brokers.description(),
                    .redirect = brokers.redirect()});
  if (rare_state) rare_state->server_disconnect_props.clear();
  if (ended && ended->fatal_refusal) return stop_after_fatal_refusal();
  schedule_reconnect(reconnect_at_once);
}

// Like finish_stop(), but the outbox stays: start() with a corrected configuration sends it.
// A start() from a handler of the refusal owns the client (the table refuses the event then).
void Client::Impl::stop_after_fatal_refusal() {
  detail::MutexLock lock(mutex);
  const bool reported = advance_locked(detail::LifeEvent::refusal_reported);
  changed.notify_all();  // the last handler returned: a stop() waiting may return
  if (!reported) return;
  reconnect_timer.cancel();  // the refresh timer went with the attempt
  armed_deadline.reset();
  session_timer.cancel();
  fail_requests_locked(make_error_code(delivery_errc::stopped));
  if (own_loop) core->work.reset();
  changed.notify_all();
}

void Client::Impl::schedule_reconnect(bool at_once) {
  ReconnectConfig policy;
  bool offline;
  {
    detail::MutexLock lock(mutex);
    const detail::Life now = life_locked();
    if (now != detail::Life::waiting_reconnect && now != detail::Life::offline) return;
    policy = config->network.reconnect;
    offline = now == detail::Life::offline;
  }
  if (offline) {
    log(LogLevel::info, "connection",
        [] { return std::string{"disconnected abruptly: offline until reconnect()"}; });
    return;
  }
  if (!at_once && !policy.enabled) {
    log(LogLevel::info, "connection",
        [] { return std::string{"automatic reconnection is off: waiting for reconnect()"}; });
    return;  // reconnect() ends the wait
  }
  const auto delay = at_once ? std::chrono::milliseconds{0} : backoff.next_delay(policy);
  log(LogLevel::info, "connection",
      [&] { return "next connection attempt in " + std::to_string(delay.count()) + " ms"; });
  Timer& timer = reconnect_timer.get(strand);
  timer.expires_after(delay);
  timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->assert_on_strand();
    if (!ec) self->reconnect_now();
  });
}

}  // namespace portmqtt
