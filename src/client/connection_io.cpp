// One connection attempt on the loop: opening it, reading, and the pump that ticks the
// session, dispatches its events and writes its output.
#include "client/runtime.hpp"

#include <cerrno>
#include <string>

#include <boost/asio/post.hpp>

#include "client/config_map.hpp"
#include "client/convert.hpp"
#include "client/read_pacing.hpp"
#include "client/shared_session_config.hpp"
#include "codec/codec.hpp"
#include "transport/errc.hpp"

namespace portmqtt {
namespace {

namespace asio = boost::asio;

// The first read of a connection, and of one that has gone quiet, asks for this much.
constexpr std::size_t kFirstReadSize = 256;
constexpr unsigned kQuietReadsBeforeShrink = 16;
// A write takes at most about this much of what is queued: its completion then makes room for
// a blocked publisher while the socket still has bytes to send, instead of after the whole
// send queue (4 MiB by default) went out in one write.
constexpr std::size_t kWriteBatchBytes = 256 * 1024;

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
  // The connect goes deepest of anything on an idle client's loop thread (the resolver, the
  // socket, the timer, under the strand's invoker): only the endpoint is live across it, so
  // an own-loop client touches one stack page less (bench/results/idle.md).
  transport::Endpoint endpoint;
  if (!open_attempt(endpoint)) return;
  conn->transport->async_connect(endpoint,
                                 [self = shared_from_this(), attempt = conn](std::error_code e) {
                                   self->assert_on_strand();
                                   self->on_transport_connected(attempt, e);
                                 });
}

bool Client::Impl::open_attempt(transport::Endpoint& endpoint) {
  detail::Target target;
  {
    detail::MutexLock lock(mutex);
    // start() and reconnect_now() entered connecting; disconnect_abruptly() or stop() since
    // then abandon the attempt before it begins.
    if (life_locked() != detail::Life::connecting) return false;
    brokers.configure(*config);
    (void)brokers.resolve(*config, target);  // what BeforeConnect announces
  }
  if (conn) {
    // Every attempt ends through end_connection(), so none should be open here; if one is, it
    // is abandoned: its completions find another attempt current.
    conn->close();
    conn.reset();
  }
  reconnect_timer.cancel();
  emit(BeforeConnect{brokers.description(), brokers.index(), brokers.redirected()});
  std::shared_ptr<const Config> attempt_config;  // the configuration this attempt uses
  std::error_code ec;
  auto attempt = std::make_shared<detail::Connection>();
  {
    detail::MutexLock lock(mutex);
    // A BeforeConnect handler that stopped the client ends the attempt here; one that called
    // disconnect_abruptly() lets it open, and the link is closed again at once (Disconnected).
    if (!accepting_locked()) return false;
    brokers.configure(*config);  // the handler may have changed it
    ec = brokers.resolve(*config, target);
    if (!ec) {
      attempt->where = where_of(target.endpoint);
      session.set_config(session_config_locked(target), own_client_id);
      attempt_config = config;
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
  if (ec) {
    fail_connection(ec);
    return false;
  }
  if (!open_transport(*attempt_config, target.endpoint.scheme)) return false;
  endpoint = std::move(target.endpoint);
  return true;
}

bool Client::Impl::open_transport(const Config& attempt_config, transport::Scheme scheme) {
  transport::TlsDiagnostics setup;
  const std::error_code ec = detail::to_public_error(transport::make_transport(
      scheme, strand, detail::to_transport_options(attempt_config, scheme), conn->transport,
      &setup));
  if (ec) fail_connection(ec, &setup);
  return !ec;
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
  detail::ReadOutcome outcome;
  {
    detail::MutexLock lock(mutex);
    counters.bytes_in += n;
    const std::uint64_t acks_before = session.acks_taken();
    const std::size_t events_before = pending.events.size();
    consumed = session.receive(c.rx.data(), Clock::now());
    drain_events_locked(pending);
    outcome.acks = static_cast<std::size_t>(session.acks_taken() - acks_before);
    outcome.other_events = pending.events.size() != events_before;
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
    outcome.in_flight = session.in_flight();
    outcome.ack_round_trip = session.last_ack_rtt();
    const auto pause = detail::read_pause(outcome);
    c.read_resume_at = pause.count() > 0 ? Clock::now() + pause : Clock::time_point{};
    arm_session_timer_locked();
    writing_now = write_in_flight;
    c.expecting_acks = outcome.in_flight != 0;
  }
  // With nothing to write, no segment of ours carries the TCP acknowledgement of what came in;
  // while a write runs, on_write asks for it once the writes end.
  if (!writing_now) c.transport->acknowledge_promptly();
  c.read_while_writing = writing_now;
  close_if_requested();
  if (attempt != conn || c.close_requested) return;
  if (c.read_resume_at != Clock::time_point{}) return;  // on_timer() reads
  start_read();
}

// --- the pump: ticks, events, writes --------------------------------------------------------

void Client::Impl::wake() {
  // Read before writing: while a service is already posted, a publisher in a loop only reads
  // the flag, and the cache line it shares with the loop thread stays shared.
  if (wake_posted.load(std::memory_order_relaxed) || wake_posted.exchange(true)) return;
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
  if (conn && conn->read_resume_at != Clock::time_point{} &&
      (!deadline || conn->read_resume_at < *deadline))
    deadline = conn->read_resume_at;
  if (deadline == armed_deadline) return;
  // A deadline that moved later keeps the earlier wait: when that fires, on_timer() finds
  // nothing due and arms the later one. Each write moves the write deadline and each packet
  // the keep-alive, and re-arming for them cost a cancelled wait and a timerfd_settime() per
  // write; now a busy connection's timer wakes once for each deadline it was armed for.
  if (deadline && armed_deadline && *armed_deadline < *deadline) return;
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
  if (conn && conn->read_resume_at != Clock::time_point{} && conn->read_resume_at <= Clock::now()) {
    conn->read_resume_at = {};
    start_read();
  }
  service();
}

void Client::Impl::start_write_locked() {
  if (write_in_flight || !transport_ready || !conn || !conn->transport || !session.has_output())
    return;
  detail::Connection& c = *conn;
  c.writing = session.take_output(kWriteBatchBytes);
  queued_estimate = session.output_bytes();
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

}  // namespace portmqtt
