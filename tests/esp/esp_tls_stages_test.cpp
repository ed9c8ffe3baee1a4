// Each TLS failure stage through the ESP-MQTT C API against mosquitto listeners fixed to TLS 1.2
// and to TLS 1.3: the ERROR event carries the ESP-TLS code ESP-IDF's mbedTLS build reports for
// that stage (esp_tls_errors.h), the OpenSSL error and the X509 verify result, and
// esp_tls_get_and_clear_last_error() reads them from the handler.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>

#include "esp_tls.h"
#include "esp_tls_errors.h"
#include "esp_tls_support.hpp"
#include "process.hpp"

namespace portmqtt::esp_test {
namespace {

using test::read_file;

// OpenSSL's X509_V_ERR_* values, written out: the ESP API reports them as
// esp_tls_cert_verify_flags.
constexpr int kCertHasExpired = 10;
constexpr int kSelfSignedCertInChain = 19;
constexpr int kUnableToGetIssuerLocally = 20;
constexpr int kHostnameMismatch = 62;

constexpr const char* kGarbageCertificate =
    "-----BEGIN CERTIFICATE-----\nnot*base64*at*all\n-----END CERTIFICATE-----\n";
constexpr const char* kGarbageKey =
    "-----BEGIN PRIVATE KEY-----\nnot*base64*at*all\n-----END PRIVATE KEY-----\n";

// mosquitto 2.0's tls_version is the lowest version a listener accepts. A TLS 1.2 broker
// gets OpenSSL's highest version from an OpenSSL configuration file instead, named by
// OPENSSL_CONF while it starts: this process reads its own configuration later, at its first
// TLS connection, when the variable is restored.
constexpr const char* kTls12OnlyConf =
    "openssl_conf = conf\n[conf]\nssl_conf = ssl\n[ssl]\nsystem_default = tls\n"
    "[tls]\nMaxProtocol = TLSv1.2\n";

/// The TLS version of the listener under test ("tlsv1.2" or "tlsv1.3").
class EspTlsStageTest : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { test::write_file(conf_dir_.path() / "openssl.cnf", kTls12OnlyConf); }
  std::string version_line(const std::string& extra = "") const {
    return std::string("tls_version ") + GetParam() + "\n" + extra;
  }
  /// The OPENSSL_CONF value to start the broker with.
  std::string openssl_conf() const {
    return tls13() ? "/dev/null" : (conf_dir_.path() / "openssl.cnf").string();
  }
  /// A TLS broker of this test's version.
  std::unique_ptr<TlsBroker> broker(const std::filesystem::path& cert,
                                    const std::filesystem::path& key,
                                    const std::string& extra = "") const {
    ScopedEnv env{"OPENSSL_CONF", openssl_conf()};
    return std::make_unique<TlsBroker>(cert, key, version_line(extra));
  }
  bool tls13() const { return std::string(GetParam()) == "tlsv1.3"; }
  std::string id(const std::string& stem) const { return stem + (tls13() ? "-13" : "-12"); }

 private:
  test::TempDir conf_dir_;
};

/// A configuration trusting the test CA, with a client identity from PEM strings.
struct StageConfig : OwnedConfig {
  StageConfig(std::string broker_uri, std::string id)
      : OwnedConfig(std::move(broker_uri), std::move(id)) {
    trust_pem(files().ca_cert);
  }
  StageConfig& identity(std::string certificate, std::string private_key) {
    cert = std::move(certificate);
    key = std::move(private_key);
    config.credentials.authentication.certificate = cert.c_str();
    config.credentials.authentication.key = key.c_str();
    return *this;
  }
  std::string cert;
  std::string key;
};

// --- setting up the session (before any byte is sent) ---------------------------------------

TEST_P(EspTlsStageTest, UnreadableCaCertificateIsACertificateParseFailure) {
  auto tls_broker = broker(files().server_cert, files().server_key);
  TlsBroker& tls = *tls_broker;
  StageConfig c{tls.uri(), id("s-bad-ca")};
  c.ca = kGarbageCertificate;
  c.config.broker.verification.certificate = c.ca.c_str();
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED)
      << esp_err_to_name(error->error.esp_tls_last_esp_err);
  EXPECT_NE(error->error.esp_tls_stack_err, 0);  // OpenSSL's reason (a PEM decoding error)
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, 0);
}

