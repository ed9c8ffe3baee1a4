// The TLS transport (mqtts://) against mosquitto TLS listeners: server authentication,
// mutual TLS with PEM, DER and encrypted keys, PSK, ALPN, and each failure with its error.
#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"
#include "tls_certs.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

/// A mosquitto with its usual plain listener plus one TLS listener.
struct TlsBroker {
  TlsBroker(const std::filesystem::path& cert, const std::filesystem::path& key,
            const std::string& extra = "", bool persistence = false)
      : tls_port(free_port()),
        broker({.persistence = persistence,
                .extra_config = tls_listener_config(tls_port, cert, key, extra)}) {}
  std::string uri(const std::string& host = "localhost") const {
    return "mqtts://" + host + ":" + std::to_string(tls_port);
  }
  std::uint16_t tls_port;
  Mosquitto broker;
};

/// Error events with their TLS details (the Recorder keeps only the codes).
struct TlsErrors {
  // Declared after its client, so it dies first: stop the client, or a reconnect attempt could
  // still report an error into a destroyed object.
  ~TlsErrors() {
    if (client_ != nullptr) client_->stop();
  }
  void watch(Client& client) {
    client_ = &client;
    client.on_error([this](const Error& e) {
      {
        std::lock_guard lock(mutex);
        errors.push_back(e);
      }
      cv.notify_all();
    });
  }
  std::optional<Error> first(std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex);
    if (!cv.wait_for(lock, timeout, [&] { return !errors.empty(); })) return std::nullopt;
    return errors.front();
  }
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Error> errors;

 private:
  Client* client_ = nullptr;
};

const TlsFiles& files() {
  return test_certificates();
}

Config tls_config(const std::string& uri, const std::string& id) {
  Config c;
  c.broker.uri = uri;
  c.credentials.client_id = id;
  c.network.reconnect.interval = 200ms;
  c.network.timeout = 5s;
  c.tls.ca_certificate = read_file(files().ca_cert);
  return c;
}

// Subscribes to `topic` and publishes to it with QoS 0, 1 and 2; all three come back.
void expect_round_trip(Client& client, Recorder& rec, const std::string& topic) {
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe(topic, {.qos = QoS::exactly_once}).has_value());
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  const QoS levels[] = {QoS::at_most_once, QoS::at_least_once, QoS::exactly_once};
  for (QoS qos : levels)
    ASSERT_TRUE(client.publish(topic, "qos" + std::to_string(static_cast<int>(qos)), {.qos = qos})
                    .has_value());
  ASSERT_TRUE(rec.wait_messages(3));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.messages[0].payload, "qos0");
  EXPECT_EQ(rec.messages[1].payload, "qos1");
  EXPECT_EQ(rec.messages[1].qos, QoS::at_least_once);
  EXPECT_EQ(rec.messages[2].payload, "qos2");
  EXPECT_EQ(rec.messages[2].qos, QoS::exactly_once);
}

class TlsVersionTest : public ::testing::TestWithParam<ProtocolVersion> {};

TEST_P(TlsVersionTest, ServerAuthenticatedRoundTripAtEveryQos) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config(tls.uri(), "t-rt");
  c.session.protocol_version = GetParam();
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  expect_round_trip(client, rec, "tls/rt");
  EXPECT_TRUE(rec.errors.empty());
}

TEST_P(TlsVersionTest, IpLiteralIsVerifiedAgainstTheIpSubjectAltName) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config(tls.uri("127.0.0.1"), "t-ip");
  c.session.protocol_version = GetParam();
  c.tls.ca_certificate = read_file(files().ca_cert_der);  // DER this time
  c.tls.min_version = TlsVersion::tls1_2;
  c.tls.max_version = TlsVersion::tls1_2;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  expect_round_trip(client, rec, "tls/ip");
}

INSTANTIATE_TEST_SUITE_P(Versions, TlsVersionTest,
                         ::testing::Values(ProtocolVersion::v3_1_1, ProtocolVersion::v5));

TEST(TlsTest, CaFileIsATrustSource) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config(tls.uri(), "t-cafile");
  c.tls.ca_certificate.clear();
  c.tls.ca_file = files().ca_cert.string();
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  EXPECT_TRUE(rec.wait_connected());
}

// --- mutual TLS -----------------------------------------------------------------------------

struct ClientIdentity {
  std::filesystem::path cert;
  std::filesystem::path key;
  std::string password;
};

