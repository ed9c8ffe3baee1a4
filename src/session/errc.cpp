#include "session/errc.hpp"

#include <string>

#include "common/error_category.hpp"

namespace portmqtt::session {
namespace {

std::string describe(errc e) {
  switch (e) {
    case errc::not_connected:
      return "not connected";
    case errc::outbox_full:
      return "outbox full";
    case errc::invalid_topic:
      return "invalid topic name or filter";
    case errc::invalid_qos:
      return "QoS not allowed";
    case errc::retain_not_available:
      return "retain not available on this broker";
    case errc::packet_too_large:
      return "packet too large";
    case errc::topic_alias_invalid:
      return "topic alias invalid";
    case errc::feature_not_available:
      return "feature not available on this broker";
    case errc::not_supported_by_version:
      return "not supported by this MQTT version";
    case errc::invalid_argument:
      return "invalid argument";
    case errc::protocol_error:
      return "protocol error by the broker";
    case errc::malformed_packet:
      return "malformed packet from the broker";
    case errc::unknown_packet_id:
      return "acknowledgement for an unknown packet identifier";
    case errc::receive_maximum_exceeded:
      return "broker exceeded our Receive Maximum";
    case errc::unknown_topic_alias:
      return "broker used an invalid topic alias";
    case errc::keepalive_timeout:
      return "no PINGRESP within the ping timeout";
    case errc::connack_timeout:
      return "no CONNACK within the connect timeout";
    case errc::connection_refused:
      return "connection refused by the broker";
    case errc::server_disconnected:
      return "broker sent DISCONNECT";
    case errc::no_free_packet_id:
      return "all 65535 packet ids are in use";
    case errc::authentication_failed:
      return "enhanced authentication failed";
    case errc::invalid_auth_state:
      return "AUTH does not fit the authentication state";
    case errc::stale_ack:
      return "no received message waits for this acknowledgement (acknowledged already, or "
             "received on an earlier connection: the broker sends it again)";
  }
  return "unknown session error";
}

}  // namespace

const std::error_category& session_category() noexcept {
  static const detail::EnumCategory<errc> category{"portmqtt.session", describe};
  return category;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), session_category()};
}

}  // namespace portmqtt::session