TEST_P(EspTlsStageTest, UnreadableClientCertificateIsACertificateParseFailure) {
  auto tls_broker = broker(files().server_cert, files().server_key);
  TlsBroker& tls = *tls_broker;
  StageConfig c{tls.uri(), id("s-bad-cert")};
  c.identity(kGarbageCertificate, read_file(files().client_key));
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED)
      << esp_err_to_name(error->error.esp_tls_last_esp_err);
  EXPECT_NE(error->error.esp_tls_stack_err, 0);
}

TEST_P(EspTlsStageTest, UnreadableClientKeyIsAKeyParseFailure) {
  auto tls_broker = broker(files().server_cert, files().server_key);
  TlsBroker& tls = *tls_broker;
  StageConfig c{tls.uri(), id("s-bad-key")};
  c.identity(read_file(files().client_cert), kGarbageKey);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED)
      << esp_err_to_name(error->error.esp_tls_last_esp_err);
  EXPECT_NE(error->error.esp_tls_stack_err, 0);
}

TEST_P(EspTlsStageTest, WrongKeyPasswordIsAKeyParseFailure) {
  auto tls_broker = broker(files().server_cert, files().server_key);
  TlsBroker& tls = *tls_broker;
  StageConfig c{tls.uri(), id("s-bad-pw")};
  c.identity(read_file(files().client_cert), read_file(files().client_key_encrypted));
  const std::string password = "not the password";
  c.config.credentials.authentication.key_password = password.c_str();
  c.config.credentials.authentication.key_password_len = static_cast<int>(password.size());
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED)
      << esp_err_to_name(error->error.esp_tls_last_esp_err);
  EXPECT_NE(error->error.esp_tls_stack_err, 0);
}

// A deliberate difference: mbedTLS would send the pair and fail in the handshake.
TEST_P(EspTlsStageTest, KeyOfAnotherCertificateIsRefusedBeforeConnecting) {
  auto tls_broker = broker(files().server_cert, files().server_key, "require_certificate true");
  TlsBroker& tls = *tls_broker;
  StageConfig c{tls.uri(), id("s-mismatch")};
  c.identity(read_file(files().client_cert), read_file(files().server_key));
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED)
      << esp_err_to_name(error->error.esp_tls_last_esp_err);
  EXPECT_NE(error->error.esp_tls_stack_err, 0);
}

// --- the handshake ---------------------------------------------------------------------------

TEST_P(EspTlsStageTest, UnknownCaFailsTheHandshakeWithTheVerifyResult) {
  auto tls_broker = broker(files().server_cert, files().server_key);
  TlsBroker& tls = *tls_broker;
  OwnedConfig c{tls.uri(), id("s-unknown-ca")};
  c.trust_pem(files().other_ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_TRUE(error->error.esp_tls_cert_verify_flags == kSelfSignedCertInChain ||
              error->error.esp_tls_cert_verify_flags == kUnableToGetIssuerLocally)
      << error->error.esp_tls_cert_verify_flags;
  EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(error->error.esp_tls_stack_err)),
            SSL_R_CERTIFICATE_VERIFY_FAILED);
}

TEST_P(EspTlsStageTest, ExpiredCertificateFailsTheHandshakeWithTheVerifyResult) {
  auto tls_broker = broker(files().expired_cert, files().expired_key);
  TlsBroker& tls = *tls_broker;
  OwnedConfig c{tls.uri(), id("s-expired")};
  c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, kCertHasExpired);
}