void expect_mutual_tls(const ClientIdentity& identity, const std::string& id) {
  TlsBroker tls{files().server_cert, files().server_key,
                "require_certificate true\nuse_identity_as_username true"};
  Config c = tls_config(tls.uri(), id);
  c.tls.client_certificate = read_file(identity.cert);
  c.tls.client_key = read_file(identity.key);
  c.tls.key_password = identity.password;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  expect_round_trip(client, rec, "tls/" + id);
  // The broker took the certificate's CN as the user name.
  EXPECT_TRUE(tls.broker.wait_for_log("as " + id + " (", 5s));
  EXPECT_NE(tls.broker.log().find("u'portmqtt-client'"), std::string::npos) << tls.broker.log();
}

TEST(TlsTest, MutualTlsWithPemCertificateAndKey) {
  expect_mutual_tls({files().client_cert, files().client_key, ""}, "t-mpem");
}

TEST(TlsTest, MutualTlsWithDerCertificateAndKey) {
  expect_mutual_tls({files().client_cert_der, files().client_key_der, ""}, "t-mder");
}

TEST(TlsTest, MutualTlsWithEncryptedPemKeyAndPassword) {
  expect_mutual_tls({files().client_cert, files().client_key_encrypted, kClientKeyPassword},
                    "t-menc");
}

TEST(TlsTest, MutualTlsWithEncryptedDerKeyAndPassword) {
  expect_mutual_tls({files().client_cert_der, files().client_key_encrypted_der, kClientKeyPassword},
                    "t-mencder");
}

// --- PSK ------------------------------------------------------------------------------------

