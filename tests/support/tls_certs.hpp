// Certificates for TLS tests, made with the openssl command line once per test process: a
// test CA, an unrelated CA, server certificates (right name, wrong name, expired), a client
// certificate with plain and encrypted keys, DER copies, and mosquitto TLS listener config.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace portmqtt::test {

/// Paths of the files made by test_certificates().
struct TlsFiles {
  std::filesystem::path dir;
  std::filesystem::path ca_cert;        ///< test CA (PEM)
  std::filesystem::path ca_cert_der;    ///< test CA (DER)
  std::filesystem::path other_ca_cert;  ///< a CA that signed nothing we use (PEM)
  std::filesystem::path server_cert;    ///< SAN DNS:localhost, IP:127.0.0.1, by the test CA
  std::filesystem::path server_key;
  std::filesystem::path wrong_name_cert;  ///< SAN DNS:wrong.example, by the test CA
  std::filesystem::path wrong_name_key;
  std::filesystem::path expired_cert;  ///< localhost, valid in January 2020 only
  std::filesystem::path expired_key;
  std::filesystem::path client_cert;  ///< CN portmqtt-client, by the test CA (PEM)
  std::filesystem::path client_key;   ///< unencrypted (PEM)
  std::filesystem::path client_cert_der;
  std::filesystem::path client_key_der;  ///< unencrypted PKCS#8 (DER)
  /// PKCS#8 encrypted with kClientKeyPassword (PEM and DER)
  std::filesystem::path client_key_encrypted;
  std::filesystem::path client_key_encrypted_der;
};

inline constexpr const char* kClientKeyPassword = "s3cret-pass";

/// Makes the files on first use (throws std::runtime_error if openssl fails) and returns
/// them; they live until the process exits.
const TlsFiles& test_certificates();

/// A loopback port nobody listens on right now.
std::uint16_t free_port();

/// mosquitto.conf lines for a TLS listener on `port` with `cert`/`key`, trusting the test CA
/// for client certificates; `extra` lines follow (e.g. "require_certificate true").
std::string tls_listener_config(std::uint16_t port, const std::filesystem::path& cert,
                                const std::filesystem::path& key, const std::string& extra = "");

}  // namespace portmqtt::test
