// The connection life cycle on the loop: attempt, read, write, timers, close, reconnect, stop.
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

// The first read of a connection, and of one that has gone quiet, asks for this much.
constexpr std::size_t kFirstReadSize = 256;
constexpr unsigned kQuietReadsBeforeShrink = 16;

std::shared_ptr<const session::Config> initial_session_config(
    const std::shared_ptr<const Config>& config) {
  detail::Target target;
  target.username = config->credentials.username;
  target.password = config->credentials.password;
  (void)detail::resolve_target(*config, target);  // a bad URI is reported by start()
  return detail::shared_session_config(config, target);
}

// Frees a vector's storage when it holds nothing.
template <class Vector>
void give_back_if_empty(Vector& v) {
  if (v.empty()) Vector{}.swap(v);
}

// Both sizes, for the Error of a packet the session refused as too large: the one at `bytes`.
std::string oversize_cause(std::span<const std::uint8_t> bytes, std::uint32_t limit) {
  auto header = codec::decode_fixed_header(bytes);
  if (header.status == codec::DecodeStatus::need_more || header.error) return {};
  return "the broker sent a packet of " + std::to_string(header.header.packet_size()) +
         " bytes; BufferConfig::max_packet_size is " +
         std::to_string(limit != 0 ? limit : codec::kMaxPacketSize);
}

// Which packet the session refused as malformed (the one at `bytes`): its type and first byte,
// and its size when the fixed header decodes. The codec's finding follows it in Error::cause.
std::string malformed_packet_name(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  const unsigned type = bytes[0] >> 4U;
  std::string name = type == 0
                         ? std::string("packet of type 0")
                         : std::string(codec::to_string(static_cast<codec::PacketType>(type)));
  name += std::string(" (first byte 0x") + kHex[bytes[0] >> 4U] + kHex[bytes[0] & 0xFU];
  auto header = codec::decode_fixed_header(bytes);
  if (header.status != codec::DecodeStatus::need_more && !header.error)
    name += ", " + std::to_string(header.header.packet_size()) + " bytes";
  return name + ")";
}

// "host:port" (IPv6 literals in brackets), or the socket file of a Unix-domain socket.
std::string where_of(const transport::Endpoint& endpoint) {
  if (endpoint.scheme == transport::Scheme::unix_socket) return endpoint.path;
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + endpoint.host + "]" : endpoint.host;
  return host + ":" + std::to_string(endpoint.port);
}

}  // namespace

Client::Impl::Impl(std::shared_ptr<detail::LoopCore> loop_core, bool own,
                   std::shared_ptr<const Config> initial, std::string client_id)
    : core(std::move(loop_core)),
      own_loop(own),
      strand(asio::make_strand(core->io)),
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
  if (!serial.owns_lock()) return errc::stop_pending;
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

// --- one connection attempt -----------------------------------------------------------------

void Client::Impl::reconnect_now() {
  {
    detail::MutexLock lock(mutex);
    if (!advance_locked(detail::LifeEvent::retry)) return;  // offline, stopped, or superseded
    ++counters.reconnects;
  }
  begin_attempt();
}