TEST(TlsTest, PreSharedKeyWithoutCertificates) {
  const std::uint16_t port = free_port();
  TempDir dir;
  write_file(dir.path() / "psk", "sensor-7:00112233445566778899aabbccddeeff\n");
  Mosquitto broker{{.extra_config = "listener " + std::to_string(port) +
                                    " 127.0.0.1\npsk_hint test-hint\npsk_file " +
                                    (dir.path() / "psk").string() +
                                    "\nuse_identity_as_username true\ntls_version tlsv1.2\n"}};
  Config c = tls_config("mqtts://127.0.0.1:" + std::to_string(port), "t-psk");
  c.tls.ca_certificate.clear();
  // The same 16 bytes as the hex in the psk file, raw.
  const std::string key{"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16};
  c.tls.psk = TlsPsk{.identity = "sensor-7", .key = key, .hint = "test-hint"};
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  expect_round_trip(client, rec, "tls/psk");
  EXPECT_NE(broker.log().find("u'sensor-7'"), std::string::npos) << broker.log();
}

// --- failures -------------------------------------------------------------------------------

// Starts a client with `c`, expects an Error with `expected` and no Connected event.
Error expect_failure(const Config& c, std::error_code expected) {
  Client client{c};
  Recorder rec{client};
  TlsErrors errors;
  errors.watch(client);
  EXPECT_FALSE(client.start());
  std::optional<Error> error = errors.first();
  EXPECT_TRUE(error.has_value()) << "no error within 10 s";
  if (!error) return {};
  EXPECT_EQ(error->error, expected) << error->error.message();
  EXPECT_EQ(rec.connected, 0);
  return *error;
}

TEST(TlsTest, UnknownCaFailsCertificateVerification) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config(tls.uri(), "t-unknown-ca");
  c.tls.ca_certificate = read_file(files().other_ca_cert);
  Error e = expect_failure(c, errc::certificate_invalid);
  // mosquitto sends the test CA along with its certificate: a self-signed root we do not
  // trust. Without the root in the chain it would be "unable to get issuer".
  EXPECT_TRUE(e.tls_verify_result == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
              e.tls_verify_result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
      << e.tls_verify_result;
  EXPECT_NE(e.tls_stack_error, 0);
  // The verify result in words, and where.
  EXPECT_EQ(e.cause, X509_verify_cert_error_string(e.tls_verify_result));
  EXPECT_EQ(e.where, "localhost:" + std::to_string(tls.tls_port));
  EXPECT_NE(e.message().find(e.cause), std::string::npos) << e.message();
}

TEST(TlsTest, ExpiredCertificateFailsVerification) {
  TlsBroker tls{files().expired_cert, files().expired_key};
  Error e = expect_failure(tls_config(tls.uri(), "t-expired"), errc::certificate_invalid);
  EXPECT_EQ(e.tls_verify_result, X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(e.cause, "certificate has expired");
}

TEST(TlsTest, AMissingCaFileNamesThePathAndTheErrno) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config(tls.uri(), "t-no-ca-file");
  c.tls.ca_certificate.clear();
  c.tls.ca_file = "/nonexistent/portmqtt-ca.pem";
  Error e = expect_failure(c, errc::tls_configuration_invalid);
  EXPECT_NE(e.cause.find("ca_file \"/nonexistent/portmqtt-ca.pem\""), std::string::npos) << e.cause;
  EXPECT_NE(e.cause.find("No such file or directory"), std::string::npos) << e.cause;
  EXPECT_NE(e.message().find("/nonexistent/portmqtt-ca.pem"), std::string::npos) << e.message();
}

TEST(TlsTest, WrongHostNameFailsHostnameCheck) {
  TlsBroker tls{files().wrong_name_cert, files().wrong_name_key};
  Error e = expect_failure(tls_config(tls.uri(), "t-wrong-name"), errc::hostname_mismatch);
  EXPECT_EQ(e.tls_verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST(TlsTest, WrongHostNameConnectsWithSkipHostnameCheck) {
  TlsBroker tls{files().wrong_name_cert, files().wrong_name_key};
  Config c = tls_config(tls.uri(), "t-skip-name");
  c.tls.skip_hostname_check = true;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  EXPECT_TRUE(rec.wait_connected());
}

TEST(TlsTest, WrongHostNameConnectsWhenServerNameMatchesTheCertificate) {
  TlsBroker tls{files().wrong_name_cert, files().wrong_name_key};
  Config c = tls_config(tls.uri(), "t-server-name");
  c.tls.server_name = "wrong.example";
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  EXPECT_TRUE(rec.wait_connected());
}

TEST(TlsTest, ClientCertificateRequiredButNoneGiven) {
  TlsBroker tls{files().server_cert, files().server_key, "require_certificate true"};
  Client client{tls_config(tls.uri(), "t-no-cert")};
  Recorder rec{client};
  TlsErrors errors;
  errors.watch(client);
  ASSERT_FALSE(client.start());
  std::optional<Error> error = errors.first();
  ASSERT_TRUE(error.has_value());
  // TLS 1.3 finishes the client's side of the handshake before the server's alert
  // (certificate_required) arrives on the first read; that is still the handshake failing.
  // When the server's close meets our CONNECT, the reset may discard the alert: the end of
  // the connection before any data, after the server asked for a certificate we did not
  // have, is the same refusal, without an OpenSSL error.
  EXPECT_EQ(error->error, errc::tls_handshake_failed) << error->error.message();
  EXPECT_EQ(error->system_errno, 0);
  if (error->tls_stack_error != 0) {
    EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(error->tls_stack_error)),
              SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED);
  }
  EXPECT_EQ(rec.connected, 0);
}

TEST(TlsTest, WrongKeyPasswordIsAConfigurationError) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config(tls.uri(), "t-bad-password");
  c.tls.client_certificate = read_file(files().client_cert);
  c.tls.client_key = read_file(files().client_key_encrypted);
  c.tls.key_password = "not the password";
  Error e = expect_failure(c, errc::tls_configuration_invalid);
  EXPECT_EQ(e.tls_setup_failure, TlsSetupFailure::client_key);
  EXPECT_NE(e.tls_stack_error, 0);  // OpenSSL's "bad decrypt"
}

TEST(TlsTest, KeyOfAnotherCertificateIsAConfigurationError) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config(tls.uri(), "t-key-mismatch");
  c.tls.client_certificate = read_file(files().client_cert);
  c.tls.client_key = read_file(files().server_key);
  Error e = expect_failure(c, errc::tls_configuration_invalid);
  EXPECT_EQ(e.tls_setup_failure, TlsSetupFailure::key_mismatch);
}

TEST(TlsTest, TlsToAPlainPortFailsTheHandshake) {
  Mosquitto broker;
  Config c = tls_config("mqtts://127.0.0.1:" + std::to_string(broker.port()), "t-to-plain");
  expect_failure(c, errc::tls_handshake_failed);
}

TEST(TlsTest, PlainTcpToATlsPortFailsWithoutHanging) {
  TlsBroker tls{files().server_cert, files().server_key};
  Config c = tls_config("mqtt://127.0.0.1:" + std::to_string(tls.tls_port), "t-plain-to-tls");
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return !rec.errors.empty(); }));
  EXPECT_EQ(rec.connected, 0);
}

