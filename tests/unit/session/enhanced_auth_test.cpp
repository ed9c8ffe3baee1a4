// MQTT 5 enhanced authentication (§4.12) in the session: the method and data in CONNECT, AUTH
// 0x18 steps answered by the authenticator, the final check on CONNACK, re-authentication while
// connected, and the broker's violations refused with DISCONNECT.
#include <deque>

#include "session/connection_state.hpp"
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PropertyId;
using codec::ProtocolVersion;
using codec::QoS;
using codec::ReasonCode;

/// Answers from a script and records what the broker sent.
class ScriptedMethod final : public AuthMethod {
 public:
  std::string_view name() const override { return "M"; }
  std::error_code start(bool reauthentication, std::string& data) override {
    starts.push_back(reauthentication);
    data = reauthentication ? "r1" : "c1";
    return start_error;
  }
  std::error_code next(std::string_view server_data, std::string& data) override {
    seen.emplace_back(server_data);
    data = "c2";
    return next_error;
  }
  std::error_code finish(std::string_view server_data) override {
    finished.emplace_back(server_data);
    return finish_error;
  }
  void abort() override { ++aborts; }

  std::vector<bool> starts;
  std::vector<std::string> seen;
  std::vector<std::string> finished;
  int aborts = 0;
  std::error_code start_error, next_error, finish_error;
};

const std::error_code kRefused = std::make_error_code(std::errc::permission_denied);

struct AuthHarness : Harness {
  explicit AuthHarness(std::shared_ptr<ScriptedMethod> m = std::make_shared<ScriptedMethod>())
      : Harness(with(m)), method(std::move(m)) {}
  static Config with(std::shared_ptr<ScriptedMethod> m) {
    Config c = config_for(ProtocolVersion::v5);
    c.authenticator = std::move(m);
    return c;
  }
  std::shared_ptr<ScriptedMethod> method;
};

// AUTH from the broker: reason, Authentication Method "M", Authentication Data `data`.
Bytes auth_in(std::uint8_t reason, std::string_view data) {
  return cat({{0xF0, static_cast<std::uint8_t>(6 + 3 + data.size()),  // AUTH, remaining
               reason,                                                // reason code
               static_cast<std::uint8_t>(4 + 3 + data.size()),        // properties length
               0x15, 0x00, 0x01, 'M',                                 // method "M"
               0x16, 0x00, static_cast<std::uint8_t>(data.size())},   // data, length
              ascii(data)});
}

// CONNACK success with Authentication Method "M" and Data "s2".
const Bytes kConnackWithFinal{0x20, 0x0C,                   // CONNACK, remaining 12
                              0x00, 0x00,                   // no session, success
                              0x09,                         // properties: 9 bytes
                              0x15, 0x00, 0x01, 'M',        // method "M"
                              0x16, 0x00, 0x02, 's', '2'};  // data "s2"

TEST(EnhancedAuth, ConnectNamesTheMethodAndCarriesTheInitialData) {
  AuthHarness h;
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), (Bytes{0x10, 0x17,                             // CONNECT, remaining 23
                               0x00, 0x04, 'M',  'Q', 'T', 'T', 0x05,  // protocol name, level 5
                               0x02, 0x00, 0x3C,                       // clean start, keep-alive 60
                               0x09,                                   // properties: 9 bytes
                               0x15, 0x00, 0x01, 'M',                  // method "M"
                               0x16, 0x00, 0x02, 'c', '1',             // data "c1"
                               0x00, 0x01, 'c'}));                     // client id "c"
  EXPECT_EQ(h.session.state(), State::authenticating);
  EXPECT_EQ(h.method->starts, std::vector<bool>{false});
}

