// Name resolution for every connection of the process on one thread.
//
// Asio's resolver runs getaddrinfo on a thread of its own for each io_context, so every client
// with its own loop (the ESP-MQTT model) would keep a second thread for its whole life. Here
// one thread, started at the first lookup, serves the whole process. It runs no handler
// itself: it posts each result to the executor of the connection that asked, and holds work
// on that executor until then, so the connection's loop keeps running (as with Asio's own
// resolver) while a lookup is pending.
#pragma once

#include <atomic>
#include <memory>

#include <cstdint>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace portmqtt::transport {

using ResolveHandler =
    std::function<void(boost::system::error_code, boost::asio::ip::tcp::resolver::results_type)>;

/// Looks up `host` for TCP (the port taken as a number, as tcp::resolver::numeric_service
/// does) on the shared thread; then `handler` runs on `executor` with the addresses, or with
/// Asio's error (host_not_found and the like). Lookups run one at a time, in order. Thread-safe.
/// The executor must belong to an io_context (not checked: the runtime's always do), which must
/// outlive the lookup: the work held keeps its run() going (the runtime's loops end by releasing
/// their work guard and joining, never by stop()). The shared thread keeps no copy of `executor`
/// once the result is posted, so the io_context may go as soon as `handler` has run.
/// A lookup whose `abandoned` flag is set before its turn is not made: `handler` gets
/// operation_aborted at once. (One already inside getaddrinfo cannot be interrupted.)
void resolve_on_shared_thread(std::string host, std::uint16_t port,
                              boost::asio::any_io_executor executor, ResolveHandler handler,
                              std::shared_ptr<const std::atomic<bool>> abandoned = {});

}  // namespace portmqtt::transport
