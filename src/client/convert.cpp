#include "client/convert.hpp"

#include "client/uri.hpp"
#include "codec/errc.hpp"
#include "portmqtt/error.hpp"
#include "session/errc.hpp"
#include "store/errc.hpp"
#include "transport/errc.hpp"
#include "transport/tls_errc.hpp"

namespace portmqtt::detail {

codec::Properties to_codec_view(const Properties& props) {
  codec::Properties out;
  for (const Properties::Item& item : props)
    out.push_back({static_cast<codec::PropertyId>(item.id), item.number, item.text, item.value});
  return out;
}

codec::OwnedProperties to_codec_owned(const Properties& props) {
  return codec::OwnedProperties{to_codec_view(props)};
}

void copy_from_codec(const codec::Properties& props, Properties& out) {
  out.clear();
  for (const codec::Property& p : props) {
    auto id = static_cast<PropertyId>(p.id);
    if (id == PropertyId::user_property) {
      out.add_user_property(p.text, p.value);
    } else if (codec::property_type(p.id) == codec::PropertyType::utf8_string ||
               codec::property_type(p.id) == codec::PropertyType::binary_data) {
      out.add(id, p.text);
    } else {
      out.add(id, p.number);
    }
  }
}

ServerCapabilities from_session(const session::ServerCapabilities& s) {
  // The binding names every field of the core's struct, in order: one added there without
  // the public struct fails to compile here (vocabulary_checks.cpp holds the other side).
  const auto& [receive_maximum, maximum_qos, retain_available, maximum_packet_size,
               topic_alias_maximum, wildcard_subscription_available,
               subscription_identifiers_available, shared_subscription_available, keep_alive,
               session_expiry_interval] = s;
  return {
      .receive_maximum = receive_maximum,
      .maximum_qos = from_codec(maximum_qos),
      .retain_available = retain_available,
      .maximum_packet_size = maximum_packet_size,
      .topic_alias_maximum = topic_alias_maximum,
      .wildcard_subscription_available = wildcard_subscription_available,
      .subscription_identifiers_available = subscription_identifiers_available,
      .shared_subscription_available = shared_subscription_available,
      .keep_alive = keep_alive,
      .session_expiry_interval = session_expiry_interval,
  };
}

namespace {

errc from_session_errc(session::errc e) {
  using S = session::errc;
  switch (e) {
    case S::not_connected:
      return errc::not_connected;
    case S::outbox_full:
      return errc::outbox_full;
    case S::invalid_topic:
      return errc::invalid_topic;
    case S::invalid_qos:
      return errc::invalid_qos;
    case S::retain_not_available:
      return errc::retain_not_available;
    case S::packet_too_large:
      return errc::packet_too_large;
    case S::topic_alias_invalid:
      return errc::topic_alias_invalid;
    case S::feature_not_available:
      return errc::feature_not_available;
    case S::not_supported_by_version:
      return errc::not_supported_by_version;
    case S::invalid_argument:
      return errc::invalid_argument;
    case S::protocol_error:
      return errc::protocol_error;
    case S::malformed_packet:
      return errc::malformed_packet;
    case S::unknown_packet_id:
      return errc::unknown_packet_id;
    case S::receive_maximum_exceeded:
      return errc::receive_maximum_exceeded;
    case S::unknown_topic_alias:
      return errc::unknown_topic_alias;
    case S::keepalive_timeout:
      return errc::keepalive_timeout;
    case S::connack_timeout:
      return errc::connack_timeout;
    case S::connection_refused:
      return errc::connection_refused;
    case S::server_disconnected:
      return errc::server_disconnected;
    case S::no_free_packet_id:
      return errc::outbox_full;
    case S::authentication_failed:
      return errc::authentication_failed;
    case S::invalid_auth_state:
      return errc::invalid_state;
    case S::stale_ack:
      return errc::ack_handle_stale;
  }
  return errc::protocol_error;
}

errc from_codec_errc(codec::errc e) {
  using C = codec::errc;
  switch (e) {
    case C::invalid_utf8:
    case C::null_character:
    case C::wildcard_in_topic:
    case C::invalid_topic:
      return errc::invalid_topic;
    case C::packet_too_large:
      return errc::packet_too_large;
    case C::invalid_qos:
      return errc::invalid_qos;
    case C::string_too_long:
    case C::value_out_of_range:
    case C::property_not_allowed:
    case C::duplicate_property:
    case C::invalid_property_value:
    case C::invalid_property_id:
    case C::empty_subscription_list:
    case C::invalid_subscription_options:
      return errc::invalid_argument;
    default:
      return errc::malformed_packet;
  }
}

errc from_transport_errc(transport::errc e) {
  using T = transport::errc;
  switch (e) {
    case T::invalid_uri:
    case T::bad_percent_encoding:
    case T::missing_host:
    case T::invalid_port:
    case T::unsupported_scheme:
      return from_uri_errc(e);
    case T::not_implemented:
      return errc::unsupported_transport;
    case T::host_not_found:
      return errc::host_not_found;
    case T::connect_timeout:
      return errc::connect_timeout;
    case T::end_of_stream:
      return errc::connection_closed;
  }
  return errc::connection_closed;
}

errc from_tls_errc(transport::tls_errc e) {
  using T = transport::tls_errc;
  switch (e) {
    case T::invalid_configuration:
      return errc::tls_configuration_invalid;
    case T::handshake_failed:
      return errc::tls_handshake_failed;
    case T::certificate_invalid:
      return errc::certificate_invalid;
    case T::hostname_mismatch:
      return errc::hostname_mismatch;
    case T::connection_failed:
      return errc::tls_connection_failed;
    case T::websocket_upgrade_failed:
      return errc::websocket_upgrade_failed;
    case T::websocket_error:
      return errc::websocket_error;
  }
  return errc::tls_connection_failed;
}

errc from_store_errc(store::errc e) {
  using S = store::errc;
  switch (e) {
    case S::corrupt:
      return errc::store_corrupt;
    case S::foreign:
      return errc::store_foreign;
    case S::newer_version:
      return errc::store_version_unsupported;
    case S::locked:
      return errc::store_locked;
    case S::full:
      return errc::store_full;
    case S::cannot_open:
      return errc::store_cannot_open;
    case S::io_error:
      return errc::store_failed;
  }
  return errc::store_failed;
}

}  // namespace

std::error_code to_public_error(std::error_code error) {
  if (!error) return error;
  const std::error_category& cat = error.category();
  if (cat == session::session_category())
    return from_session_errc(static_cast<session::errc>(error.value()));
  if (cat == codec::codec_category())
    return from_codec_errc(static_cast<codec::errc>(error.value()));
  if (cat == transport::transport_category())
    return from_transport_errc(static_cast<transport::errc>(error.value()));
  if (cat == transport::tls_category())
    return from_tls_errc(static_cast<transport::tls_errc>(error.value()));
  if (cat == store::store_category())
    return from_store_errc(static_cast<store::errc>(error.value()));
  return error;
}

ErrorKind error_kind_of(std::error_code error) {
  if (error.category() != category()) return ErrorKind::transport;
  switch (static_cast<errc>(error.value())) {
    case errc::connection_refused:
      return ErrorKind::connection_refused;
    case errc::host_not_found:
    case errc::connect_timeout:
    case errc::connection_closed:
      return ErrorKind::transport;
    case errc::tls_configuration_invalid:
    case errc::tls_handshake_failed:
    case errc::certificate_invalid:
    case errc::hostname_mismatch:
    case errc::tls_connection_failed:
    case errc::websocket_upgrade_failed:
    case errc::websocket_error:
    case errc::not_supported_on_platform:
      return ErrorKind::tls;
    case errc::store_corrupt:
    case errc::store_foreign:
    case errc::store_version_unsupported:
    case errc::store_locked:
    case errc::store_cannot_open:
    case errc::store_full:
    case errc::store_failed:
      return ErrorKind::store;
    default:
      return ErrorKind::protocol;
  }
}

TlsSetupFailure from_transport(transport::TlsSetupStep step) {
  switch (step) {
    case transport::TlsSetupStep::none:
      return TlsSetupFailure::none;
    case transport::TlsSetupStep::trust:
      return TlsSetupFailure::trust;
    case transport::TlsSetupStep::client_certificate:
      return TlsSetupFailure::client_certificate;
    case transport::TlsSetupStep::client_key:
      return TlsSetupFailure::client_key;
    case transport::TlsSetupStep::key_mismatch:
      return TlsSetupFailure::key_mismatch;
    case transport::TlsSetupStep::other:
      break;
  }
  return TlsSetupFailure::other;
}

}  // namespace portmqtt::detail
