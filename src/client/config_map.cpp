#include "client/config_map.hpp"

#include <algorithm>

#include "client/auth_port.hpp"
#include "client/convert.hpp"
#include "portmqtt/error.hpp"
#include "transport/uri.hpp"

namespace portmqtt::detail {
namespace {

transport::Scheme scheme_of(TransportKind kind) {
  switch (kind) {
    case TransportKind::tcp:
      return transport::Scheme::mqtt;
    case TransportKind::tls:
      return transport::Scheme::mqtts;
    case TransportKind::websocket:
      return transport::Scheme::ws;
    case TransportKind::websocket_secure:
      return transport::Scheme::wss;
    case TransportKind::unix_socket:
      return transport::Scheme::unix_socket;
  }
  return transport::Scheme::mqtt;
}

std::optional<session::WillConfig> to_will(const std::optional<Message>& will) {
  if (!will) return std::nullopt;
  return session::WillConfig{will->topic, will->payload, to_codec(will->qos), will->retain,
                             to_codec_owned(will->properties)};
}

codec::OwnedProperties connect_properties(const Config& config) {
  Properties props = config.session.connect_properties;
  if (config.request_response.request_response_information &&
      !props.find(PropertyId::request_response_information))
    props.add(PropertyId::request_response_information, 1);
  if (config.buffer.max_packet_size != 0 && !props.find(PropertyId::maximum_packet_size))
    props.add(PropertyId::maximum_packet_size, config.buffer.max_packet_size);
  return to_codec_owned(props);
}

}  // namespace

std::error_code resolve_target(const Config& config, Target& out) {
  Target target;
  target.username = config.credentials.username;
  target.password = config.credentials.password;
  const BrokerConfig& broker = config.broker;
  if (!broker.uri.empty()) {
    transport::Uri uri;
    if (auto ec = transport::parse_uri(broker.uri, uri)) return to_public_error(ec);
    target.endpoint.scheme = uri.scheme;
    target.endpoint.host = uri.host;
    target.endpoint.port = uri.port ? *uri.port : broker.port;
    target.endpoint.path = uri.path;
    if (uri.username) target.username = uri.username;
    if (uri.password) target.password = uri.password;
  } else if (broker.transport == TransportKind::unix_socket) {
    if (broker.path.empty()) return errc::invalid_uri;
    target.endpoint = {transport::Scheme::unix_socket, "", 0, broker.path};
  } else {
    if (broker.host.empty()) return errc::invalid_uri;
    target.endpoint = {scheme_of(broker.transport), broker.host, broker.port, broker.path};
  }
  if (target.endpoint.port == 0 && target.endpoint.scheme != transport::Scheme::unix_socket)
    target.endpoint.port = transport::default_port(target.endpoint.scheme);
  out = std::move(target);
  return {};
}

session::Config to_session_config(const Config& config, const Target& target) {
  session::Config s;
  s.version = to_codec(config.session.protocol_version);
  s.client_id = config.credentials.client_id;
  s.clean_start = config.session.clean_session;
  s.keep_alive_s = static_cast<std::uint16_t>(
      std::clamp<std::int64_t>(config.session.keep_alive.count(), 0, 65535));
  s.will = to_will(config.session.last_will);
  s.username = target.username;
  s.password = target.password;
  if (config.session.protocol_version == ProtocolVersion::v5)
    s.connect_props = connect_properties(config);
  s.maximum_incoming_packet_size = config.buffer.max_packet_size;
  s.connect_timeout = config.network.timeout;
  s.retransmit_interval = config.session.retransmit_interval;
  s.max_inflight = config.session.max_inflight;
  s.auto_topic_aliases = config.session.auto_topic_aliases;
  if (config.session.protocol_version == ProtocolVersion::v5)
    s.authenticator = auth_port(config.credentials.authenticator);
  s.manual_ack = config.inbound.manual_ack;
  if (s.max_inflight == 0)
    s.max_inflight = config.session.protocol_version == ProtocolVersion::v5 ? 65535 : 20;
  s.outbox_expiry = config.outbox.expiry;
  s.packet_id_on_accept = config.outbox.packet_id_on_accept;
  s.outbox_limit_bytes = config.outbox.limit_bytes;
  s.outbox_limit_messages = config.outbox.limit_messages;
  s.lost_session_policy = config.outbox.resend_after_lost_session
                              ? session::LostSessionPolicy::resend_as_new
                              : session::LostSessionPolicy::discard;
  return s;
}

transport::Options to_transport_options(const Config& config, transport::Scheme scheme) {
  const NetworkConfig& net = config.network;
  transport::Options options{
      .connect_timeout = net.timeout,
      .keep_alive = {net.tcp_keep_alive.enabled, net.tcp_keep_alive.idle,
                     net.tcp_keep_alive.interval, net.tcp_keep_alive.count},
      .user_timeout = net.tcp_user_timeout,
      .interface_name = net.interface_name,
      .bind_address = net.bind_address,
      .no_delay = true,
      .tls = {},
      .ws_headers = {},
      .proxy_uri = config.network.proxy,
  };
  const bool tls = scheme == transport::Scheme::mqtts || scheme == transport::Scheme::wss;
  const bool ws = scheme == transport::Scheme::ws || scheme == transport::Scheme::wss;
  if (tls) options.tls = config.tls;
  if (ws) options.ws_headers = config.websocket.headers;
  return options;
}

}  // namespace portmqtt::detail