void Client::Impl::begin_attempt() {
  {
    detail::MutexLock lock(mutex);
    // start() and reconnect_now() entered connecting; disconnect_abruptly() or stop() since
    // then abandon the attempt before it begins.
    if (life_locked() != detail::Life::connecting) return;
    brokers.configure(*config);
    detail::Target announced;
    (void)brokers.resolve(*config, announced);
  }
  if (conn) {
    // Every attempt ends through end_connection(), so none should be open here; if one is, it
    // is abandoned: its completions find another attempt current.
    conn->close();
    conn.reset();
  }
  reconnect_timer.cancel();
  emit(BeforeConnect{brokers.description(), brokers.index(), brokers.redirected()});
  detail::Target target;
  transport::Options options;
  std::error_code ec;
  auto attempt = std::make_shared<detail::Connection>();
  {
    detail::MutexLock lock(mutex);
    // A BeforeConnect handler that stopped the client ends the attempt here; one that called
    // disconnect_abruptly() lets it open, and the link is closed again at once (Disconnected).
    if (!accepting_locked()) return;
    brokers.configure(*config);  // the handler may have changed it
    ec = brokers.resolve(*config, target);
    if (!ec) {
      attempt->where = where_of(target.endpoint);
      session.set_config(session_config_locked(target), own_client_id);
      options = detail::to_transport_options(*config, target.endpoint.scheme);
      attempt->fragment_size = config->buffer.fragment_size;
      attempt->max_packet_size = config->buffer.max_packet_size;
      tracer.configure(*config);
      logger.configure(config->log);
      attempt->read_limit = std::max<std::size_t>(config->buffer.receive_size, 64);
      attempt->read_size = std::min(kFirstReadSize, attempt->read_limit);
    }
  }
  conn = attempt;
  if (!ec) {
    const std::string_view broker = brokers.description();  // the log text is not on the strand
    log(LogLevel::info, "connection",
        [&] { return "connecting to " + attempt->where + " (" + std::string{broker} + ")"; });
  }
  transport::TlsDiagnostics setup;
  if (!ec)
    ec = detail::to_public_error(transport::make_transport(target.endpoint.scheme, strand, options,
                                                           attempt->transport, &setup));
  if (ec) return fail_connection(ec, &setup);
  attempt->transport->async_connect(target.endpoint,
                                    [self = shared_from_this(), attempt](std::error_code e) {
                                      self->assert_on_strand();
                                      self->on_transport_connected(attempt, e);
                                    });
}

void Client::Impl::on_transport_connected(const Attempt& attempt, std::error_code ec) {
  if (attempt != conn) return;  // an attempt that has ended
  if (ec) return fail_connection(ec);
  {
    detail::MutexLock lock(mutex);
    transport_ready = true;
    session.connection_opened(Clock::now());
  }
  start_read();
  service();
}

// --- reading --------------------------------------------------------------------------------

void Client::Impl::start_read() {
  detail::Connection& c = *conn;
  // Reads start small and double while they come back full, up to buffer.receive_size; after
  // a quiet spell the memory goes back. An idle connection then holds a few hundred bytes
  // instead of a whole receive buffer, and a busy one reads in large chunks.
  if (c.rx.size() == 0 && c.quiet_reads >= kQuietReadsBeforeShrink &&
      c.rx.capacity() > kFirstReadSize) {
    c.rx.release();
    c.read_size = std::min(kFirstReadSize, c.read_limit);
    c.quiet_reads = 0;
  }
  // Nothing held, the last read was small and no acknowledgement is due: wait until bytes are
  // there before taking a buffer, so an idle connection holds none (sockets only; other
  // transports read at once). A publisher awaiting acknowledgements reads at once, saving the
  // extra turn of the loop per read.
  if (c.rx.size() == 0 && c.quiet_reads > 0 && !c.readable && !c.expecting_acks &&
      !c.read_while_writing) {
    if (c.transport->async_wait_readable(
            [self = shared_from_this(), attempt = conn](std::error_code ec) {
              self->assert_on_strand();
              self->on_readable(attempt, ec);
            })) {
      c.rx.release();
      c.waiting_readable = true;
      release_idle_memory();
      return;
    }
  }
  c.readable = false;
  // Grow toward the size of the packet at the front when it does not fit (up to the limit
  // the session enforces), at most doubling per read: memory follows the bytes that arrived,
  // never a length a broker merely announced.
  std::size_t want = std::max(c.rx.size() + 1, c.read_size);
  const std::uint32_t limit = c.max_packet_size != 0 ? c.max_packet_size : codec::kMaxPacketSize;
  auto header = codec::decode_fixed_header(c.rx.data(), {limit});
  if (header.status != codec::DecodeStatus::need_more && !header.error) {
    const std::size_t step = std::max(c.rx.capacity() * 2, c.rx.size() + c.read_limit);
    want = std::max(want, std::min(header.header.packet_size(), step));
  }
  if (want > c.rx.capacity()) c.rx.reserve(want);
  c.last_read_space = c.rx.space().size();
  c.transport->async_read_some(
      c.rx.space(), [self = shared_from_this(), attempt = conn](std::error_code ec, std::size_t n) {
        self->assert_on_strand();
        self->on_read(attempt, ec, n);
      });
}

