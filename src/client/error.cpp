// The portmqtt error category and the names of reason codes.
#include "portmqtt/error.hpp"

#include <cstdio>
#include <string>

#include "codec/reason_codes.hpp"
#include "common/error_category.hpp"
#include "portmqtt/event.hpp"
#include "portmqtt/reason_code.hpp"
#include "transport/errc.hpp"

namespace portmqtt {
namespace {

std::string describe(errc e) {
  switch (e) {
    case errc::not_started:
      return "client not started";
    case errc::already_started:
      return "client already started";
    case errc::invalid_state:
      return "operation not valid in the current state";
    case errc::invalid_argument:
      return "invalid argument";
    case errc::invalid_uri:
      return "invalid broker URI";
    case errc::unsupported_transport:
      return "transport not supported";
    case errc::invalid_topic:
      return "invalid topic name or filter";
    case errc::invalid_qos:
      return "QoS not supported by the broker";
    case errc::retain_not_available:
      return "retain not available on the broker";
    case errc::packet_too_large:
      return "packet too large";
    case errc::topic_alias_invalid:
      return "invalid topic alias";
    case errc::feature_not_available:
      return "feature not available on the broker";
    case errc::not_supported_by_version:
      return "not supported by this MQTT version";
    case errc::not_connected:
      return "not connected";
    case errc::outbox_full:
      return "outbox full";
    case errc::send_queue_full:
      return "send queue full";
    case errc::stop_pending:
      return "stop requested; it completes asynchronously";
    case errc::host_not_found:
      return "host not found";
    case errc::connect_timeout:
      return "connect timed out";
    case errc::connection_closed:
      return "connection closed by the broker";
    case errc::connection_refused:
      return "connection refused by the broker";
    case errc::connack_timeout:
      return "no CONNACK in time";
    case errc::keepalive_timeout:
      return "no PINGRESP in time";
    case errc::server_disconnected:
      return "the broker sent DISCONNECT";
    case errc::protocol_error:
      return "protocol error by the broker";
    case errc::malformed_packet:
      return "malformed packet from the broker";
    case errc::unknown_packet_id:
      return "acknowledgement for an unknown packet id";
    case errc::receive_maximum_exceeded:
      return "broker exceeded our Receive Maximum";
    case errc::unknown_topic_alias:
      return "broker used an unknown topic alias";
    case errc::tls_configuration_invalid:
      return "TLS configuration not usable (CA, certificate, key, key password, cipher or PSK)";
    case errc::tls_handshake_failed:
      return "TLS handshake failed";
    case errc::certificate_invalid:
      return "server certificate verification failed";
    case errc::hostname_mismatch:
      return "server certificate does not match the host name";
    case errc::tls_connection_failed:
      return "TLS error on the connection";
    case errc::websocket_upgrade_failed:
      return "WebSocket upgrade refused";
    case errc::websocket_error:
      return "WebSocket protocol error";
    case errc::not_supported_on_platform:
      return "not supported on this platform";
    case errc::store_corrupt:
      return "outbox store is corrupt or not a database";
    case errc::store_foreign:
      return "outbox store file belongs to another application";
    case errc::store_version_unsupported:
      return "outbox store written by a newer version";
    case errc::store_locked:
      return "outbox store is in use by another process";
    case errc::store_cannot_open:
      return "outbox store cannot be opened";
    case errc::store_full:
      return "disk full: outbox store cannot grow";
    case errc::authentication_failed:
      return "enhanced authentication failed";
    case errc::store_failed:
      return "outbox store read or write failed";
    case errc::ack_handle_stale:
      return "no received message waits for this acknowledgement (acknowledged already, or "
             "received on an earlier connection: the broker sends it again)";
  }
  return "unknown portmqtt error";
}

}  // namespace

const std::error_category& category() noexcept {
  static const detail::EnumCategory<errc> instance{"portmqtt", describe};
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

int system_errno(const std::error_code& error) noexcept {
  return transport::errno_of(error);
}

std::string_view to_string(ReasonCode code) noexcept {
  return codec::to_string(static_cast<codec::ReasonCode>(code));
}

std::string Error::message() const {
  std::string text = error.message();
  if (!where.empty()) text += " (" + where + ")";
  if (kind == ErrorKind::connection_refused) {
    char code[8];
    std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned>(connect_reason));
    text += ": ";
    text += to_string(connect_reason);
    text += " (";
    text += code;
    text += ")";
  }
  if (!cause.empty()) text += ": " + cause;
  return text;
}

}  // namespace portmqtt
