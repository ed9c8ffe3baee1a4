// An in-memory transport driven by a script: the runtime's tests run a real Client over it,
// with no socket and no broker.
//
// A Script lists connections, one per connection attempt: the n-th transport the client
// makes (make_transport(), replaced while the scope of install() lives) plays the n-th
// connection; attempts beyond the list are refused with ECONNREFUSED. A connection says how
// its connect ends, then runs its steps in order, the way a broker answers:
//
//   script->connection()
//       .expect(connect_bytes, "CONNECT")   // waits for the next whole packet the client writes
//       .deliver(connack_bytes)             // bytes for the client to read
//       .after(50ms)                        // a delay before the next step
//       .read_error(system_error(ECONNRESET));  // then the client's read fails
//
// Partial I/O: read_limit(n) makes each read return at most n bytes (and never more than what
// is left of one delivery, so deliver_split() chooses where reads end); write_limit(n) takes
// n bytes of a write at a time, each part in a handler of its own, and completes the write
// once all of it is taken. Failure injection: fail_call(op, k, error) fails the k-th call of
// connect, read or write of the connection with `error` (Beast's test::fail_count, per call).
// close() takes no error in the Transport interface: it is recorded, and pending operations
// complete with operation_aborted, later, as a socket's do.
//
// Everything runs on the executor the client hands to make_transport() (its strand); delays
// use that io_context's timers. Records (bytes written, whole packets, read sizes, closes,
// mismatches) are kept under a lock, so a test reads and waits for them from its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "transport/transport.hpp"

namespace portmqtt::test {

using Bytes = std::vector<std::uint8_t>;

/// A call of the Transport interface that fail_call() can fail.
enum class Op : std::uint8_t { connect, read, write };

/// Checks one whole packet the client wrote.
struct PacketMatcher {
  std::function<bool(const Bytes&)> matches;
  std::string description;  ///< what was expected, for the mismatch record
};

/// The packet equal to `packet`, byte for byte.
PacketMatcher exactly(Bytes packet, std::string name);
/// Any packet of MQTT control packet `type` (the high nibble of its first byte), e.g. 12 for
/// PINGREQ.
PacketMatcher packet_of_type(std::uint8_t type, std::string name);

/// A system error with errno `value`, as a socket reports it (ECONNRESET, EPIPE, ...).
std::error_code system_error(int value);

/// What one connection attempt saw and did, as the client drove it.
struct ConnectionRecord {
  transport::Endpoint endpoint;     ///< what async_connect() was asked for
  bool connected = false;           ///< async_connect() succeeded
  Bytes written;                    ///< every byte the client wrote, in order
  std::vector<Bytes> packets;       ///< the same, cut into whole MQTT packets
  std::vector<std::size_t> writes;  ///< bytes per async_write() call that succeeded
  std::vector<std::size_t> parts;   ///< bytes taken per step of those writes
  std::vector<std::size_t> reads;   ///< bytes returned per async_read_some()
  unsigned readable_waits = 0;      ///< async_wait_readable() calls accepted
  unsigned closes = 0;              ///< close() calls
  unsigned late_completions = 0;    ///< handlers run after close() (complete_after_close())
  bool steps_done = false;          ///< every step of the script ran
  std::chrono::steady_clock::time_point made;  ///< when make_transport() made it
};

class Script;
struct ScriptStep;
struct ConnectionSpec;

/// Builds the script of one connection (Script::connection()). Each call appends a step or
/// sets an option; the connection copies its script when the client makes its transport.
class ConnectionScript {
 public:
  /// The connect succeeds after `delay` (default: at once).
  ConnectionScript& connect_after(std::chrono::milliseconds delay);
  /// The connect fails with `error` (after connect_after()'s delay).
  ConnectionScript& refuse(std::error_code error);
  /// The connect never completes; only close() ends it (operation_aborted).
  ConnectionScript& hang();
  /// Each read returns at most `n` bytes (0: no limit).
  ConnectionScript& read_limit(std::size_t n);
  /// The connection answers async_wait_readable() as a socket does: the wait ends when bytes
  /// (or an error) are there to read. Without it the transport cannot wait, and the client
  /// reads at once.
  ConnectionScript& readability_waits();
  /// Writes are taken `n` bytes at a time (0: whole), with `pause` between the parts.
  ConnectionScript& write_limit(std::size_t n, std::chrono::milliseconds pause = {});
  /// The k-th call (from 1) of `op` on this connection completes with `error`.
  ConnectionScript& fail_call(Op op, unsigned k, std::error_code error);
  /// close() aborts nothing: `delay` after it, the operations still pending complete as if the
  /// close had come too late (a completion already queued when the client closed the link). A
  /// connect succeeds, a readability wait ends, a read returns `read_bytes` (as much as fits),
  /// a write is taken whole. ConnectionRecord::late_completions counts each once its handler
  /// has returned.
  ConnectionScript& complete_after_close(std::chrono::milliseconds delay, Bytes read_bytes = {});