void Client::Impl::release_idle_memory() {
  // Each of these is kept between packets so a busy connection allocates nothing per message;
  // an idle one gives it back (about 0.3 KiB) and allocates again at its next packet.
  give_back_if_empty(pending.events);
  give_back_if_empty(pending.acks);
  give_back_if_empty(published_batch);
  if (rare_state) give_back_if_empty(rare_state->reason_scratch);
  detail::MutexLock lock(mutex);
  give_back_if_empty(ready);
  if (write_in_flight) return;
  if (conn) {
    conn->gather.clear();  // the spans of the last write, which has ended
    give_back_if_empty(conn->gather);
  }
  session.release_idle_memory();
}

void Client::Impl::on_readable(const Attempt& attempt, std::error_code ec) {
  if (attempt != conn) return;  // an attempt that has ended
  attempt->waiting_readable = false;
  if (ec) return fail_connection(ec);
  attempt->readable = true;
  start_read();
}

void Client::Impl::size_next_read(detail::Connection& c, std::size_t n) {
  if (n == c.last_read_space && c.read_size < c.read_limit) {
    c.read_size = std::min(c.read_size * 2, c.read_limit);
    c.quiet_reads = 0;
  } else if (n * 4 <= c.read_size) {
    if (c.quiet_reads < kQuietReadsBeforeShrink) ++c.quiet_reads;
  } else {
    c.quiet_reads = 0;
  }
}

void Client::Impl::on_read(const Attempt& attempt, std::error_code ec, std::size_t n) {
  if (attempt != conn) return;  // an attempt that has ended
  if (ec) return fail_connection(ec);
  detail::Connection& c = *attempt;  // `attempt` keeps it alive while the handlers run
  c.rx.commit(n);
  size_next_read(c, n);
  std::size_t consumed = 0;
  {
    detail::MutexLock lock(mutex);
    counters.bytes_in += n;
    consumed = session.receive(c.rx.data(), Clock::now());
    drain_events_locked(pending);
  }
  tracer.received(c.rx.data().first(consumed));
  // The session refuses a packet above our limit as soon as its header is in, and a malformed
  // one as soon as it is whole; the packet is the one after what it consumed.
  if (c.close_requested && *c.close_requested == errc::packet_too_large)
    rare().inbound_error_cause = oversize_cause(c.rx.data().subspan(consumed), c.max_packet_size);
  if (c.close_requested && *c.close_requested == errc::malformed_packet)
    rare().inbound_error_cause = malformed_packet_name(c.rx.data().subspan(consumed));
  dispatch(pending);  // messages point into rx: consume only afterwards
  {
    // The handlers of these messages returned: their inbound QoS 2 ids may now be kept in the
    // durable store, before their PUBRECs go out.
    detail::MutexLock lock(mutex);
    session.delivered(Clock::now());
    drain_events_locked(pending);  // a store failure
  }
  dispatch(pending);
  if (attempt != conn) return;
  c.rx.consume(consumed);
  bool writing_now;
  {
    // Acknowledgements go out after the handlers of the messages they acknowledge returned.
    detail::MutexLock lock(mutex);
    start_write_locked();
    arm_session_timer_locked();
    writing_now = write_in_flight;
    c.expecting_acks = session.in_flight() != 0;
  }
  // With nothing to write, no segment of ours carries the TCP acknowledgement of what came in;
  // while a write runs, on_write asks for it once the writes end.
  if (!writing_now) c.transport->acknowledge_promptly();
  c.read_while_writing = writing_now;
  close_if_requested();
  if (attempt != conn || c.close_requested) return;
  start_read();
}

// --- the pump: ticks, events, writes --------------------------------------------------------

void Client::Impl::wake() {
  if (wake_posted.exchange(true)) return;
  asio::post(strand, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->assert_on_strand();
      self->service();
    }
  });
}

