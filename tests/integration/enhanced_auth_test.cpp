// MQTT 5 enhanced authentication over a real socket: ScramAuthenticator against a scripted
// broker that runs the server side of SCRAM-SHA-256 (tests/support/scram_server), since no
// broker here implements it. Success, a wrong password, a broker that cannot prove it knows the
// password, and re-authentication while connected.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "portmqtt/client.hpp"
#include "recorder.hpp"
#include "scram_server.hpp"
#include "scripted_broker.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kMethod = "SCRAM-SHA-256";

Config scram_config(const ScriptedBroker& broker, std::string password) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = "scram-client";
  c.credentials.authenticator = std::make_shared<ScramAuthenticator>("user", std::move(password));
  c.session.protocol_version = ProtocolVersion::v5;
  c.network.reconnect.interval = 200ms;
  return c;
}

/// Polls `flag` (set by the broker's thread, which notifies nobody) for up to 10 s.
bool eventually(const std::atomic<bool>& flag) {
  for (int i = 0; i < 1000 && !flag; ++i)
    std::this_thread::sleep_for(10ms);
  return flag;
}

/// What the broker saw, for the test thread to check after the script ran.
struct Seen {
  std::atomic<bool> proof_ok{false};
  std::atomic<bool> disconnect_0x80{false};
  std::atomic<bool> closed{false};
  std::atomic<bool> publish_after{false};
};

/// Reads CONNECT, answers the client-first message; returns the client-final message.
std::optional<std::string> first_round(ScriptedPeer& peer, ScramServer& server, bool reauth) {
  auto packet = peer.read_packet();
  if (!packet) return std::nullopt;
  auto f = auth_fields(*packet);
  const std::uint8_t want_type = reauth ? 15 : 1;
  if (!f || f->type != want_type || f->method != kMethod || !f->data) return std::nullopt;
  if (reauth && f->reason != 0x19) return std::nullopt;
  auto server_first = server.first(*f->data);
  if (!server_first || !peer.write(auth_packet(0x18, kMethod, *server_first))) return std::nullopt;
  auto answer = peer.read_packet();
  if (!answer) return std::nullopt;
  auto a = auth_fields(*answer);
  if (!a || a->type != 15 || a->reason != 0x18 || a->method != kMethod || !a->data)
    return std::nullopt;
  return a->data;
}

/// The broker's side of a whole SCRAM connect; `forge` answers without knowing the password.
void scram_connect(ScriptedPeer& peer, ScramServer& server, Seen& seen, bool forge = false) {
  auto client_final = first_round(peer, server, false);
  if (!client_final) return;
  auto server_final = server.final(*client_final);
  seen.proof_ok = server_final.has_value();
  if (forge) {
    peer.write(connack_packet(0x00, kMethod, server.forged_final()));
  } else if (!server_final) {
    peer.write(connack_packet(0x87, kMethod, ""));  // Not authorized
  } else {
    peer.write(connack_packet(0x00, kMethod, *server_final));
  }
}