  /// The next step waits this long after the step before it ended (or the connect).
  ConnectionScript& after(std::chrono::milliseconds delay);
  /// Waits for the next whole packet the client writes; a different one is a mismatch.
  ConnectionScript& expect(Bytes packet, std::string name);
  ConnectionScript& expect(PacketMatcher matcher);
  /// Bytes for the client to read, in one piece.
  ConnectionScript& deliver(Bytes bytes);
  /// Bytes for the client to read, cut before each offset of `cuts`: a read never crosses a
  /// cut.
  ConnectionScript& deliver_split(const Bytes& bytes, const std::vector<std::size_t>& cuts);
  /// Once what was delivered before is read, the next read fails with `error`
  /// (transport::errc::end_of_stream: the broker closed the connection).
  ConnectionScript& read_error(std::error_code error);
  /// The next write the client starts from here on fails with `error`, writing nothing.
  ConnectionScript& write_error(std::error_code error);
  /// Writes the client starts from here on take nothing and never complete (a peer that
  /// stopped reading, its window closed); close() ends them.
  ConnectionScript& stall_writes();

 private:
  friend class Script;
  ConnectionScript(Script& script, std::size_t index) : script_(script), index_(index) {}
  template <class F>
  ConnectionScript& edit(F&& change);
  ConnectionScript& add(ScriptStep step);
  Script& script_;
  std::size_t index_;
};

/// A list of connections and the record of what the client did with them. Shared between
/// the test and the transports it makes; make it with std::make_shared.
class Script : public std::enable_shared_from_this<Script> {
 public:
  Script();
  ~Script();
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;

  /// Appends the script of the next connection attempt.
  ConnectionScript connection();

  /// Makes every client of the process use this script's transports while the scope lives.
  transport::TransportFactoryScope install();

  /// Transports made so far (connection attempts that got as far as make_transport()).
  std::size_t attempts() const;
  /// A copy of the record of attempt `index` (empty before the attempt).
  ConnectionRecord record(std::size_t index) const;
  /// Script mismatches: unexpected packets, with their bytes in hex. Empty when all went as
  /// scripted.
  std::vector<std::string> mismatches() const;

  /// Waits until `done` holds, up to `timeout`. `done` is called without the lock held, so
  /// it may use the accessors above.
  bool wait(const std::function<bool()>& done,
            std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  bool wait_attempts(std::size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  /// Until connection `index` ran all its steps.
  bool wait_steps_done(std::size_t index,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  /// Until connection `index` holds `count` whole packets from the client.
  bool wait_packets(std::size_t index, std::size_t count,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  friend class ConnectionScript;
  friend class ScriptedTransport;

  template <class F>
  void change(F&& f) {
    std::lock_guard lock(mutex_);
    f();
    ++version_;
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t version_ = 0;
  std::vector<std::unique_ptr<ConnectionSpec>> specs_;
  std::vector<ConnectionRecord> records_;
  std::vector<std::string> mismatches_;
};

/// Lower-case hex with a space between bytes, for messages.
std::string hex(const Bytes& bytes);

}  // namespace portmqtt::test