TEST_P(EspTlsStageTest, WrongHostNameFailsTheHandshakeWithTheVerifyResult) {
  auto tls_broker = broker(files().wrong_name_cert, files().wrong_name_key);
  TlsBroker& tls = *tls_broker;
  OwnedConfig c{tls.uri(), id("s-wrong-host")};
  c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, kHostnameMismatch);
}

// esp-mqtt's publish_connect_test expects ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED here. With TLS
// 1.3 the server's refusal (alert certificate_required) comes after the client finished its
// side of the handshake; it is still reported as the handshake failing.
TEST_P(EspTlsStageTest, MissingClientCertificateFailsTheHandshake) {
  auto tls_broker = broker(files().server_cert, files().server_key, "require_certificate true");
  TlsBroker& tls = *tls_broker;
  OwnedConfig c{tls.uri(), id("s-no-cert")};
  c.trust_pem(files().ca_cert);
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED)
      << esp_err_to_name(error->error.esp_tls_last_esp_err);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, 0);
  const int reason = ERR_GET_REASON(static_cast<unsigned long>(error->error.esp_tls_stack_err));
  if (tls13()) {
    // When the server's close meets the CONNECT already sent, the reset may discard its
    // alert: the end of the connection, before any data, after the server asked for a
    // certificate we did not have, is then the same refusal, without an OpenSSL error.
    if (error->error.esp_tls_stack_err != 0) {
      EXPECT_EQ(reason, SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED) << error->error.esp_tls_stack_err;
    }
    EXPECT_EQ(error->error.esp_transport_sock_errno, 0);
  } else {
    EXPECT_EQ(reason, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE) << error->error.esp_tls_stack_err;
  }
}

TEST_P(EspTlsStageTest, NoCommonProtocolVersionFailsTheHandshake) {
  auto tls_broker = broker(files().server_cert, files().server_key);
  TlsBroker& tls = *tls_broker;
  OwnedConfig c{tls.uri(), id("s-no-version")};
  c.trust_pem(files().ca_cert);
  // Only suites of the other version: 0xC02B (TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256, the
  // server key is EC) against TLS 1.3, 0x1301 (TLS_AES_128_GCM_SHA256) against TLS 1.2.
  static const int tls12_only[] = {0xC02B, 0};
  static const int tls13_only[] = {0x1301, 0};
  c.config.broker.verification.ciphersuites_list = tls13() ? tls12_only : tls13_only;
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, 0);
  EXPECT_NE(error->error.esp_tls_stack_err, 0);
}

// --- PSK -------------------------------------------------------------------------------------

/// mosquitto with a PSK listener knowing identity "sensor-7" and the key 00 11 .. ff.
struct PskBroker {
  explicit PskBroker(const std::string& version_line)
      : port(test::free_port()),
        psk_file(write_psk_file(dir)),
        broker({.extra_config = "listener " + std::to_string(port) +
                                " 127.0.0.1\npsk_hint test-hint\npsk_file " + psk_file.string() +
                                "\nuse_identity_as_username true\n" + version_line}) {}
  static std::filesystem::path write_psk_file(const test::TempDir& d) {
    test::write_file(d.path() / "psk", "sensor-7:00112233445566778899aabbccddeeff\n");
    return d.path() / "psk";
  }
  std::string uri() const { return "mqtts://127.0.0.1:" + std::to_string(port); }
  std::uint16_t port;
  test::TempDir dir;
  std::filesystem::path psk_file;
  test::Mosquitto broker;
};