TEST(EnhancedAuth, ChallengesAreAnsweredAndTheFinalMessageChecked) {
  AuthHarness h;
  h.session.connection_opened(h.now());
  h.output();
  h.feed(auth_in(0x18, "s1"));
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.output(), (Bytes{0xF0, 0x0B,                     // AUTH, remaining 11
                               0x18,                           // continue authentication
                               0x09,                           // properties: 9 bytes
                               0x15, 0x00, 0x01, 'M',          // method "M"
                               0x16, 0x00, 0x02, 'c', '2'}));  // data "c2"
  EXPECT_EQ(h.method->seen, std::vector<std::string>{"s1"});
  EXPECT_EQ(h.session.state(), State::authenticating);
  h.feed(kConnackWithFinal);
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  take<Connected>(events);
  EXPECT_EQ(h.method->finished, std::vector<std::string>{"s2"});
  EXPECT_EQ(h.method->aborts, 0);
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(EnhancedAuth, ABrokerThatFailsTheFinalCheckIsRefused) {
  AuthHarness h;
  h.method->finish_error = kRefused;
  h.session.connection_opened(h.now());
  h.output();
  h.feed(kConnackWithFinal);
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);  // no Connected
  auto error = take<ErrorOccurred>(events, 0);
  EXPECT_EQ(error.error, errc::authentication_failed);
  EXPECT_EQ(error.cause, kRefused);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::authentication_failed);
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x80}));  // DISCONNECT: unspecified error
  EXPECT_EQ(h.session.state(), State::closing);
  EXPECT_EQ(h.method->aborts, 1);
  // Nothing queued goes to that broker.
  EXPECT_EQ(h.publish("t", "x", QoS::at_most_once).error, errc::not_connected);
}

TEST(EnhancedAuth, AnAuthenticatorThatCannotAnswerEndsTheAttempt) {
  AuthHarness h;
  h.method->next_error = kRefused;
  h.session.connection_opened(h.now());
  h.output();
  h.feed(auth_in(0x18, "bad"));
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).cause, kRefused);
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x80}));  // DISCONNECT: unspecified error
  EXPECT_EQ(h.method->aborts, 1);
}

TEST(EnhancedAuth, AFailedStartSendsNothing) {
  AuthHarness h;
  h.method->start_error = kRefused;
  h.session.connection_opened(h.now());
  EXPECT_EQ(h.output(), Bytes{});
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).error, errc::authentication_failed);
}

void expect_protocol_error(Harness& h, std::string_view rule_part) {
  auto events = h.events();
  ASSERT_EQ(events.size(), 2u);
  auto error = take<ErrorOccurred>(events, 0);
  EXPECT_EQ(error.error, errc::protocol_error);
  EXPECT_NE(error.rule.find(rule_part), std::string_view::npos) << error.rule;
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x82}));  // DISCONNECT: protocol error
  EXPECT_EQ(h.session.state(), State::closing);
}

TEST(EnhancedAuth, AuthWithoutAMethodInConnectIsAProtocolError) {
  Harness h(config_for(ProtocolVersion::v5));
  h.session.connection_opened(h.now());
  h.output();
  h.feed(auth_in(0x18, "s1"));
  expect_protocol_error(h, "MQTT-4.12.0-6");
}

TEST(EnhancedAuth, AMethodInConnackWithoutOneInConnectIsAProtocolError) {
  Harness h(config_for(ProtocolVersion::v5));
  h.session.connection_opened(h.now());
  h.output();
  h.feed(kConnackWithFinal);
  expect_protocol_error(h, "MQTT-4.12.0-6");
}

TEST(EnhancedAuth, AnotherMethodFromTheBrokerIsAProtocolError) {
  AuthHarness h;
  h.session.connection_opened(h.now());
  h.output();
  h.feed({0xF0, 0x07, 0x18, 0x05, 0x15, 0x00, 0x02, 'M', '2'});  // AUTH 0x18, method "M2"
  expect_protocol_error(h, "MQTT-4.12.0-5");
  EXPECT_EQ(h.method->aborts, 1);
  EXPECT_TRUE(h.method->seen.empty());
}

