// Connection flows: CONNECT out, CONNACK in, DISCONNECT in both directions, and what
// a new or lost transport does to the session's state.
#include <algorithm>
#include <limits>

#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {

using codec::PropertyId;

codec::Connect connect_packet(const Config& config, const std::string& client_id,
                              const codec::Properties& props, const codec::Properties& will_props) {
  codec::Connect connect;
  connect.version = config.version;
  connect.client_id = client_id;
  connect.clean_start = config.clean_start;
  connect.keep_alive = config.keep_alive_s;
  if (config.will) {
    connect.will = codec::Will{config.will->topic, config.will->payload, config.will->qos,
                               config.will->retain, will_props};
  }
  if (config.username) connect.username = *config.username;
  if (config.password) connect.password = *config.password;
  connect.props = props;
  return connect;
}

std::uint32_t number_or(const codec::Properties& props, PropertyId id, std::uint32_t fallback) {
  return props.number(id).value_or(fallback);
}

bool flag_or_true(const codec::Properties& props, PropertyId id) {
  return number_or(props, id, 1) != 0;
}

template <class T>
T narrow(std::uint32_t value) {
  return static_cast<T>(std::min<std::uint32_t>(value, std::numeric_limits<T>::max()));
}

/// What CONNACK says the broker allows, with the MQTT 5 defaults where it says nothing (and
/// always for 3.x).
ServerCapabilities capabilities_from(const codec::Properties& props, const Config& config,
                                     bool v5) {
  ServerCapabilities caps;
  caps.keep_alive = config.keep_alive_s;
  caps.session_expiry_interval =
      number_or(config.connect_props.view(), PropertyId::session_expiry_interval, 0);
  if (!v5) return caps;
  caps.receive_maximum =
      narrow<std::uint16_t>(number_or(props, PropertyId::receive_maximum, 65535));
  caps.maximum_qos = static_cast<codec::QoS>(
      std::min<std::uint32_t>(number_or(props, PropertyId::maximum_qos, 2), 2));
  caps.retain_available = flag_or_true(props, PropertyId::retain_available);
  caps.maximum_packet_size =
      number_or(props, PropertyId::maximum_packet_size, codec::kMaxPacketSize);
  caps.topic_alias_maximum =
      narrow<std::uint16_t>(number_or(props, PropertyId::topic_alias_maximum, 0));
  caps.wildcard_subscription_available =
      flag_or_true(props, PropertyId::wildcard_subscription_available);
  caps.subscription_identifiers_available =
      flag_or_true(props, PropertyId::subscription_identifier_available);
  caps.shared_subscription_available =
      flag_or_true(props, PropertyId::shared_subscription_available);
  caps.keep_alive =
      narrow<std::uint16_t>(number_or(props, PropertyId::server_keep_alive, caps.keep_alive));
  caps.session_expiry_interval =
      number_or(props, PropertyId::session_expiry_interval, caps.session_expiry_interval);
  return caps;
}

}  // namespace

void Session::Impl::connection_opened(TimePoint now) {
  begin_input(now);
  if (state != State::disconnected) connection_lost(now);  // the runtime skipped it
  if (next_config) {
    const std::unique_ptr<NextConfig> next = std::move(next_config);
    apply_config(std::move(next->config), std::move(next->client_id));
  }
  const codec::Properties connect_props = config->connect_props.view();
  move_to(begin_authentication(connect_props));
  output.clear();
  // Receive Maximum and Topic Alias Maximum are MQTT 5 properties: a 3.x broker never learns
  // them, so enforcing them there would only break connections. The packet size limit bounds
  // our memory, so it holds in every version; MQTT 5 announces it.
  limits.maximum_packet_size = config->maximum_incoming_packet_size != 0
                                   ? config->maximum_incoming_packet_size
                                   : codec::kMaxPacketSize;
  receive_maximum = 65535;
  std::uint16_t alias_maximum = 0;
  if (is_v5()) {
    limits.maximum_packet_size =
        number_or(connect_props, PropertyId::maximum_packet_size, limits.maximum_packet_size);
    receive_maximum =
        narrow<std::uint16_t>(number_or(connect_props, PropertyId::receive_maximum, 65535));
    alias_maximum =
        narrow<std::uint16_t>(number_or(connect_props, PropertyId::topic_alias_maximum, 0));
  }
  aliases_in.reset(alias_maximum);
  aliases_out.reset(0);
  keepalive.start(now, 0, config->ping_interval_percent, config->ping_timeout);
  connack_deadline.reset();
  if (config->connect_timeout > Duration{0}) connack_deadline = now + config->connect_timeout;

  std::error_code error;
  if (config->will) error = codec::check_topic_name(config->will->topic);
  codec::Properties props = connect_props;
  if (!error && config->authenticator && auth_state) {
    if (auto failure = config->authenticator->start(false, auth_state->data)) {
      // Nothing went out yet: no DISCONNECT before a CONNECT.
      fail(make_error_code(errc::authentication_failed), failure, std::nullopt, now);
      return;
    }
    props = auth_properties(connect_props);
  }
  if (!error) {
    codec::Properties will_props;
    if (config->will) will_props = config->will->props.view();
    error = send(connect_packet(*config, client_id, props, will_props), now);
  }
  if (error) fail(error, {}, std::nullopt, now);
}

