/// \file
/// TLS settings of a connection (mqtts://, wss://): the one shape they have, from
/// Config::tls down to the transport that sets up OpenSSL. Plain data, no dependencies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace portmqtt {

/// Highest or lowest TLS protocol version to negotiate.
enum class TlsVersion : std::uint8_t { tls1_2, tls1_3 };

/// A pre-shared key for TLS-PSK (used instead of certificates when `identity` is set).
struct TlsPsk {
  std::string identity;  ///< sent to the server (ESP psk_hint_key.hint)
  std::string key;       ///< the raw key bytes (not hex)
  /// When not empty, the identity hint the server must announce; otherwise any hint.
  std::string hint;
};

/// TLS settings for mqtts:// and wss://. Certificates and keys are bytes, PEM or DER (told
/// apart by a "-----BEGIN" line); a PEM field may hold several certificates (a client
/// certificate followed by its chain, several CAs).
///
/// The server certificate is verified whenever a trust source is given (ca_certificate,
/// ca_file, ca_directory, use_system_trust_store). With none, it is verified against the
/// system store, except on a PSK connection (no certificate involved) or with
/// skip_verification. The host name (or server_name) is checked against the certificate per
/// RFC 6125: subjectAltName first, the subject CN only without DNS names, a wildcard only as
/// the whole left-most label; IP literals are matched against IP addresses. SNI is sent for
/// names, never for IP literals. Renegotiation is refused.
///
/// Failures arrive as Error events of ErrorKind::tls with errc::tls_configuration_invalid,
/// tls_handshake_failed, certificate_invalid, hostname_mismatch or tls_connection_failed,
/// and the OpenSSL details in Error::tls_stack_error and
/// Error::tls_verify_result; DNS and TCP failures keep their own codes.
struct TlsConfig {
  std::string ca_certificate;      ///< PEM (or DER) trusted CA certificates
  std::string client_certificate;  ///< PEM (or DER) client certificate for mutual TLS
  std::string client_key;          ///< PEM (or DER, PKCS#8 when encrypted) private key
  std::string key_password;        ///< password of an encrypted client_key
  /// Name to verify and send as SNI instead of the broker host (ESP common_name). Empty:
  /// the broker host.
  std::string server_name;
  bool skip_verification = false;       ///< explicit opt-out of peer verification
  std::vector<std::string> alpn;        ///< ALPN protocol names offered, in order of preference
  std::string ca_file;                  ///< path of a PEM file of trusted CAs
  std::string ca_directory;             ///< OpenSSL hashed directory (c_rehash) of trusted CAs
  bool use_system_trust_store = false;  ///< trust the operating system's CA store
  /// Verify the chain but not the name (ESP skip_cert_common_name_check).
  bool skip_hostname_check = false;
  std::optional<TlsPsk> psk;
  /// OpenSSL cipher list for TLS 1.2 ("ECDHE-RSA-AES128-GCM-SHA256:..."); empty: default.
  std::string ciphers_tls12;
  /// TLS 1.3 suites ("TLS_AES_128_GCM_SHA256:..."); empty: default.
  std::string ciphersuites_tls13;
  TlsVersion min_version = TlsVersion::tls1_2;
  TlsVersion max_version = TlsVersion::tls1_3;
};

}  // namespace portmqtt
