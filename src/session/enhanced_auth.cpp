// MQTT 5 enhanced authentication (§4.12): the Authentication Method in CONNECT, the AUTH 0x18
// steps before CONNACK, the final check on CONNACK, and re-authentication (AUTH 0x19) while
// connected. Which AUTH is legal when is the transition table's business
// (connection_state.cpp); this file checks the packets and runs the authenticator.
#include "session/session_impl.hpp"

namespace portmqtt::session {

namespace {

using codec::PropertyId;
using codec::ReasonCode;

// The broker failed the authenticator's check: we close, telling it as little as a server would
// (§4.13: Unspecified error when no other reason code fits).
constexpr ReasonCode kAuthFailureReason = ReasonCode::unspecified_error;

std::string_view data_of(const codec::Properties& props) {
  return props.text(PropertyId::authentication_data).value_or(std::string_view{});
}

}  // namespace

ConnectionInput Session::Impl::begin_authentication(const codec::Properties& connect_props) {
  auth_state.reset();
  if (!is_v5()) return ConnectionInput::transport_opened;
  std::string_view method;
  if (config->authenticator) {
    method = config->authenticator->name();
  } else if (auto named = connect_props.text(PropertyId::authentication_method)) {
    method = *named;  // the caller runs the exchange with Session::auth()
  }
  if (method.empty()) return ConnectionInput::transport_opened;
  auth_state = std::make_unique<AuthExchange>(AuthExchange{std::string{method}, {}});
  return ConnectionInput::transport_opened_with_auth;
}

codec::Properties Session::Impl::auth_properties(const codec::Properties& base) const {
  codec::Properties props;
  for (const codec::Property& p : base) {
    if (p.id != PropertyId::authentication_method && p.id != PropertyId::authentication_data)
      props.push_back(p);
  }
  props.add(PropertyId::authentication_method,
            auth_state ? std::string_view{auth_state->method} : std::string_view{});
  if (auth_state && !auth_state->data.empty())
    props.add(PropertyId::authentication_data, auth_state->data);
  return props;
}

bool Session::Impl::check_auth_method(const codec::Properties& props, bool required,
                                      TimePoint now) {
  auto method = props.text(PropertyId::authentication_method);
  if (!auth_state && method) {
    violation(errc::protocol_error, ReasonCode::protocol_error, now,
              "an Authentication Method from the broker although CONNECT named none "
              "[MQTT-4.12.0-6]");
    return false;
  }
  if (!auth_state || (!method && !required) || (method && *method == auth_state->method))
    return true;
  violation(errc::protocol_error, ReasonCode::protocol_error, now,
            "the broker's Authentication Method differs from CONNECT's [MQTT-4.12.0-5]");
  return false;
}

void Session::Impl::authentication_failed(std::error_code cause, TimePoint now) {
  fail(make_error_code(errc::authentication_failed), cause, kAuthFailureReason, now);
}

void Session::Impl::on_auth(codec::Auth& auth, TimePoint now) {
  ConnectionInput input{};
  if (auth.reason == ReasonCode::continue_authentication) {
    input = ConnectionInput::auth_continue;
  } else if (auth.reason == ReasonCode::success) {
    input = ConnectionInput::auth_success;
  } else {
    violation(errc::protocol_error, ReasonCode::protocol_error, now,
              "AUTH with a reason code a broker may not send (Re-authenticate is the "
              "client's; §3.15.2.1)");
    return;
  }
  if (!auth_state) {
    violation(errc::protocol_error, ReasonCode::protocol_error, now,
              "AUTH from the broker although CONNECT named no Authentication Method "
              "[MQTT-4.12.0-6]");
    return;
  }
  if (!next_state(state, input)) {
    violation(errc::protocol_error, ReasonCode::protocol_error, now,
              input == ConnectionInput::auth_success
                  ? "AUTH Success outside a re-authentication (CONNACK ends the first one; "
                    "§4.12)"
                  : "AUTH Continue authentication outside an authentication exchange (§4.12)");
    return;
  }
  if (!check_auth_method(auth.props, true, now)) return;
  const std::string_view server_data = data_of(auth.props);
  if (!config->authenticator) {  // the caller answers
    events.emplace_back(AuthReceived{auth.reason, auth.props});
    move_to(input);
    return;
  }
  if (input == ConnectionInput::auth_success) {
    if (auto error = config->authenticator->finish(server_data)) {
      authentication_failed(error, now);
      return;
    }
    move_to(input);
    return;
  }
  move_to(input);
  std::error_code error = config->authenticator->next(server_data, auth_state->data);
  if (!error) {
    error = send(codec::Auth{ReasonCode::continue_authentication, auth_properties({})}, now);
  }
  if (error) authentication_failed(error, now);
}

bool Session::Impl::finish_authentication(const codec::Connack& connack, TimePoint now) {
  if (!check_auth_method(connack.props, false, now)) return false;
  if (!config->authenticator || !auth_state) return true;
  if (auto error = config->authenticator->finish(data_of(connack.props))) {
    authentication_failed(error, now);
    return false;
  }
  return true;
}

void Session::Impl::left_auth_state(State from, ConnectionInput input, std::error_code why) {
  const bool succeeded =
      input == ConnectionInput::connack_accepted || input == ConnectionInput::auth_success;
  if (!succeeded && config->authenticator) config->authenticator->abort();
  if (from != State::reauthenticating) return;
  if (!succeeded && !why) {
    why = make_error_code(input == ConnectionInput::server_disconnect ? errc::server_disconnected
                                                                      : errc::not_connected);
  }
  events.emplace_back(ReauthenticationEnded{why});
}

std::error_code Session::Impl::reauthenticate(TimePoint now) {
  begin_input(now);
  if (!is_v5()) return make_error_code(errc::not_supported_by_version);
  if (!is_live(state)) return make_error_code(errc::not_connected);
  if (!config->authenticator || !auth_state || !next_state(state, ConnectionInput::reauth_request))
    return make_error_code(errc::invalid_auth_state);
  std::error_code error = config->authenticator->start(true, auth_state->data);
  if (!error) {
    error = send_limited(codec::Auth{ReasonCode::re_authenticate, auth_properties({})}, now);
  }
  if (error) {
    config->authenticator->abort();
    return error;
  }
  move_to(ConnectionInput::reauth_request);
  return {};
}

std::error_code Session::Impl::auth(ReasonCode reason, const codec::Properties& props,
                                    TimePoint now) {
  begin_input(now);
  if (!is_v5()) return make_error_code(errc::not_supported_by_version);
  if (!awaits_connack(state) && !is_live(state)) return make_error_code(errc::not_connected);
  // [MQTT-4.12.0-7]; and with an authenticator, the session answers by itself.
  if (!auth_state || config->authenticator) return make_error_code(errc::invalid_auth_state);
  ConnectionInput input{};
  if (reason == ReasonCode::re_authenticate) {
    input = ConnectionInput::reauth_request;
  } else if (reason == ReasonCode::continue_authentication) {
    input = ConnectionInput::auth_continue;  // our answer keeps the exchange where it is
  } else {
    return make_error_code(errc::invalid_argument);
  }
  if (!next_state(state, input)) return make_error_code(errc::invalid_auth_state);
  if (auto error = send_limited(codec::Auth{reason, props}, now)) return error;
  move_to(input);
  return {};
}

}  // namespace portmqtt::session
