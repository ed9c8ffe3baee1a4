// mqtts:// through the ESP-MQTT C API against mosquitto TLS listeners: every trust source
// (PEM, DER, global CA store, certificate bundle), mutual TLS, PSK, ALPN, cipher suite
// lists, and each failure with the ERROR event's ESP-TLS fields.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "esp_crt_bundle.h"
#include "esp_tls.h"
#include "esp_tls_errors.h"
#include "esp_tls_support.hpp"
#include "process.hpp"

namespace portmqtt::esp_test {
namespace {

using test::MosquittoSub;
using test::read_file;

// OpenSSL's X509_V_ERR_* values (x509_vfy.h), written out: the ESP API reports them as
// esp_tls_cert_verify_flags.
constexpr int kCertHasExpired = 10;
constexpr int kSelfSignedCertInChain = 19;
constexpr int kUnableToGetIssuerLocally = 20;
constexpr int kHostnameMismatch = 62;

TEST(EspTlsTest, PemCaRoundTripAtEveryQosSeenByAnIndependentSubscriber) {
  TlsBroker tls{files().server_cert, files().server_key};
  MosquittoSub peer{tls.broker,
                    {.topic = "esp/tls/pem", .qos = 2, .count = 3, .client_id = "peer-pem"}};
  ASSERT_TRUE(peer.wait_subscribed());
  OwnedConfig c{tls.uri(), "e-pem"};
  c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  expect_round_trip(client, "esp/tls/pem");
  ASSERT_TRUE(peer.wait(std::chrono::seconds(10)).has_value());
  const std::string seen = peer.output();
  for (const char* payload : {"qos0", "qos1", "qos2"})
    EXPECT_NE(seen.find(payload), std::string::npos) << payload << " not in: " << seen;
  EXPECT_EQ(client.recorder->count(MQTT_EVENT_ERROR), 0U);
}

TEST(EspTlsTest, DerCaCertificateWithLength) {
  TlsBroker tls{files().server_cert, files().server_key};
  const std::string der = read_file(files().ca_cert_der);
  OwnedConfig c{tls.uri("127.0.0.1"), "e-der"};  // IP literal: verified against IP SAN
  c.config.broker.verification.certificate = der.data();
  c.config.broker.verification.certificate_len = der.size();
  StartedClient client{c.config};
  expect_round_trip(client, "esp/tls/der");
}

// The store is process-wide: each test leaves it freed.
struct GlobalStoreGuard {
  ~GlobalStoreGuard() { esp_tls_free_global_ca_store(); }
};

TEST(EspTlsTest, GlobalCaStoreWithPemIncludingTheNul) {
  GlobalStoreGuard guard;
  TlsBroker tls{files().server_cert, files().server_key};
  const std::string pem = read_file(files().ca_cert);
  ASSERT_EQ(esp_tls_init_global_ca_store(), ESP_OK);
  // ESP-IDF counts the terminating NUL of PEM text.
  ASSERT_EQ(esp_tls_set_global_ca_store(reinterpret_cast<const unsigned char*>(pem.c_str()),
                                        static_cast<unsigned>(pem.size() + 1)),
            ESP_OK);
  OwnedConfig c{tls.uri(), "e-global"};
  c.config.broker.verification.use_global_ca_store = true;
  StartedClient client{c.config};
  expect_round_trip(client, "esp/tls/global");
}

TEST(EspTlsTest, GlobalCaStoreWithDerIsReadAtEveryAttempt) {
  GlobalStoreGuard guard;
  TlsBroker tls{files().server_cert, files().server_key};
  // First the wrong CA: the attempts fail verification.
  const std::string other = read_file(files().other_ca_cert);
  ASSERT_EQ(esp_tls_set_global_ca_store(reinterpret_cast<const unsigned char*>(other.data()),
                                        static_cast<unsigned>(other.size())),
            ESP_OK);
  OwnedConfig c{tls.uri(), "e-global-der"};
  c.config.broker.verification.use_global_ca_store = true;
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_NE(error->error.esp_tls_cert_verify_flags, 0);
  // Then the right one, as DER: a later attempt (every 200 ms) picks it up.
  esp_tls_free_global_ca_store();
  const std::string der = read_file(files().ca_cert_der);
  ASSERT_EQ(esp_tls_set_global_ca_store(reinterpret_cast<const unsigned char*>(der.data()),
                                        static_cast<unsigned>(der.size())),
            ESP_OK);
  EXPECT_TRUE(client.recorder->wait_for(MQTT_EVENT_CONNECTED));
}

TEST(EspTlsTest, EmptyGlobalCaStoreFailsTheSetup) {
  TlsBroker tls{files().server_cert, files().server_key};
  esp_tls_free_global_ca_store();
  OwnedConfig c{tls.uri(), "e-global-empty"};
  c.config.broker.verification.use_global_ca_store = true;
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  // What ESP-TLS's set_global_ca_store() returns for a store that was never filled.
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_INVALID_STATE);
}

TEST(EspTlsTest, CertificateBundleIsTheSystemTrustStore) {
  // OpenSSL's system store honours SSL_CERT_FILE: the test CA stands in for the system's.
  ScopedEnv env{"SSL_CERT_FILE", files().ca_cert.string()};
  TlsBroker tls{files().server_cert, files().server_key};
  OwnedConfig c{tls.uri(), "e-bundle"};
  c.config.broker.verification.crt_bundle_attach = esp_crt_bundle_attach;
  StartedClient client{c.config};
  expect_round_trip(client, "esp/tls/bundle");
}

TEST(EspTlsTest, CertificateBundleWithoutTheCaFailsVerification) {
  ScopedEnv env{"SSL_CERT_FILE", files().other_ca_cert.string()};
  TlsBroker tls{files().server_cert, files().server_key};
  OwnedConfig c{tls.uri(), "e-bundle-other"};
  c.config.broker.verification.crt_bundle_attach = esp_crt_bundle_attach;
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_NE(error->error.esp_tls_cert_verify_flags, 0);
}

esp_err_t failing_bundle_hook(void* /*conf*/) {
  return ESP_FAIL;
}

TEST(EspTlsTest, FailingBundleHookFailsTheSetup) {
  TlsBroker tls{files().server_cert, files().server_key};
  OwnedConfig c{tls.uri(), "e-bundle-fail"};
  c.config.broker.verification.crt_bundle_attach = failing_bundle_hook;
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED);
}