TEST(EnhancedAuth, AuthSuccessBeforeConnackAndReauthenticateFromTheBrokerAreProtocolErrors) {
  AuthHarness a;
  a.session.connection_opened(a.now());
  a.output();
  a.feed(auth_in(0x00, "s"));
  expect_protocol_error(a, "outside a re-authentication");
  AuthHarness b;
  b.session.connection_opened(b.now());
  b.output();
  b.feed(auth_in(0x19, "s"));
  expect_protocol_error(b, "Re-authenticate is the client's");
}

TEST(EnhancedAuth, ARefusalEndsTheExchange) {
  AuthHarness h;
  h.session.connection_opened(h.now());
  h.output();
  h.feed({0x20, 0x03, 0x00, 0x87, 0x00});  // CONNACK: not authorized
  auto events = h.events();
  EXPECT_EQ(take<ConnectRefused>(events, 0).reason, ReasonCode::not_authorized);
  EXPECT_EQ(h.method->aborts, 1);
}

// Connected through the exchange above, output and events taken.
void connect(AuthHarness& h) {
  h.session.connection_opened(h.now());
  h.output();
  h.feed(kConnackWithFinal);
  h.events();
}

TEST(EnhancedAuth, ReauthenticationRunsBesideOtherTraffic) {
  AuthHarness h;
  connect(h);
  ASSERT_FALSE(h.session.reauthenticate(h.now()));
  EXPECT_EQ(h.output(), (Bytes{0xF0, 0x0B, 0x19, 0x09,         // AUTH re-authenticate, 9 bytes
                               0x15, 0x00, 0x01, 'M',          // method "M"
                               0x16, 0x00, 0x02, 'r', '1'}));  // data "r1"
  EXPECT_EQ(h.session.state(), State::reauthenticating);
  EXPECT_EQ(h.session.reauthenticate(h.now()), errc::invalid_auth_state);  // one at a time
  EXPECT_TRUE(h.publish("t", "x", QoS::at_most_once));  // traffic goes on (§4.12.1)
  EXPECT_EQ(h.output(), (Bytes{0x30, 0x05, 0x00, 0x01, 't', 0x00,
                               'x'}));  // PUBLISH QoS 0 "t", no properties, "x"
  h.feed(auth_in(0x18, "s1"));
  EXPECT_EQ(h.output().at(2), 0x18);
  h.feed(auth_in(0x00, "ok"));
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(take<ReauthenticationEnded>(events).error);
  EXPECT_EQ(h.method->finished, (std::vector<std::string>{"s2", "ok"}));
  EXPECT_EQ(h.method->starts, (std::vector<bool>{false, true}));
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(EnhancedAuth, AReauthenticationTheBrokerRefusesEndsWithTheConnection) {
  AuthHarness h;
  connect(h);
  ASSERT_FALSE(h.session.reauthenticate(h.now()));
  h.output();
  h.feed({0xE0, 0x01, 0x87});  // DISCONNECT: not authorized
  auto events = h.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(take<ServerDisconnected>(events, 0).reason, ReasonCode::not_authorized);
  EXPECT_EQ(take<CloseConnection>(events, 1).reason, errc::server_disconnected);
  EXPECT_EQ(take<ReauthenticationEnded>(events, 2).error, errc::server_disconnected);
  EXPECT_EQ(h.method->aborts, 1);
}

TEST(EnhancedAuth, AReauthenticationWhoseFinalCheckFailsClosesTheConnection) {
  AuthHarness h;
  connect(h);
  ASSERT_FALSE(h.session.reauthenticate(h.now()));
  h.output();
  h.method->finish_error = kRefused;
  h.feed(auth_in(0x00, "forged"));
  auto events = h.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(take<ErrorOccurred>(events, 0).error, errc::authentication_failed);
  EXPECT_EQ(take<ReauthenticationEnded>(events, 2).error, errc::authentication_failed);
  EXPECT_EQ(h.output(), (Bytes{0xE0, 0x01, 0x80}));  // DISCONNECT: unspecified error
}

TEST(EnhancedAuth, AReauthenticationLostWithTheConnectionEnds) {
  AuthHarness h;
  connect(h);
  ASSERT_FALSE(h.session.reauthenticate(h.now()));
  h.session.connection_lost(h.now());
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<ReauthenticationEnded>(events).error, errc::not_connected);
}