void Client::Impl::service() {
  wake_posted = false;
  {
    detail::MutexLock lock(mutex);
    const auto now = Clock::now();
    if (auto deadline = session.next_deadline(); deadline && *deadline <= now) session.tick(now);
    drain_events_locked(pending);
    start_write_locked();
    arm_session_timer_locked();
  }
  dispatch(pending);
  close_if_requested();
}

void Client::Impl::arm_session_timer_locked() {
  auto deadline = session.next_deadline();
  if (conn && conn->write_deadline != Clock::time_point{} &&
      (!deadline || conn->write_deadline < *deadline))
    deadline = conn->write_deadline;
  if (deadline == armed_deadline) return;
  armed_deadline = deadline;
  if (!deadline) {
    session_timer.cancel();
    return;
  }
  session_timer.expires_at(*deadline);
  session_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->assert_on_strand();
    if (ec) return;
    self->armed_deadline.reset();
    self->on_timer();
  });
}

void Client::Impl::on_timer() {
  // The write in flight outlived network.timeout: the link is presumed dead.
  if (conn && conn->write_deadline != Clock::time_point{} && conn->write_deadline <= Clock::now())
    return fail_connection({ETIMEDOUT, std::system_category()});
  service();
}

void Client::Impl::start_write_locked() {
  if (write_in_flight || !transport_ready || !conn || !conn->transport || !session.has_output())
    return;
  detail::Connection& c = *conn;
  c.writing = session.take_output();
  queued_estimate = 0;
  if (c.writing.empty()) return;
  writing_bytes = c.writing.size();
  write_in_flight = true;
  c.gather.assign(c.writing.buffers().begin(), c.writing.buffers().end());
  c.transport->async_write(
      c.gather, [self = shared_from_this(), attempt = conn](std::error_code ec, std::size_t) {
        self->assert_on_strand();
        self->on_write(attempt, ec);
      });
  c.write_deadline = Clock::now() + config->network.timeout;
  arm_session_timer_locked();
}

void Client::Impl::on_write(const Attempt& attempt, std::error_code ec) {
  if (attempt != conn) return;  // an attempt that has ended
  detail::Connection& c = *attempt;
  c.write_deadline = {};  // the session timer, if armed for it, finds nothing due
  if (ec) return fail_connection(ec);
  tracer.sent(c.writing.buffers());  // `writing` stays ours until write_in_flight is cleared
  bool writing_now;
  {
    detail::MutexLock lock(mutex);
    counters.bytes_out += writing_bytes;
    write_in_flight = false;
    writing_bytes = 0;
    session.recycle(std::move(c.writing));
    c.writing = {};
    start_write_locked();
    check_drains_locked();
    changed.notify_all();
    writing_now = write_in_flight;
  }
  // The writes ended: what arrived while they ran and is not acknowledged yet is now. Only
  // then: a publisher that reads nothing (QoS 0) makes no extra system call per write.
  if (!writing_now && c.read_while_writing) {
    c.read_while_writing = false;
    c.transport->acknowledge_promptly();
  }
  // The last write of a connection that already waits idle for bytes (CONNECT's, a PINGREQ's).
  if (!writing_now && c.waiting_readable) release_idle_memory();
  run_ready();
  close_if_requested();
}

bool Client::Impl::over_send_limit_locked() const {
  const std::size_t limit = config->buffer.send_queue_limit;
  return limit != 0 && writing_bytes + queued_estimate > limit;
}

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

// --- bookkeeping of session events (under the lock, before dispatch) ------------------------

void Client::Impl::on_connected_locked(const session::Connected& connected) {
  (void)advance_locked(detail::LifeEvent::connack_accepted);  // refused: offline or stopping
  if (conn) conn->was_connected = true;
  backoff.reset();
  brokers.connected();
  resubscribed = 0;
  if (!connected.session_present && config->session.resubscribe_on_session_lost)
    resubscribe_locked();
  requests_connected_locked(connected);
  const auto refresh_after = config->network.refresh_connection_after;
  if (refresh_after.count() <= 0) return;
  if (!conn) return;
  Timer& timer = conn->refresh_timer.get(strand);
  timer.expires_after(refresh_after);
  timer.async_wait([self = shared_from_this(), attempt = conn](boost::system::error_code ec) {
    self->assert_on_strand();
    if (ec || attempt != self->conn) return;  // cancelled, or an attempt that has ended
    self->end_connection({}, true);
  });
}