// --- mutual TLS -----------------------------------------------------------------------------

struct Identity {
  std::filesystem::path cert;
  std::filesystem::path key;
  bool der = false;
  std::string password;
};

void expect_mutual_tls(const Identity& id, const std::string& client_id) {
  TlsBroker tls{files().server_cert, files().server_key,
                "require_certificate true\nuse_identity_as_username true"};
  OwnedConfig c{tls.uri(), client_id};
  c.trust_pem(files().ca_cert);
  const std::string cert = read_file(id.cert);
  const std::string key = read_file(id.key);
  auto& auth = c.config.credentials.authentication;
  auth.certificate = cert.c_str();
  auth.certificate_len = id.der ? cert.size() : 0;
  auth.key = key.c_str();
  auth.key_len = id.der ? key.size() : 0;
  if (!id.password.empty()) {
    auth.key_password = id.password.c_str();
    auth.key_password_len = static_cast<int>(id.password.size());
  }
  StartedClient client{c.config};
  expect_round_trip(client, "esp/tls/" + client_id);
  // mosquitto took the certificate's CN as the user name.
  EXPECT_TRUE(tls.broker.wait_for_log("u'portmqtt-client'", std::chrono::seconds(5)))
      << tls.broker.log();
}

TEST(EspTlsTest, MutualTlsWithPemCertificateAndKey) {
  expect_mutual_tls({files().client_cert, files().client_key}, "e-mpem");
}

TEST(EspTlsTest, MutualTlsWithDerCertificateAndKey) {
  expect_mutual_tls({files().client_cert_der, files().client_key_der, true}, "e-mder");
}

TEST(EspTlsTest, MutualTlsWithEncryptedKeyAndKeyPassword) {
  expect_mutual_tls(
      {files().client_cert, files().client_key_encrypted, false, test::kClientKeyPassword},
      "e-menc");
}