TEST(EnhancedAuth, ReauthenticationNeedsAnAuthenticatorAndAConnection) {
  AuthHarness offline;
  EXPECT_EQ(offline.session.reauthenticate(offline.now()), errc::not_connected);
  Harness plain(config_for(ProtocolVersion::v5));
  plain.connect_with(connack_v5());
  EXPECT_EQ(plain.session.reauthenticate(plain.now()), errc::invalid_auth_state);
  // [MQTT-4.12.0-7]: no AUTH at all without a method in CONNECT.
  EXPECT_EQ(plain.session.auth(ReasonCode::re_authenticate, {}, plain.now()),
            errc::invalid_auth_state);
  AuthHarness automatic;
  connect(automatic);
  EXPECT_EQ(automatic.session.auth(ReasonCode::re_authenticate, {}, automatic.now()),
            errc::invalid_auth_state);  // the authenticator runs it: reauthenticate()
}

TEST(EnhancedAuth, WithoutAnAuthenticatorTheCallerRunsTheExchange) {
  Config c = config_for(ProtocolVersion::v5);
  c.connect_props.add(PropertyId::authentication_method, "M");
  Harness h(c);
  h.session.connection_opened(h.now());
  h.output();
  EXPECT_EQ(h.session.state(), State::authenticating);
  h.feed(kConnackWithFinal);  // the method is checked, the data left to the caller
  auto connected = h.events();
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_EQ(take<Connected>(connected).props.text(PropertyId::authentication_data), "s2");
  codec::Properties props;
  props.add(PropertyId::authentication_method, "M");
  ASSERT_FALSE(h.session.auth(ReasonCode::re_authenticate, props, h.now()));
  EXPECT_EQ(h.output(), (Bytes{0xF0, 0x06, 0x19, 0x04,    // AUTH re-authenticate, 4 bytes
                               0x15, 0x00, 0x01, 'M'}));  // method "M"
  EXPECT_EQ(h.session.auth(ReasonCode::success, props, h.now()), errc::invalid_argument);
  h.feed(auth_in(0x18, "s1"));
  auto step = h.events();
  ASSERT_EQ(step.size(), 1u);
  EXPECT_EQ(take<AuthReceived>(step).props.text(PropertyId::authentication_data), "s1");
  ASSERT_FALSE(h.session.auth(ReasonCode::continue_authentication, props, h.now()));
  h.output();
  h.feed(auth_in(0x00, "ok"));
  auto done = h.events();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(take<AuthReceived>(done, 0).reason, ReasonCode::success);
  EXPECT_FALSE(take<ReauthenticationEnded>(done, 1).error);
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(EnhancedAuth, TheTableAllowsAuthOnlyInsideAnExchange) {
  using In = ConnectionInput;
  EXPECT_EQ(next_state(State::connecting, In::auth_continue), std::nullopt);
  EXPECT_EQ(next_state(State::connected, In::auth_continue), std::nullopt);
  EXPECT_EQ(next_state(State::authenticating, In::auth_success), std::nullopt);
  EXPECT_EQ(next_state(State::authenticating, In::auth_continue), State::authenticating);
  EXPECT_EQ(next_state(State::reauthenticating, In::auth_success), State::connected);
  EXPECT_EQ(next_state(State::reauthenticating, In::reauth_request), std::nullopt);
}

}  // namespace
}  // namespace portmqtt::session::test
