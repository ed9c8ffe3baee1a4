// An asynchronous byte stream to the broker. Knows nothing about MQTT.
//
// One Transport object serves one connection attempt and the connection that follows; the
// runtime makes a new one for every attempt. All completion handlers run on the executor the
// transport was made with (the client's strand). At most one read and one write may be
// outstanding at a time. close() cancels whatever is pending: those handlers then run with
// an error (operation_aborted). TLS and WebSocket transports implement the same interface,
// doing their handshakes inside async_connect().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>

#include <boost/asio/any_io_executor.hpp>

#include "transport/uri.hpp"

namespace portmqtt::transport {

using ByteSpan = std::span<std::uint8_t>;
using ConstByteSpan = std::span<const std::uint8_t>;
using ConnectHandler = std::function<void(std::error_code)>;
using IoHandler = std::function<void(std::error_code, std::size_t)>;

struct KeepAlive {
  bool enabled = false;
  std::chrono::seconds idle{5};
  std::chrono::seconds interval{5};
  int count = 3;
};

/// Where to connect and how.
struct Endpoint {
  Scheme scheme = Scheme::mqtt;
  std::string host;  ///< name or IP literal (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string path;  ///< WebSocket request target; empty means "/"
};

struct Options {
  /// Bounds name resolution, connect and handshakes together.
  std::chrono::milliseconds connect_timeout{10'000};
  KeepAlive keep_alive;
  std::string interface_name;  ///< SO_BINDTODEVICE when not empty
  bool no_delay = true;        ///< TCP_NODELAY
};

class Transport : public std::enable_shared_from_this<Transport> {
 public:
  virtual ~Transport() = default;

  /// Resolves, connects and completes any handshake. Errors: a system error (errno in
  /// value()), errc::host_not_found, errc::connect_timeout, or operation_aborted after close().
  virtual void async_connect(const Endpoint& endpoint, ConnectHandler handler) = 0;
  /// Reads at least one byte into `buffer`. End of stream is errc::end_of_stream.
  virtual void async_read_some(ByteSpan buffer, IoHandler handler) = 0;
  /// Writes all bytes of all buffers, in order, as one gather write. The buffers must stay
  /// valid until the handler runs.
  virtual void async_write(std::span<const ConstByteSpan> buffers, IoHandler handler) = 0;
  /// Closes the connection at once; pending operations complete with operation_aborted.
  virtual void close() = 0;
};

/// A transport for `scheme` running its handlers on `executor`, or errc::not_implemented for
/// schemes without a transport yet (mqtts, ws, wss).
/// The object keeps itself alive while operations are pending, so the runtime may drop its
/// pointer right after close().
std::error_code make_transport(Scheme scheme, boost::asio::any_io_executor executor,
                               const Options& options, std::shared_ptr<Transport>& out);

}  // namespace portmqtt::transport