// The failure stages (key password, missing client certificate, ...) per TLS version:
// esp_tls_stages_test.cpp.

// --- PSK ------------------------------------------------------------------------------------

TEST(EspTlsTest, PreSharedKey) {
  const std::uint16_t port = test::free_port();
  test::TempDir dir;
  test::write_file(dir.path() / "psk", "sensor-7:00112233445566778899aabbccddeeff\n");
  test::Mosquitto broker{{.extra_config = "listener " + std::to_string(port) +
                                          " 127.0.0.1\npsk_hint test-hint\npsk_file " +
                                          (dir.path() / "psk").string() +
                                          "\nuse_identity_as_username true\n"
                                          "tls_version tlsv1.2\n"}};
  // The same 16 bytes as the hex in the psk file.
  static const std::uint8_t key[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                     0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  const psk_hint_key_t psk{key, sizeof key, "sensor-7"};
  OwnedConfig c{"mqtts://127.0.0.1:" + std::to_string(port), "e-psk"};
  c.config.broker.verification.psk_hint_key = &psk;
  StartedClient client{c.config};
  expect_round_trip(client, "esp/tls/psk");
  EXPECT_NE(broker.log().find("u'sensor-7'"), std::string::npos) << broker.log();
}

// --- ALPN and cipher suites -----------------------------------------------------------------

// A TLS server that accepts one connection and prints the ALPN protocol, cipher and version.
constexpr const char* kProbeServer = R"py(
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
ctx.set_alpn_protocols(["mqtt"])
listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
conn, _ = listener.accept()
tls = ctx.wrap_socket(conn, server_side=True)
print("alpn:", tls.selected_alpn_protocol(), "cipher:", tls.cipher()[0], tls.version(), flush=True)
)py";

// Runs the probe server, points a client configured by `configure` at it, returns what the
// server printed.
template <class Configure>
std::string probe(const std::string& id, Configure configure) {
  const std::uint16_t port = test::free_port();
  test::TempDir dir;
  test::write_file(dir.path() / "probe.py", kProbeServer);
  test::Process server(
      {"/usr/bin/python3", (dir.path() / "probe.py").string(), std::to_string(port),
       files().server_cert.string(), files().server_key.string()},
      dir.path() / "out", dir.path() / "err");
  OwnedConfig c{"mqtts://localhost:" + std::to_string(port), id};
  c.trust_pem(files().ca_cert);
  configure(c.config);
  // The server may not listen yet; the client retries every 200 ms until it does.
  StartedClient client{c.config};
  EXPECT_TRUE(server.wait(std::chrono::seconds(10)).has_value()) << read_file(dir.path() / "err");
  return read_file(dir.path() / "out");
}

TEST(EspTlsTest, AlpnProtocolsAreOffered) {
  static const char* alpn[] = {"x-other", "mqtt", nullptr};
  std::string out = probe(
      "e-alpn", [](esp_mqtt_client_config_t& c) { c.broker.verification.alpn_protos = alpn; });
  EXPECT_NE(out.find("alpn: mqtt "), std::string::npos) << out;
}

TEST(EspTlsTest, Tls12CipherSuiteListIsHonoured) {
  // 0xC02B: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (the server key is EC).
  static const int suites[] = {0xC02B, 0};
  std::string out = probe("e-ciph12", [](esp_mqtt_client_config_t& c) {
    c.broker.verification.ciphersuites_list = suites;
  });
  EXPECT_NE(out.find("cipher: ECDHE-ECDSA-AES128-GCM-SHA256 TLSv1.2"), std::string::npos) << out;
}

TEST(EspTlsTest, Tls13CipherSuiteListIsHonoured) {
  // 0x1303: TLS_CHACHA20_POLY1305_SHA256 (not what OpenSSL picks by default, which is
  // TLS_AES_256_GCM_SHA384); 0x9999 is no cipher suite and is skipped.
  static const int suites[] = {0x9999, 0x1303, 0};
  std::string out = probe("e-ciph13", [](esp_mqtt_client_config_t& c) {
    c.broker.verification.ciphersuites_list = suites;
  });
  EXPECT_NE(out.find("cipher: TLS_CHACHA20_POLY1305_SHA256 TLSv1.3"), std::string::npos) << out;
}