// A Python TLS server that accepts only the protocol "mqtt" and prints what it selected.
constexpr const char* kAlpnServer = R"py(
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
ctx.set_alpn_protocols(["mqtt"])
listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
conn, _ = listener.accept()
tls = ctx.wrap_socket(conn, server_side=True)
print("selected:", tls.selected_alpn_protocol(), flush=True)
)py";

TEST(TlsTest, AlpnProtocolsAreOffered) {
  const std::uint16_t port = free_port();
  TempDir dir;
  write_file(dir.path() / "alpn.py", kAlpnServer);
  Process server({"/usr/bin/python3", (dir.path() / "alpn.py").string(), std::to_string(port),
                  files().server_cert.string(), files().server_key.string()},
                 dir.path() / "out", dir.path() / "err");
  Config c = tls_config("mqtts://localhost:" + std::to_string(port), "t-alpn");
  c.tls.alpn = {"x-other", "mqtt"};
  // The server may not listen yet; the client retries every 200 ms until it does.
  Client client{c};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(server.wait(10s).has_value()) << read_file(dir.path() / "err");
  EXPECT_NE(read_file(dir.path() / "out").find("selected: mqtt"), std::string::npos)
      << read_file(dir.path() / "out") << read_file(dir.path() / "err");
  client.stop();
}

// A server that reads the ClientHello and then either sends half a TLS record and closes
// ("truncate") or says nothing and keeps the connection open ("silent").
constexpr const char* kBrokenHandshakeServer = R"py(
import socket, sys, time
listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
held = []
while True:
    conn, _ = listener.accept()
    conn.recv(4096)
    if sys.argv[2] == "truncate":
        conn.sendall(bytes([0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00]))  # 7 of 69 bytes
        conn.close()
    else:
        held.append(conn)
)py";

class BrokenHandshakeServer {
 public:
  explicit BrokenHandshakeServer(const std::string& mode) {
    write_file(dir_.path() / "server.py", kBrokenHandshakeServer);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/python3", (dir_.path() / "server.py").string(),
                                 std::to_string(port_), mode},
        dir_.path() / "out", dir_.path() / "err");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (read_file(dir_.path() / "out").find("listening") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);  // its only sign of readiness is the line it prints
  }
  std::string uri() const { return "mqtts://localhost:" + std::to_string(port_); }

 private:
  std::uint16_t port_ = free_port();
  TempDir dir_;
  std::unique_ptr<Process> process_;
};

TEST(TlsTest, TruncatedHandshakeFailsTheHandshake) {
  BrokenHandshakeServer server{"truncate"};
  Error error = expect_failure(tls_config(server.uri(), "t-truncated"),
                               make_error_code(errc::tls_handshake_failed));
  EXPECT_EQ(error.kind, ErrorKind::tls);
}

TEST(TlsTest, SilentServerTimesOutTheHandshake) {
  BrokenHandshakeServer server{"silent"};
  Config c = tls_config(server.uri(), "t-silent");
  c.network.timeout = 1s;
  const auto begin = std::chrono::steady_clock::now();
  expect_failure(c, make_error_code(errc::connect_timeout));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 8s);
}

// --- reconnecting ---------------------------------------------------------------------------

TEST(TlsTest, ReconnectsAfterBrokerRestartAndDeliversTheOutbox) {
  TlsBroker tls{files().server_cert, files().server_key, "", true};
  Config c = tls_config(tls.uri(), "t-restart");
  c.session.clean_session = false;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("tls/restart", {.qos = QoS::at_least_once}).has_value());
  ASSERT_TRUE(rec.wait([&] { return rec.subacks.size() == 1; }));
  tls.broker.stop();
  ASSERT_TRUE(rec.wait([&] { return !rec.disconnects.empty(); }));
  Result<PublishAccepted> id = client.publish("tls/restart", "kept", {.qos = QoS::at_least_once});
  ASSERT_TRUE(id.has_value()) << id.error().message();
  tls.broker.start();
  ASSERT_TRUE(rec.wait_connected(2));
  ASSERT_TRUE(rec.wait([&] { return !rec.published.empty(); }));
  ASSERT_TRUE(rec.wait_messages(1));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.published[0], id->handle);
  EXPECT_EQ(rec.messages[0].payload, "kept");
  EXPECT_TRUE(rec.session_present);
}

}  // namespace
}  // namespace portmqtt::test