TEST(EnhancedAuth, ScramConnectsWithTheRightPassword) {
  Seen seen;
  ScriptedBroker broker{[&](ScriptedPeer& peer) {
    ScramServer server{"user", "pencil"};
    scram_connect(peer, server, seen);
    auto publish = peer.read_packet();
    seen.publish_after = publish && (*publish)[0] == 0x30;
    peer.closed_within(10s);  // keep the connection until the client stops
  }};
  Client client{scram_config(broker, "pencil")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  EXPECT_TRUE(seen.proof_ok);
  ASSERT_TRUE(client.publish("t", "after auth"));
  ASSERT_TRUE(eventually(seen.publish_after));
  std::lock_guard lock(rec.mutex);
  EXPECT_TRUE(rec.errors.empty()) << rec.errors[0].text;
}

TEST(EnhancedAuth, AWrongPasswordIsRefusedByTheBrokerAndStopsTheClient) {
  Seen seen;
  ScriptedBroker broker{[&](ScriptedPeer& peer) {
    ScramServer server{"user", "pencil"};
    scram_connect(peer, server, seen);
    seen.closed = peer.closed_within(5s);
  }};
  Client client{scram_config(broker, "crayon")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  ASSERT_TRUE(eventually(seen.closed));
  EXPECT_FALSE(seen.proof_ok);
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.connected, 0);
  ASSERT_FALSE(rec.errors.empty());
  EXPECT_EQ(rec.errors[0].error, errc::connection_refused);
  EXPECT_EQ(rec.errors[0].connect_reason, ReasonCode::not_authorized);
  EXPECT_TRUE(rec.errors[0].fatal);
  EXPECT_EQ(broker.accepted(), 1);
}

TEST(EnhancedAuth, ABrokerThatCannotProveThePasswordIsRefused) {
  Seen seen;
  ScriptedBroker broker{[&](ScriptedPeer& peer) {
    ScramServer server{"user", "pencil"};
    scram_connect(peer, server, seen, /*forge=*/true);
    auto disconnect = peer.read_packet(5s);
    seen.disconnect_0x80 = disconnect && (*disconnect)[0] == 0xE0 && disconnect->size() >= 3 &&
                           (*disconnect)[2] == 0x80;
    seen.closed = peer.closed_within(5s);
  }};
  Client client{scram_config(broker, "pencil")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  ASSERT_TRUE(eventually(seen.closed));
  EXPECT_TRUE(seen.disconnect_0x80);
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.connected, 0);  // never reported connected to an impostor
  ASSERT_EQ(rec.errors.size(), 1u);
  EXPECT_EQ(rec.errors[0].error, errc::authentication_failed);
  EXPECT_NE(rec.errors[0].cause.find("signature"), std::string::npos) << rec.errors[0].cause;
  EXPECT_TRUE(rec.errors[0].fatal);
  EXPECT_EQ(client.state(), ConnectionState::stopped);
  EXPECT_EQ(broker.accepted(), 1);
}

TEST(EnhancedAuth, ReauthenticationWhileConnected) {
  Seen seen;
  std::atomic<bool> reauth_ok{false};
  ScriptedBroker broker{[&](ScriptedPeer& peer) {
    ScramServer server{"user", "pencil"};
    scram_connect(peer, server, seen);
    auto client_final = first_round(peer, server, true);
    if (!client_final) return;
    auto server_final = server.final(*client_final);
    reauth_ok = server_final.has_value();
    if (server_final) peer.write(auth_packet(0x00, kMethod, *server_final));
    auto publish = peer.read_packet();
    seen.publish_after = publish && (*publish)[0] == 0x30;
    peer.closed_within(10s);  // keep the connection until the client stops
  }};
  Client client{scram_config(broker, "pencil")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  std::future<void> done = client.reauthenticate(use_future);
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  EXPECT_NO_THROW(done.get());
  EXPECT_TRUE(reauth_ok);
  ASSERT_TRUE(client.publish("t", "after re-authentication"));
  ASSERT_TRUE(eventually(seen.publish_after));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.connected, 1);
  EXPECT_TRUE(rec.errors.empty()) << rec.errors[0].text;
}

TEST(EnhancedAuth, AuthFromABrokerNotAskedForItIsAProtocolError) {
  std::atomic<bool> disconnect_0x82{false};
  ScriptedBroker broker{[&](ScriptedPeer& peer) {
    if (!peer.read_packet()) return;
    peer.write(auth_packet(0x18, kMethod, "challenge"));
    auto disconnect = peer.read_packet(5s);
    disconnect_0x82 = disconnect && (*disconnect)[0] == 0xE0 && disconnect->size() >= 3 &&
                      (*disconnect)[2] == 0x82;
  }};
  Config c;
  c.broker.uri = broker.uri();
  c.session.protocol_version = ProtocolVersion::v5;
  c.network.reconnect.enabled = false;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  ASSERT_TRUE(eventually(disconnect_0x82));
  std::lock_guard lock(rec.mutex);
  ASSERT_FALSE(rec.errors.empty());
  EXPECT_EQ(rec.errors[0].error, errc::protocol_error);
  EXPECT_NE(rec.errors[0].cause.find("MQTT-4.12.0-6"), std::string::npos) << rec.errors[0].cause;
}

TEST(EnhancedAuth, AnAuthenticatorNeedsMqtt5) {
  ScriptedBroker broker{[](ScriptedPeer&) {}, 0};
  Config c = scram_config(broker, "pencil");
  c.session.protocol_version = ProtocolVersion::v3_1_1;
  Client client{c};
  EXPECT_EQ(client.start(), errc::not_supported_by_version);
}

}  // namespace
}  // namespace portmqtt::test