namespace {

std::string reason_string_of(const Properties& props) {
  auto text = props.text(PropertyId::reason_string);
  return text ? std::string{*text} : std::string{};
}

std::error_code refused_if(bool failed) {
  return failed ? make_error_code(delivery_errc::refused) : std::error_code{};
}

template <class Reasons>
std::vector<ReasonCode> public_reasons(const Reasons& reasons, bool& any_failure) {
  std::vector<ReasonCode> out;
  out.reserve(reasons.size());
  for (codec::ReasonCode r : reasons) {
    any_failure = any_failure || codec::is_failure(r);
    out.push_back(detail::from_codec(r));
  }
  return out;
}

}  // namespace

template <class E>
void Client::Impl::complete_locked(const E& e, const Properties& props) {
  if constexpr (std::is_same_v<E, session::PublishCompleted>) {
    // The hot path of completions: the callback moves from its table entry into its Ready,
    // which keeps the result's fields; nothing is allocated without properties.
    completions.publishes.take(e.handle, [&](detail::PublishDone& done) {
      ready.emplace_back(std::move(done), refused_if(codec::is_failure(e.reason)), e.handle,
                         e.packet_id, detail::from_codec(e.qos), detail::from_codec(e.reason),
                         &props);
    });
  } else if constexpr (std::is_same_v<E, session::MessageExpired>) {
    const std::error_code ec = detail::error_of(e.why);
    if (e.type == codec::PacketType::subscribe) {
      detail::OtherCompletions* rare = completions.rare_if_made();
      if (!rare) return;
      auto it = rare->subscribes.find(e.packet_id);
      if (it == rare->subscribes.end()) return;
      ready.emplace_back([done = std::move(it->second), ec, id = e.packet_id]() mutable {
        done(ec, SubscribeResult{.packet_id = id});
      });
      rare->subscribes.erase(it);
    } else if (e.type == codec::PacketType::unsubscribe) {
      detail::OtherCompletions* rare = completions.rare_if_made();
      if (!rare) return;
      auto it = rare->unsubscribes.find(e.packet_id);
      if (it == rare->unsubscribes.end()) return;
      ready.emplace_back([done = std::move(it->second), ec, id = e.packet_id]() mutable {
        done(ec, UnsubscribeResult{.packet_id = id});
      });
      rare->unsubscribes.erase(it);
    } else {
      completions.publishes.take(e.handle, [&](detail::PublishDone& done) {
        ready.emplace_back(std::move(done), ec, e.handle, e.packet_id, QoS::at_most_once,
                           ReasonCode::success);
      });
    }
  } else if constexpr (std::is_same_v<E, session::SubscribeCompleted>) {
    detail::OtherCompletions* rare = completions.rare_if_made();
    if (!rare) return;
    auto it = rare->subscribes.find(e.packet_id);
    if (it == rare->subscribes.end()) return;
    bool failed = false;
    SubscribeResult result{.packet_id = e.packet_id,
                           .reasons = public_reasons(e.reasons, failed),
                           .reason_string = reason_string_of(props),
                           .properties = props};
    ready.emplace_back([done = std::move(it->second), ec = refused_if(failed),
                        result = std::move(result)]() mutable { done(ec, std::move(result)); });
    rare->subscribes.erase(it);
  } else if constexpr (std::is_same_v<E, session::UnsubscribeCompleted>) {
    detail::OtherCompletions* rare = completions.rare_if_made();
    if (!rare) return;
    auto it = rare->unsubscribes.find(e.packet_id);
    if (it == rare->unsubscribes.end()) return;
    bool failed = false;
    UnsubscribeResult result{.packet_id = e.packet_id,
                             .reasons = public_reasons(e.reasons, failed),
                             .reason_string = reason_string_of(props),
                             .properties = props};
    ready.emplace_back([done = std::move(it->second), ec = refused_if(failed),
                        result = std::move(result)]() mutable { done(ec, std::move(result)); });
    rare->unsubscribes.erase(it);
  }
}

