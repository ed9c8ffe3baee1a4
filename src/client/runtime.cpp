// The client's life cycle on the loop: construction, start, stop, reconnect and refresh. The
// connection attempt, reading and writing are in connection_io.cpp, how a connection ends in
// connection_end.cpp, the session's events in session_events.cpp.
#include "client/runtime.hpp"

#include <cerrno>
#include <future>
#include <string>

#include <boost/asio/post.hpp>

#include "client/config_map.hpp"
#include "client/convert.hpp"
#include "client/shared_session_config.hpp"
#include "codec/codec.hpp"
#include "transport/errc.hpp"

namespace portmqtt {
namespace {

namespace asio = boost::asio;

std::shared_ptr<const session::Config> initial_session_config(
    const std::shared_ptr<const Config>& config) {
  detail::Target target;
  target.username = config->credentials.username;
  target.password = config->credentials.password;
  (void)detail::resolve_target(*config, target);  // a bad URI is reported by start()
  return detail::shared_session_config(config, target);
}

}  // namespace

Client::Impl::Impl(std::shared_ptr<detail::LoopCore> loop_core, bool own,
                   std::shared_ptr<const Config> initial, std::string client_id)
    : core(std::move(loop_core)),
      own_loop(own),
      strand(core->strand_for_client()),
      config(initial ? std::move(initial) : std::make_shared<const Config>()),
      own_client_id(std::move(client_id)),
      session(initial_session_config(config), own_client_id),
      session_timer(strand),
      handlers(no_handlers()) {
  logger.configure(config->log);
  (void)open_store_locked();  // a failure is kept for start() and store_status()
}

Client::Impl::~Impl() = default;

std::shared_ptr<const session::Config> Client::Impl::session_config_locked(
    const detail::Target& target) const {
  return detail::shared_session_config(config, target);
}

Config Client::Impl::effective_config_locked() const {
  Config copy = *config;
  if (!own_client_id.empty()) copy.credentials.client_id = own_client_id;
  return copy;
}

bool Client::Impl::advance_locked(detail::LifeEvent event) {
  const auto next = detail::next_life(life_locked(), event);
  if (!next) return false;
  life.store(*next);
  return true;
}

// --- start / stop ---------------------------------------------------------------------------

std::error_code Client::Impl::start() {
  const bool loop = on_loop_thread();
  const detail::MutexLock serial(lifecycle_mutex, /*try_only=*/loop);
  if (!serial.owns_lock()) return errc::already_started;
  {
    detail::MutexLock lock(mutex);
    if (running_locked()) return errc::already_started;
    if (store_error) return store_error;
    detail::Target target;
    if (auto ec = detail::resolve_target(*config, target)) return ec;
    if (auto ec = detail::BrokerList::check(*config)) return ec;
    if (config->credentials.authenticator &&
        config->session.protocol_version != ProtocolVersion::v5)
      return errc::not_supported_by_version;  // enhanced authentication is MQTT 5 only
  }
  if (own_loop && !loop) {
    // The previous run's thread has finished (or is about to); reuse the io_context.
    for (auto& thread : core->threads)
      thread->join();
    core->threads.clear();
    core->io.restart();
  }
  detail::MutexLock lock(mutex);
  if (own_loop) {
    if (!core->work) core->work.emplace(core->io.get_executor());
    if (core->threads.empty()) {
      if (auto ec = detail::start_loop_threads(core, 1, config->task)) {
        core->work.reset();
        return ec;
      }
    }
  }
  (void)advance_locked(detail::LifeEvent::start);  // legal from every state that is not running
  ++runs;
  changed.notify_all();
  asio::post(strand, [self = shared_from_this()] {
    self->assert_on_strand();
    self->begin_attempt();
  });
  return {};
}

std::error_code Client::Impl::stop(ReasonCode reason, const Properties& props) {
  const bool loop = on_loop_thread();
  const detail::MutexLock serial(lifecycle_mutex, /*try_only=*/loop);
  if (!serial.owns_lock()) {
    // Another thread is in start() or stop(). A handler cannot wait for it, and its stop must
    // not be lost: the first handler of a run (on_connected) may come before the start() that
    // began the run has returned.
    if (loop) retry_stop_later(reason, props);
    return errc::stop_pending;
  }
  {
    detail::MutexLock lock(mutex);
    if (!running_locked()) {
      if (loop) return errc::not_started;
      // A fatal refusal may still be reporting Disconnected on the loop: when stop() returns,
      // no handler of this client runs any more.
      changed.wait(lock, [&]() REQUIRES(mutex) { return life_locked() != detail::Life::refusing; });
      if (!running_locked()) {
        lock.unlock();
        join_own_loop();
        return errc::not_started;
      }
    }
    const detail::Life before = life_locked();
    if (before != detail::Life::stopping) {
      (void)advance_locked(detail::LifeEvent::stop);
      if (before == detail::Life::connected)
        (void)session.disconnect(detail::to_codec(reason), detail::to_codec_view(props),
                                 Clock::now());
      asio::post(strand, [self = shared_from_this()] {
        self->assert_on_strand();
        self->begin_stop();
      });
    }
    if (loop) return errc::stop_pending;
    changed.wait(lock, [&]() REQUIRES(mutex) { return !running_locked(); });
  }
  join_own_loop();
  return {};
}

void Client::Impl::retry_stop_later(ReasonCode reason, const Properties& props) {
  std::uint32_t run = 0;
  {
    detail::MutexLock lock(mutex);
    run = runs;
  }
  auto timer = std::make_shared<Timer>(strand, std::chrono::milliseconds(1));
  timer->async_wait(
      [self = shared_from_this(), timer, run, reason, props](boost::system::error_code) {
        self->assert_on_strand();
        {
          detail::MutexLock lock(self->mutex);
          if (self->runs != run) return;  // a later run: not this stop's to end
        }
        (void)self->stop(reason, props);
      });
}

void Client::Impl::join_own_loop() {
  if (!own_loop) return;
  for (auto& thread : core->threads)
    thread->join();
  core->threads.clear();
}

std::error_code Client::Impl::stop_gracefully(ReasonCode reason, const Properties& props) {
  Milliseconds timeout;
  bool drains;
  {
    detail::MutexLock lock(mutex);
    drains = accepting_locked();
    timeout = config->outbox.stop_drain_timeout;
  }
  // Not running: stop() still waits for the end of a fatal refusal's own stop. A stop under
  // way: join it.
  if (!drains) return stop(reason, props);
  if (on_loop_thread()) {
    // A handler cannot wait for the loop it runs on: the stop follows the drain there.
    drain(timeout, [weak = weak_from_this(), reason, props](std::error_code) {
      if (auto self = weak.lock()) (void)self->stop(reason, props);
    });
    return errc::stop_pending;
  }
  std::promise<void> drained;
  std::future<void> done = drained.get_future();
  drain(timeout, [&drained](std::error_code) { drained.set_value(); });
  done.wait();
  return stop(reason, props);
}

void Client::Impl::release_from_destructor() {
  destroyed = true;
  if (on_loop_thread()) {
    (void)stop(ReasonCode::normal_disconnection, {});
  } else {
    (void)stop_gracefully(ReasonCode::normal_disconnection, {});
  }
  {
    // A client that never ran still owes completions for what it accepted.
    detail::MutexLock lock(mutex);
    if (!running_locked() && !completions.empty()) {
      std::vector<detail::Ready> owed;
      completions.fail_all(make_error_code(delivery_errc::stopped), owed);
      lock.unlock();
      for (detail::Ready& done : owed)
        done();
    }
  }
  if (own_loop && !on_loop_thread()) {
    detail::MutexLock serial(lifecycle_mutex);
    {
      // The loop thread resets the work guard under `mutex` too (a fatal refusal stops the
      // client from there), so this one may not run beside it.
      detail::MutexLock lock(mutex);
      core->work.reset();
    }
    for (auto& thread : core->threads)
      thread->join();
    core->threads.clear();
  }
}

void Client::Impl::begin_stop() {
  reconnect_timer.cancel();
  if (conn) conn->refresh_timer.cancel();
  service();  // flushes the DISCONNECT queued by stop(); its CloseConnection ends the link
  // Unless the link waits for the write of that DISCONNECT (on_write ends it then).
  if (!conn || !conn->close_requested) end_connection({}, false);
}

void Client::Impl::finish_stop() {
  {
    detail::MutexLock lock(mutex);
    // A durable store keeps its messages across stop() and start(), as across a restart.
    if (!session.durable()) session.clear_outbox();
    subscriptions.clear();
    fail_requests_locked(make_error_code(delivery_errc::stopped));
    completions.fail_all(make_error_code(delivery_errc::stopped), ready);
    armed_deadline.reset();
    session_timer.cancel();
    (void)advance_locked(detail::LifeEvent::stop_finished);
    if (own_loop) core->work.reset();
    changed.notify_all();
  }
  run_ready();
}

std::error_code Client::Impl::reconnect() {
  detail::MutexLock lock(mutex);
  if (!accepting_locked()) return errc::not_started;
  if (!advance_locked(detail::LifeEvent::reconnect_request)) return errc::invalid_state;
  asio::post(strand, [self = shared_from_this()] {
    self->assert_on_strand();
    self->reconnect_now();
  });
  return {};
}

std::error_code Client::Impl::disconnect_abruptly() {
  detail::MutexLock lock(mutex);
  if (!accepting_locked()) return errc::not_started;
  (void)advance_locked(detail::LifeEvent::go_offline);  // legal wherever commands are
  asio::post(strand, [self = shared_from_this()] {
    self->assert_on_strand();
    detail::Life now;
    {
      detail::MutexLock relock(self->mutex);
      now = self->life_locked();
    }
    if (now == detail::Life::offline) {
      self->reconnect_timer.cancel();
    } else if (now != detail::Life::waiting_reconnect) {
      return;  // a stop (and maybe a start) came first
    }
    // No DISCONNECT: closing the transport is what a broken link looks like to the broker.
    // In waiting_reconnect (reconnect() came first) the link still goes, before the attempt
    // that reconnect() asked for.
    if (self->conn) self->end_connection({}, false);
  });
  return {};
}

std::error_code Client::Impl::refresh() {
  detail::MutexLock lock(mutex);
  if (!connected_locked()) return errc::not_connected;
  asio::post(strand, [self = shared_from_this()] {
    self->assert_on_strand();
    bool connected;
    {
      detail::MutexLock relock(self->mutex);
      connected = self->connected_locked();
    }
    if (connected) self->end_connection({}, true);
  });
  return {};
}

}  // namespace portmqtt
