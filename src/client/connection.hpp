// One connection attempt of a client: made by Client::Impl::begin_attempt(), dropped by
// end_connection(). It owns what lives and dies with one link: the transport, the receive
// buffer and how reads are sized, the write in flight, the refresh timer and what the attempt
// learned (where it went, its limits, how the broker ended it).
//
// Staleness by identity: every asynchronous operation of an attempt holds a shared_ptr to its
// Connection and, on completion, compares it with the client's current one. A completion of an
// attempt that has ended (its transport closed, pending operations aborted) finds another
// Connection there, or none, and changes nothing. Holding the pointer also keeps the buffers
// the operation reads into or writes from alive until it completes, and an address cannot be
// reused by the next attempt while an old completion still holds it.
//
// Touched only on the client's strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "client/loop_core.hpp"
#include "client/receive_buffer.hpp"
#include "portmqtt/reason_code.hpp"
#include "session/output.hpp"
#include "transport/transport.hpp"

namespace portmqtt::detail {

using SteadyClock = std::chrono::steady_clock;
// A timer typed on the strand: 88 bytes where steady_timer's type-erased executor makes 120.
using StrandTimer =
    boost::asio::basic_waitable_timer<SteadyClock, boost::asio::wait_traits<SteadyClock>, Strand>;

/// A timer made when first armed and kept: most clients never reconnect or refresh their
/// connection, and an idle one need not hold a timer for each (8 bytes instead of 88).
class LazyTimer {
 public:
  StrandTimer& get(const Strand& executor) {
    if (!timer_) timer_ = std::make_unique<StrandTimer>(executor);
    return *timer_;
  }
  void cancel() {
    if (timer_) timer_->cancel();
  }

 private:
  std::unique_ptr<StrandTimer> timer_;
};

struct Connection {
  // Closes the transport (when one was made) and cancels the refresh timer: the pending
  // operations complete later, with operation_aborted, and find the attempt gone.
  void close() {
    if (transport) transport->close();
    refresh_timer.cancel();
  }

  // Null until make_transport() made it (and when it failed).
  std::shared_ptr<transport::Transport> transport;

  // --- reading (Client::Impl::start_read) ---
  ReceiveBuffer rx;
  std::size_t read_size = 0;   // how much the next read asks for
  std::size_t read_limit = 0;  // buffer.receive_size of this attempt
  std::size_t last_read_space = 0;

  // --- the write in flight (its bytes stay here until write_in_flight is cleared) ---
  session::OutputBatch writing;
  std::vector<transport::ConstByteSpan> gather;
  SteadyClock::time_point write_deadline{};  // of the write in flight; none while it is {}
  // When the paused next read starts (client/read_pacing.hpp); no pause while it is {}. The
  // session timer carries it, as it carries write_deadline.
  SteadyClock::time_point read_resume_at{};

  // Refreshes the link after network.refresh_connection_after (armed at CONNACK).
  LazyTimer refresh_timer;
  // The session asked to close the link (CloseConnection): with this error, once the write in
  // flight is out.
  std::optional<std::error_code> close_requested;
  std::string where;  // "host:port" of the attempt, for Error::where and the log

  std::size_t fragment_size = 0;      // buffer.fragment_size of this attempt
  std::uint32_t max_packet_size = 0;  // buffer.max_packet_size of this attempt
  std::uint8_t quiet_reads = 0;  // reads in a row that used a quarter of read_size or less (to 16)
  std::optional<ReasonCode> server_reason;  // of the broker's DISCONNECT
  // One byte of flags: an idle client holds one Connection, and with these (and the plain
  // write_deadline) it fits a 256-byte heap block with its shared_ptr's counts.
  bool readable : 1 = false;            // a wait for readability just ended: read without waiting
  bool waiting_readable : 1 = false;    // the connection waits idle for bytes (no buffer held)
  bool expecting_acks : 1 = false;      // messages of ours were in flight after the last read
  bool read_while_writing : 1 = false;  // a read came in while a write ran (see on_write)
  bool was_connected : 1 = false;       // a CONNACK accepted this attempt
  bool fatal_refusal : 1 = false;       // its refusal stops the client
};

}  // namespace portmqtt::detail
