// ESP-TLS options (broker.verification, credentials.authentication) -> portmqtt::TlsConfig:
// the choice of trust source as ESP-TLS makes it, the process-wide CA store, ESP's cipher
// suite ids, and the hardware-key options Linux cannot honour.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mqtt_client.h"
#include "portmqtt/config.hpp"

namespace portmqtt::esp {

/// TLS options of a configuration. ESP-MQTT resets all of these on every esp_mqtt_set_config().
struct TlsSettings {
  bool use_global_ca_store = false;
  esp_err_t (*crt_bundle_attach)(void* conf) = nullptr;
  std::optional<std::string> ca_certificate;  // PEM text or DER bytes
  std::optional<std::string> client_certificate;
  std::optional<std::string> client_key;
  std::optional<TlsPsk> psk;  // copied from psk_hint_key
  bool skip_common_name_check = false;
  std::string common_name;
  std::vector<int> ciphersuites;  // ESP's 0-terminated list, without the 0
};

/// What esp_crt_bundle_attach() receives as `conf`: a tagged object, so that a stray pointer
/// is refused instead of written to.
struct BundleAttachTarget {
  static constexpr std::uint32_t kTag = 0x42'55'4e'44;  // "BUND"
  std::uint32_t tag = kTag;
  bool system_store = false;  // set by esp_crt_bundle_attach(), cleared by _detach()
  // The certificates given to esp_crt_bundle_set(), as PEM, if any: they replace the system
  // trust store while the bundle is attached.
  std::optional<std::string> custom_bundle;
};

/// The TLS fields of `in` (certificates PEM when their length is 0, DER otherwise).
TlsSettings read_tls_settings(const esp_mqtt_client_config_t& in);

/// The name of the first ESP hardware-key option `in` sets (use_secure_element, ds_data,
/// use_ecdsa_peripheral), or nullptr. Linux has no such hardware.
const char* hardware_key_option(const esp_mqtt_client_config_t& in);

/// Whether nothing of TLS is set: what a client that does not use TLS holds. Reads every field
/// of TlsSettings (a new field belongs there too, or settings holding only it would be dropped).
bool is_unset(const TlsSettings& tls);

/// Whether any trust source is configured (global store, bundle, certificate or PSK).
bool has_trust_source(const TlsSettings& tls);

/// The TlsConfig ESP-TLS would build from these settings. Trust source precedence as in
/// ESP-TLS: global CA store, then bundle, then certificate, then PSK. With none, the attempt
/// is refused unless esp_tls_set_skip_server_cert_verify_default(true) was called. A
/// configuration ESP-TLS would refuse (empty global store, failing bundle hook, no trust
/// source, no usable cipher suite) comes back unusable: the transport then fails every
/// attempt with errc::tls_configuration_invalid. `log` false keeps it quiet (non-TLS schemes).
/// `refusal`, when given, gets the ESP-TLS code of such a refusal (ESP_ERR_INVALID_STATE for an
/// empty global CA store, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED for the others), or ESP_OK.
TlsConfig to_tls_config(const TlsSettings& tls, const std::vector<std::string>& alpn,
                        const std::optional<std::string>& key_password, bool log,
                        esp_err_t* refusal = nullptr);

/// ESP's cipher suite ids (IANA numbers, as mbedTLS uses them) as OpenSSL cipher strings.
struct CipherSelection {
  std::string tls12;         ///< OpenSSL cipher list for TLS 1.2, ':'-separated
  std::string tls13;         ///< OpenSSL TLS 1.3 ciphersuites, ':'-separated
  std::vector<int> unknown;  ///< ids with no OpenSSL equivalent known here
};
CipherSelection map_ciphersuites(std::span<const int> ids);

/// The OpenSSL name of one suite id, or nullptr when unknown.
const char* openssl_cipher_name(int id);

/// Copy of the process-wide CA store as PEM text; nullopt when it was never set or was freed.
/// Implemented in esp_tls.cpp.
std::optional<std::string> global_ca_store();
/// esp_tls_set_skip_server_cert_verify_default()'s current value. Implemented in esp_tls.cpp.
bool skip_server_cert_verify_default();

}  // namespace portmqtt::esp
