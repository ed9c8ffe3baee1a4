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
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "portmqtt/tls_config.hpp"
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
  std::string path;  ///< WebSocket request target ("/" when empty); the socket file for unix
};

/// TLS settings for mqtts:// and wss://: the public struct itself (portmqtt/tls_config.hpp),
/// passed down unchanged.
using TlsOptions = portmqtt::TlsConfig;

/// What went wrong inside TLS, for diagnostics (ESP esp_tls_stack_err and
/// esp_tls_cert_verify_flags).
/// Which part of the TLS options could not be used (tls_errc::invalid_configuration).
enum class TlsSetupStep : std::uint8_t {
  none,                ///< not a setup failure
  trust,               ///< a CA certificate, CA file/directory or the system store
  client_certificate,  ///< the client certificate does not parse
  client_key,          ///< the client key does not parse, or the password does not open it
  key_mismatch,        ///< the client key does not belong to the client certificate
  other,               ///< protocol versions, cipher lists, ALPN, PSK or server name
};

struct TlsDiagnostics {
  int stack_error = 0;    ///< the OpenSSL error code (ERR_get_error), 0 when none
  int verify_result = 0;  ///< the X509 verify result (X509_V_ERR_*), 0 when none or OK
  TlsSetupStep setup_step = TlsSetupStep::none;
  /// The failure in words: X509_verify_cert_error_string() of verify_result, or OpenSSL's
  /// reason for stack_error; empty when there is neither.
  std::string detail;
};

struct Options {
  /// Bounds name resolution, connect and handshakes together.
  std::chrono::milliseconds connect_timeout{10'000};
  KeepAlive keep_alive;
  /// TCP_USER_TIMEOUT: longest time sent data may stay unacknowledged; 0: the system's.
  std::chrono::milliseconds user_timeout{0};
  std::string interface_name;  ///< SO_BINDTODEVICE when not empty
  std::string bind_address;    ///< local IP address to bind before connect; empty: any
  bool no_delay = true;        ///< TCP_NODELAY
  TlsOptions tls;              ///< mqtts and wss only
  /// ws and wss: extra HTTP headers of the upgrade request (name, value).
  std::vector<std::pair<std::string, std::string>> ws_headers;
  /// Non-empty: connect through this proxy (http://, socks5://, socks5h://; see proxy.hpp).
  std::string proxy_uri;
};

class Transport : public std::enable_shared_from_this<Transport> {
 public:
  virtual ~Transport() = default;

  /// Resolves, connects and completes any handshake. Errors: a system error (errno in
  /// value()), errc::host_not_found, errc::connect_timeout, or operation_aborted after close().
  virtual void async_connect(const Endpoint& endpoint, ConnectHandler handler) = 0;
  /// Reads at least one byte into `buffer`. End of stream is errc::end_of_stream.
  virtual void async_read_some(ByteSpan buffer, IoHandler handler) = 0;
  /// Calls `handler` once bytes (or the end of the stream, or an error) can be read, without a
  /// buffer: an idle connection then holds no receive memory. Returns false, and never calls
  /// `handler`, when the transport cannot tell (TLS and WebSocket may hold bytes they already
  /// decoded): the caller reads instead. An error or close() completes it with the error
  /// (operation_aborted after close()).
  virtual bool async_wait_readable(ConnectHandler /*handler*/) { return false; }
  /// Writes all bytes of all buffers, in order, as one gather write. The buffers must stay
  /// valid until the handler runs.
  virtual void async_write(std::span<const ConstByteSpan> buffers, IoHandler handler) = 0;
  /// Closes the connection at once; pending operations complete with operation_aborted.
  virtual void close() = 0;
  /// The OpenSSL details of the last TLS failure; all zero for transports without TLS.
  virtual TlsDiagnostics tls_diagnostics() const { return {}; }
  /// Asks that what was received and what arrives next be acknowledged at once instead of
  /// after the delayed-ACK timer (TCP_QUICKACK on TCP-based transports; nothing elsewhere).
  /// The runtime calls it when it has nothing to write that would carry the acknowledgement.
  virtual void acknowledge_promptly() {}
};

/// A transport for `scheme` running its handlers on `executor` (made by the factory of a live
/// TransportFactoryScope when there is one), or
/// tls_errc::invalid_configuration when options.tls cannot be
/// loaded (bad certificate, key or password).
/// The object keeps itself alive while operations are pending, so the runtime may drop its
/// pointer right after close().
/// `setup`, when given, receives what was wrong with a TLS configuration: the step, OpenSSL's
/// error code and the failure in words (the option, the file path and errno text, OpenSSL's
/// reason).
std::error_code make_transport(Scheme scheme, boost::asio::any_io_executor executor,
                               const Options& options, std::shared_ptr<Transport>& out,
                               TlsDiagnostics* setup = nullptr);

/// Makes a transport in place of the built-in ones, with make_transport()'s contract.
using TransportFactory = std::function<std::error_code(
    Scheme scheme, boost::asio::any_io_executor executor, const Options& options,
    std::shared_ptr<Transport>& out, TlsDiagnostics* setup)>;

/// While it lives, make_transport() calls `factory` instead of making a socket transport, for
/// every scheme and every client of the process (the ESP facade's included): how tests run
/// the runtime over an in-memory transport (tests/support/scripted_transport.hpp). Scopes
/// nest; the destructor puts back the factory that was in force before. Make and destroy it
/// while no client is connecting; a client keeps the transport it already has.
class TransportFactoryScope {
 public:
  explicit TransportFactoryScope(TransportFactory factory);
  ~TransportFactoryScope();
  TransportFactoryScope(const TransportFactoryScope&) = delete;
  TransportFactoryScope& operator=(const TransportFactoryScope&) = delete;

 private:
  std::shared_ptr<const TransportFactory> previous_;
};

}  // namespace portmqtt::transport