void Client::Impl::complete_acks_locked(std::span<const session::Acknowledgement> acks) {
  // The hot path of completions: the callback moves from its table entry into its Ready,
  // which keeps the result's fields; nothing is allocated.
  completions.publishes.take_each(
      acks, [](const session::Acknowledgement& ack) { return ack.handle; },
      [&](const session::Acknowledgement& ack, detail::PublishDone& done) {
        ready.emplace_back(std::move(done), refused_if(codec::is_failure(ack.reason)), ack.handle,
                           ack.packet_id, detail::from_codec(ack.qos),
                           detail::from_codec(ack.reason));
      });
}

void Client::Impl::drain_events_locked(PendingEvents& out) {
  bool room = false;
  const bool owed = !completions.empty();  // the common case: nothing to look up
  for (;;) {
    const std::size_t acks_before = out.acks.size();
    std::optional<session::Event> event = session.next_event(out.acks);
    if (out.acks.size() != acks_before) {
      room = true;
      if (owed) complete_acks_locked(std::span{out.acks}.subspan(acks_before));
    }
    if (!event) break;
    PendingEvent& p = out.events.emplace_back(PendingEvent{std::move(*event), {}, out.acks.size()});
    std::visit(
        [&](auto& e) REQUIRES(mutex, on_strand) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, session::MessageReceived>) {
            ++counters.messages_in;
            if (!e.publish.props.empty()) detail::copy_from_codec(e.publish.props, p.properties);
            if (take_response_locked(e, p.properties)) {
              out.events.pop_back();  // answered a request(): not for on_message
              return;
            }
          } else if constexpr (requires { e.props; }) {
            if (!e.props.empty()) detail::copy_from_codec(e.props, p.properties);
          }
          if constexpr (std::is_same_v<E, session::Connected>) on_connected_locked(e);
          // What the attempt learns goes with it; a session with no link has none to end.
          if constexpr (std::is_same_v<E, session::ConnectRefused>) {
            if (conn)
              conn->fatal_refusal = is_fatal_refusal(detail::from_codec(e.reason)) &&
                                    !config->network.reconnect.retry_after_fatal_refusal;
          }
          if constexpr (std::is_same_v<E, session::CloseConnection>) {
            if (conn) conn->close_requested = detail::to_public_error(e.reason);
          }
          if constexpr (std::is_same_v<E, session::ErrorOccurred>) {
            // An authenticator that refuses will refuse again: as a fatal CONNACK refusal.
            if (e.error == session::errc::authentication_failed && conn)
              conn->fatal_refusal = !config->network.reconnect.retry_after_fatal_refusal;
          }
          if constexpr (std::is_same_v<E, session::ReauthenticationEnded>) {
            detail::OtherCompletions* rare = completions.rare_if_made();
            if (rare && !rare->reauthentications.empty()) {
              ready.emplace_back([done = std::move(rare->reauthentications.front()),
                                  ec = detail::to_public_error(e.error)]() mutable { done(ec); });
              rare->reauthentications.erase(rare->reauthentications.begin());
            }
          }
          if constexpr (std::is_same_v<E, session::ServerDisconnected>) {
            if (conn) conn->server_reason = detail::from_codec(e.reason);
            rare().server_disconnect_props = p.properties;
          }
          if constexpr (std::is_same_v<E, session::ServerDisconnected> ||
                        std::is_same_v<E, session::ConnectRefused>) {
            brokers.note_server_reason(detail::from_codec(e.reason), p.properties);
          }
          if constexpr (std::is_same_v<E, session::PublishCompleted> ||
                        std::is_same_v<E, session::MessageExpired>) {
            room = true;
          }
          if (owed) complete_locked(e, p.properties);
        },
        p.event);
  }
  if (room && room_waiters != 0) changed.notify_all();
  check_drains_locked();
}

}  // namespace portmqtt