TEST_P(EspTlsStageTest, PreSharedKeyConnects) {
  std::unique_ptr<PskBroker> psk_owner;
  {
    ScopedEnv env{"OPENSSL_CONF", openssl_conf()};
    psk_owner = std::make_unique<PskBroker>(version_line());
  }
  PskBroker& psk_broker = *psk_owner;
  static const std::uint8_t key[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                     0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  const psk_hint_key_t psk{key, sizeof key, "sensor-7"};
  OwnedConfig c{psk_broker.uri(), id("s-psk")};
  c.config.broker.verification.psk_hint_key = &psk;
  StartedClient client{c.config};
  ASSERT_TRUE(client.recorder->wait_for(MQTT_EVENT_CONNECTED)) << psk_broker.broker.log();
}

TEST_P(EspTlsStageTest, PreSharedKeyMismatchFailsTheHandshake) {
  std::unique_ptr<PskBroker> psk_owner;
  {
    ScopedEnv env{"OPENSSL_CONF", openssl_conf()};
    psk_owner = std::make_unique<PskBroker>(version_line());
  }
  PskBroker& psk_broker = *psk_owner;
  static const std::uint8_t wrong[] = {0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
                                       0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00};
  const psk_hint_key_t psk{wrong, sizeof wrong, "sensor-7"};
  OwnedConfig c{psk_broker.uri(), id("s-psk-wrong")};
  c.config.broker.verification.psk_hint_key = &psk;
  StartedClient client{c.config};
  std::optional<RecordedEvent> error = first_error(client);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error.esp_tls_last_esp_err, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED)
      << esp_err_to_name(error->error.esp_tls_last_esp_err);
  EXPECT_EQ(error->error.esp_tls_cert_verify_flags, 0);
  EXPECT_NE(error->error.esp_tls_stack_err, 0);
}

// --- esp_tls_get_and_clear_last_error() on the event's handle --------------------------------

struct ClearedError {
  std::mutex mutex;
  bool seen = false;
  esp_err_t last = ESP_OK;
  int code = 0;
  int flags = 0;
  esp_err_t after = ESP_FAIL;  // a second call: everything cleared
};

void clear_in_handler(void* arg, esp_event_base_t /*base*/, int32_t /*id*/, void* data) {
  auto* out = static_cast<ClearedError*>(arg);
  auto* event = static_cast<esp_mqtt_event_handle_t>(data);
  std::lock_guard lock(out->mutex);
  if (out->seen) return;
  out->seen = true;
  auto* handle = reinterpret_cast<esp_tls_error_handle_t>(event->error_handle);
  out->last = esp_tls_get_and_clear_last_error(handle, &out->code, &out->flags);
  int code = -1;
  int flags = -1;
  out->after = esp_tls_get_and_clear_last_error(handle, &code, &flags);
  if (code != 0 || flags != 0) out->after = ESP_FAIL;
}

TEST_P(EspTlsStageTest, GetAndClearLastErrorReadsTheEventsHandle) {
  auto tls_broker = broker(files().expired_cert, files().expired_key);
  TlsBroker& tls = *tls_broker;
  OwnedConfig c{tls.uri(), id("s-clear")};
  c.trust_pem(files().ca_cert);
  ClearedError cleared;
  ClientPtr client{esp_mqtt_client_init(&c.config)};
  ASSERT_TRUE(client);
  EspRecorder recorder{client.get()};
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_ERROR, clear_in_handler, &cleared),
      ESP_OK);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(recorder.wait_for(MQTT_EVENT_ERROR));
  esp_mqtt_client_stop(client.get());
  std::lock_guard lock(cleared.mutex);
  ASSERT_TRUE(cleared.seen);
  EXPECT_EQ(cleared.last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
  EXPECT_EQ(cleared.flags, kCertHasExpired);
  EXPECT_EQ(cleared.code, recorder.of(MQTT_EVENT_ERROR).front().error.esp_tls_stack_err);
  EXPECT_EQ(cleared.after, ESP_OK);
  EXPECT_EQ(esp_tls_get_and_clear_last_error(nullptr, nullptr, nullptr), ESP_ERR_INVALID_STATE);
}

INSTANTIATE_TEST_SUITE_P(TlsVersions, EspTlsStageTest, testing::Values("tlsv1.2", "tlsv1.3"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           return std::string(param.param) == "tlsv1.2" ? "Tls12" : "Tls13";
                         });

}  // namespace
}  // namespace portmqtt::esp_test
