// Translations between the public vocabulary (include/portmqtt) and the core's (codec,
// session, transport). The enums share their numeric values (vocabulary_checks.cpp proves it
// at compile time), so most of this is casts; the error mapping is the one place that decides
// which public errc a core error becomes.
#pragma once

#include <system_error>

#include "codec/properties.hpp"
#include "codec/reason_codes.hpp"
#include "codec/types.hpp"
#include "portmqtt/event.hpp"
#include "portmqtt/message.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"
#include "session/events.hpp"
#include "transport/transport.hpp"

namespace portmqtt::detail {

inline codec::QoS to_codec(QoS qos) {
  return static_cast<codec::QoS>(qos);
}
inline QoS from_codec(codec::QoS qos) {
  return static_cast<QoS>(qos);
}
inline codec::ReasonCode to_codec(ReasonCode code) {
  return static_cast<codec::ReasonCode>(code);
}
inline ReasonCode from_codec(codec::ReasonCode code) {
  return static_cast<ReasonCode>(code);
}
inline codec::ProtocolVersion to_codec(ProtocolVersion v) {
  return static_cast<codec::ProtocolVersion>(v);
}

/// A borrowed codec view of `props`, valid while `props` is unchanged.
codec::Properties to_codec_view(const Properties& props);
codec::OwnedProperties to_codec_owned(const Properties& props);
/// Replaces `out` with a copy of `props`.
void copy_from_codec(const codec::Properties& props, Properties& out);

ServerCapabilities from_session(const session::ServerCapabilities& server);

/// Maps session, codec and transport errors onto portmqtt::errc; system errors pass through.
std::error_code to_public_error(std::error_code error);

/// The transport's TLS setup step as the public TlsSetupFailure.
TlsSetupFailure from_transport(transport::TlsSetupStep step);

/// Which ErrorKind a failure that ends a connection belongs to.
ErrorKind error_kind_of(std::error_code public_error);

}  // namespace portmqtt::detail