// --- verification failures ------------------------------------------------------------------

TEST(EspTlsTest, UnknownCaReportsTheVerifyResult) {
  TlsBroker tls{files().server_cert, files().server_key};
  OwnedConfig c{tls.uri(), "e-unknown-ca"};
  c.trust_pem(files().other_ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  // mosquitto sends the test CA along: a self-signed root we do not trust.
  EXPECT_TRUE(error->error.esp_tls_cert_verify_flags == kSelfSignedCertInChain ||
              error->error.esp_tls_cert_verify_flags == kUnableToGetIssuerLocally)
      << error->error.esp_tls_cert_verify_flags;
  EXPECT_NE(error->error.esp_tls_stack_err, 0);
}

TEST(EspTlsTest, ExpiredCertificateReportsTheVerifyResult) {
  TlsBroker tls{files().expired_cert, files().expired_key};
  OwnedConfig c{tls.uri(), "e-expired"};
  c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, kCertHasExpired);
}

TEST(EspTlsTest, HostnameMismatchReportsTheVerifyResult) {
  TlsBroker tls{files().wrong_name_cert, files().wrong_name_key};
  OwnedConfig c{tls.uri(), "e-wrong-name"};
  c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, kHostnameMismatch);
}

TEST(EspTlsTest, CommonNameNamesTheCertificatesHost) {
  TlsBroker tls{files().wrong_name_cert, files().wrong_name_key};
  OwnedConfig c{tls.uri(), "e-common-name"};
  c.trust_pem(files().ca_cert);
  c.config.broker.verification.common_name = "wrong.example";
  StartedClient client{c.config};
  expect_round_trip(client, "esp/tls/cn");
}

TEST(EspTlsTest, SkipCommonNameCheckStillVerifiesTheChain) {
  TlsBroker tls{files().wrong_name_cert, files().wrong_name_key};
  OwnedConfig c{tls.uri(), "e-skip-cn"};
  c.trust_pem(files().ca_cert);
  c.config.broker.verification.skip_cert_common_name_check = true;
  StartedClient ok{c.config};
  EXPECT_TRUE(ok.recorder && ok.recorder->wait_for(MQTT_EVENT_CONNECTED));

  OwnedConfig other{tls.uri(), "e-skip-cn-other"};
  other.trust_pem(files().other_ca_cert);
  other.config.broker.verification.skip_cert_common_name_check = true;
  StartedClient refused{other.config};
  std::optional<RecordedEvent> error = first_error(refused);
  ASSERT_TRUE(error);
  EXPECT_NE(error->error.esp_tls_cert_verify_flags, 0);
}

// ESP-TLS refuses a connection with no trust source ("No server verification option set")
// unless CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY; portmqtt's run-time switch stands for it.
TEST(EspTlsTest, NoTrustSourceIsRefusedUnlessVerificationIsSkippedExplicitly) {
  TlsBroker tls{files().server_cert, files().server_key};
  OwnedConfig c{tls.uri(), "e-no-trust"};
  {
    StartedClient refused{c.config};
    std::optional<RecordedEvent> error = first_error(refused);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED);
  }
  struct Reset {
    ~Reset() { esp_tls_set_skip_server_cert_verify_default(false); }
  } reset;
  esp_tls_set_skip_server_cert_verify_default(true);
  c.client_id = "e-no-trust-skip";
  c.config.credentials.client_id = c.client_id.c_str();
  StartedClient skipped{c.config};
  expect_round_trip(skipped, "esp/tls/skip");
}

TEST(EspTlsTest, TlsToAPlainPortFailsTheHandshake) {
  test::Mosquitto broker;
  OwnedConfig c{"mqtts://127.0.0.1:" + std::to_string(broker.port()), "e-to-plain"};
  c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, 0);
}

}  // namespace
}  // namespace portmqtt::esp_test