void Session::Impl::connection_lost(TimePoint now) {
  begin_input(now);
  if (state == State::disconnected) return;
  move_to(ConnectionInput::transport_lost);
  output.clear();
  keepalive.stop();
  connack_deadline.reset();
  retransmit_due.reset();
  outbox.for_each([](OutboxEntry& entry) { entry.sent = false; });
  outbox.set_unsent_hint(0);
  quota.reset(quota.limit());
  // Acks for abandoned ids cannot come on a new connection.
  abandoned.for_each([&](std::uint16_t id) { ids.release(id); });
  abandoned.clear();
  drop_requests();
  aliases_out.reset(0);
  held_acks.clear();  // the broker resends them; their ack ids are stale from now on
  release_spare_memory();
}

void Session::Impl::on_connack(codec::Connack& connack, TimePoint now) {
  if (!awaits_connack(state)) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "a second CONNACK on one connection (§3.2)");
    return;
  }
  connack_deadline.reset();
  if (codec::is_failure(connack.reason)) {
    events.emplace_back(ConnectRefused{connack.reason, connack.props});
    events.emplace_back(CloseConnection{make_error_code(errc::connection_refused)});
    move_to(ConnectionInput::connack_refused);
    return;
  }
  // §3.2.2.1.1: a session we asked to discard cannot be present.
  if (connack.session_present && config->clean_start) {
    violation(errc::protocol_error, codec::ReasonCode::protocol_error, now,
              "Session Present set in answer to a clean start (§3.2.2.1.1)");
    return;
  }
  if (!finish_authentication(connack, now)) return;
  server = capabilities_from(connack.props, *config, is_v5());
  std::string_view assigned;
  if (auto id = connack.props.text(PropertyId::assigned_client_identifier); id && is_v5()) {
    client_id.assign(*id);
    assigned = client_id;
  }
  move_to(ConnectionInput::connack_accepted);
  aliases_out.reset(server.topic_alias_maximum, config->auto_topic_aliases);
  keepalive.start(now, server.keep_alive, config->ping_interval_percent, config->ping_timeout);
  events.emplace_back(Connected{connack.session_present, server, assigned, connack.props});
  if (!connack.session_present && inbound_qos2.size() != 0) {
    inbound_qos2.clear();
    if (Store* store = outbox.store()) {
      if (auto error = store->clear_inbound()) events.emplace_back(ErrorOccurred{error, {}});
    }
  }
  resume_outbox(connack.session_present, now);
}

void Session::Impl::on_disconnect(codec::Disconnect& disconnect) {
  events.emplace_back(ServerDisconnected{disconnect.reason, disconnect.props});
  events.emplace_back(CloseConnection{make_error_code(errc::server_disconnected)});
  move_to(ConnectionInput::server_disconnect);
  connack_deadline.reset();
  keepalive.stop();
}

std::error_code Session::Impl::disconnect(codec::ReasonCode reason, const codec::Properties& props,
                                          TimePoint now) {
  begin_input(now);
  if (state == State::disconnected) return make_error_code(errc::not_connected);
  if (state == State::closing) return {};
  if (!is_v5() && (reason != codec::ReasonCode::normal_disconnection || !props.empty())) {
    return make_error_code(errc::not_supported_by_version);
  }
  // Before CONNACK there is no session to say goodbye to: the transport just closes.
  if (is_live(state)) {
    if (auto error = send_limited(codec::Disconnect{reason, props}, now)) return error;
  }
  events.emplace_back(CloseConnection{});
  move_to(ConnectionInput::disconnect_request);
  connack_deadline.reset();
  keepalive.stop();
  return {};
}

}  // namespace portmqtt::session
