#include "esp/tls_map.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_errors.h"

namespace portmqtt::esp {
namespace {

constexpr const char* kTag = "esp-tls";

// A cipher list OpenSSL refuses: the transport reports tls_configuration_invalid before it
// connects, which is how a configuration ESP-TLS would refuse fails here too.
constexpr const char* kRefusedCipherList = "!ALL";

struct CipherName {
  int id;
  const char* name;
};

// IANA cipher suite ids (what mbedTLS and ESP's ciphersuites_list use) and OpenSSL's names,
// for the suites mbedTLS offers that OpenSSL also has; sorted by id. Anonymous, NULL and SRP
// suites are left out on purpose.
constexpr CipherName kCiphers[] = {
    {0x002F, "AES128-SHA"},
    {0x0033, "DHE-RSA-AES128-SHA"},
    {0x0035, "AES256-SHA"},
    {0x0039, "DHE-RSA-AES256-SHA"},
    {0x003C, "AES128-SHA256"},
    {0x003D, "AES256-SHA256"},
    {0x0041, "CAMELLIA128-SHA"},
    {0x0045, "DHE-RSA-CAMELLIA128-SHA"},
    {0x0067, "DHE-RSA-AES128-SHA256"},
    {0x006B, "DHE-RSA-AES256-SHA256"},
    {0x0084, "CAMELLIA256-SHA"},
    {0x0088, "DHE-RSA-CAMELLIA256-SHA"},
    {0x008C, "PSK-AES128-CBC-SHA"},
    {0x008D, "PSK-AES256-CBC-SHA"},
    {0x0090, "DHE-PSK-AES128-CBC-SHA"},
    {0x0091, "DHE-PSK-AES256-CBC-SHA"},
    {0x0094, "RSA-PSK-AES128-CBC-SHA"},
    {0x0095, "RSA-PSK-AES256-CBC-SHA"},
    {0x009C, "AES128-GCM-SHA256"},
    {0x009D, "AES256-GCM-SHA384"},
    {0x009E, "DHE-RSA-AES128-GCM-SHA256"},
    {0x009F, "DHE-RSA-AES256-GCM-SHA384"},
    {0x00A8, "PSK-AES128-GCM-SHA256"},
    {0x00A9, "PSK-AES256-GCM-SHA384"},
    {0x00AA, "DHE-PSK-AES128-GCM-SHA256"},
    {0x00AB, "DHE-PSK-AES256-GCM-SHA384"},
    {0x00AC, "RSA-PSK-AES128-GCM-SHA256"},
    {0x00AD, "RSA-PSK-AES256-GCM-SHA384"},
    {0x00AE, "PSK-AES128-CBC-SHA256"},
    {0x00AF, "PSK-AES256-CBC-SHA384"},
    {0x00B2, "DHE-PSK-AES128-CBC-SHA256"},
    {0x00B3, "DHE-PSK-AES256-CBC-SHA384"},
    {0x00B6, "RSA-PSK-AES128-CBC-SHA256"},
    {0x00B7, "RSA-PSK-AES256-CBC-SHA384"},
    {0x00BA, "CAMELLIA128-SHA256"},
    {0x00BE, "DHE-RSA-CAMELLIA128-SHA256"},
    {0x00C0, "CAMELLIA256-SHA256"},
    {0x00C4, "DHE-RSA-CAMELLIA256-SHA256"},
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0xC009, "ECDHE-ECDSA-AES128-SHA"},
    {0xC00A, "ECDHE-ECDSA-AES256-SHA"},
    {0xC013, "ECDHE-RSA-AES128-SHA"},
    {0xC014, "ECDHE-RSA-AES256-SHA"},
    {0xC023, "ECDHE-ECDSA-AES128-SHA256"},
    {0xC024, "ECDHE-ECDSA-AES256-SHA384"},
    {0xC027, "ECDHE-RSA-AES128-SHA256"},
    {0xC028, "ECDHE-RSA-AES256-SHA384"},
    {0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {0xC02F, "ECDHE-RSA-AES128-GCM-SHA256"},
    {0xC030, "ECDHE-RSA-AES256-GCM-SHA384"},
    {0xC035, "ECDHE-PSK-AES128-CBC-SHA"},
    {0xC036, "ECDHE-PSK-AES256-CBC-SHA"},
    {0xC037, "ECDHE-PSK-AES128-CBC-SHA256"},
    {0xC038, "ECDHE-PSK-AES256-CBC-SHA384"},
    {0xC050, "ARIA128-GCM-SHA256"},
    {0xC051, "ARIA256-GCM-SHA384"},
    {0xC052, "DHE-RSA-ARIA128-GCM-SHA256"},
    {0xC053, "DHE-RSA-ARIA256-GCM-SHA384"},
    {0xC05C, "ECDHE-ECDSA-ARIA128-GCM-SHA256"},
    {0xC05D, "ECDHE-ECDSA-ARIA256-GCM-SHA384"},
    {0xC060, "ECDHE-ARIA128-GCM-SHA256"},
    {0xC061, "ECDHE-ARIA256-GCM-SHA384"},
    {0xC06A, "PSK-ARIA128-GCM-SHA256"},
    {0xC06B, "PSK-ARIA256-GCM-SHA384"},
    {0xC06C, "DHE-PSK-ARIA128-GCM-SHA256"},
    {0xC06D, "DHE-PSK-ARIA256-GCM-SHA384"},
    {0xC06E, "RSA-PSK-ARIA128-GCM-SHA256"},
    {0xC06F, "RSA-PSK-ARIA256-GCM-SHA384"},
    {0xC072, "ECDHE-ECDSA-CAMELLIA128-SHA256"},
    {0xC073, "ECDHE-ECDSA-CAMELLIA256-SHA384"},
    {0xC076, "ECDHE-RSA-CAMELLIA128-SHA256"},
    {0xC077, "ECDHE-RSA-CAMELLIA256-SHA384"},
    {0xC094, "PSK-CAMELLIA128-SHA256"},
    {0xC095, "PSK-CAMELLIA256-SHA384"},
    {0xC096, "DHE-PSK-CAMELLIA128-SHA256"},
    {0xC097, "DHE-PSK-CAMELLIA256-SHA384"},
    {0xC098, "RSA-PSK-CAMELLIA128-SHA256"},
    {0xC099, "RSA-PSK-CAMELLIA256-SHA384"},
    {0xC09A, "ECDHE-PSK-CAMELLIA128-SHA256"},
    {0xC09B, "ECDHE-PSK-CAMELLIA256-SHA384"},
    {0xC09C, "AES128-CCM"},
    {0xC09D, "AES256-CCM"},
    {0xC09E, "DHE-RSA-AES128-CCM"},
    {0xC09F, "DHE-RSA-AES256-CCM"},
    {0xC0A0, "AES128-CCM8"},
    {0xC0A1, "AES256-CCM8"},
    {0xC0A2, "DHE-RSA-AES128-CCM8"},
    {0xC0A3, "DHE-RSA-AES256-CCM8"},
    {0xC0A4, "PSK-AES128-CCM"},
    {0xC0A5, "PSK-AES256-CCM"},
    {0xC0A6, "DHE-PSK-AES128-CCM"},
    {0xC0A7, "DHE-PSK-AES256-CCM"},
    {0xC0A8, "PSK-AES128-CCM8"},
    {0xC0A9, "PSK-AES256-CCM8"},
    {0xC0AA, "DHE-PSK-AES128-CCM8"},
    {0xC0AB, "DHE-PSK-AES256-CCM8"},
    {0xC0AC, "ECDHE-ECDSA-AES128-CCM"},
    {0xC0AD, "ECDHE-ECDSA-AES256-CCM"},
    {0xC0AE, "ECDHE-ECDSA-AES128-CCM8"},
    {0xC0AF, "ECDHE-ECDSA-AES256-CCM8"},
    {0xCCA8, "ECDHE-RSA-CHACHA20-POLY1305"},
    {0xCCA9, "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {0xCCAA, "DHE-RSA-CHACHA20-POLY1305"},
    {0xCCAB, "PSK-CHACHA20-POLY1305"},
    {0xCCAC, "ECDHE-PSK-CHACHA20-POLY1305"},
    {0xCCAD, "DHE-PSK-CHACHA20-POLY1305"},
    {0xCCAE, "RSA-PSK-CHACHA20-POLY1305"},
};

bool is_tls13_suite(int id) {
  return (id >> 8) == 0x13;
}

std::optional<std::string> pem_or_der(const char* data, std::size_t len) {
  if (data == nullptr) return std::nullopt;
  if (len == 0) {
    // The literal "NULL" means "none": how ESP-MQTT lets a later configuration remove it.
    if (std::strcmp(data, "NULL") == 0) return std::nullopt;
    return std::string(data);
  }
  return std::string(data, len);
}

void append_name(std::string& list, const char* name) {
  if (!list.empty()) list += ':';
  list += name;
}

void refuse(TlsConfig& tls) {
  tls.ciphers_tls12 = kRefusedCipherList;
}

// Picks the trust source by ESP-TLS's precedence; returns the ESP-TLS code of a refusal, or
// ESP_OK.
esp_err_t choose_trust(const TlsSettings& s, TlsConfig& tls, bool log) {
  if (s.use_global_ca_store) {
    std::optional<std::string> store = global_ca_store();
    if (!store || store->empty()) {
      if (log) ESP_LOGE(kTag, "use_global_ca_store is set, but the global CA store is empty");
      return ESP_ERR_INVALID_STATE;  // what ESP-TLS's set_global_ca_store() returns
    }
    tls.ca_certificate = std::move(*store);
    return ESP_OK;
  }
  if (s.crt_bundle_attach != nullptr) {
    BundleAttachTarget target;
    esp_err_t rc = s.crt_bundle_attach(&target);
    // ESP-TLS ignores the hook's result and fails the handshake for want of a trust anchor;
    // here the attempt stops before connecting, as for a configuration without trust.
    if (rc != ESP_OK) {
      if (log) ESP_LOGE(kTag, "crt_bundle_attach failed: %s", esp_err_to_name(rc));
      return ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
    }
    if (target.custom_bundle) {
      tls.ca_certificate = std::move(*target.custom_bundle);
      return ESP_OK;
    }
    if (target.system_store) {
      tls.use_system_trust_store = true;
      return ESP_OK;
    }
    if (log) ESP_LOGE(kTag, "crt_bundle_attach left no certificate bundle attached");
    return ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
  }
  if (s.ca_certificate) {
    tls.ca_certificate = *s.ca_certificate;
    return ESP_OK;
  }
  if (s.psk) {
    tls.psk = s.psk;  // no certificate is involved: nothing to verify
    return ESP_OK;
  }
  if (skip_server_cert_verify_default()) {
    if (log) ESP_LOGW(kTag, "no server verification option set: connecting WITHOUT verification");
    tls.skip_verification = true;
    return ESP_OK;
  }
  if (log) {
    ESP_LOGE(kTag,
             "No server verification option set in esp_tls_cfg_t structure. Check esp_tls API "
             "reference");
  }
  return ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
}

// Restricts the offered suites; returns false when none of the ids is known.
bool choose_ciphers(const std::vector<int>& ids, TlsConfig& tls, bool log) {
  if (ids.empty()) return true;
  CipherSelection selection = map_ciphersuites(ids);
  if (log) {
    for (int id : selection.unknown)
      ESP_LOGW(kTag, "ciphersuites_list: unknown cipher suite 0x%04X ignored", id);
  }
  if (selection.tls12.empty() && selection.tls13.empty()) {
    if (log) ESP_LOGE(kTag, "ciphersuites_list holds no usable cipher suite");
    return false;
  }
  // mbedTLS takes one list for both versions, so a version without a listed suite cannot be
  // negotiated; OpenSSL keeps two lists, so the version range says it instead.
  tls.ciphers_tls12 = selection.tls12;
  tls.ciphersuites_tls13 = selection.tls13;
  if (selection.tls13.empty()) tls.max_version = TlsVersion::tls1_2;
  if (selection.tls12.empty()) tls.min_version = TlsVersion::tls1_3;
  return true;
}

}  // namespace

TlsSettings read_tls_settings(const esp_mqtt_client_config_t& in) {
  const auto& verify = in.broker.verification;
  const auto& auth = in.credentials.authentication;
  TlsSettings tls;
  tls.use_global_ca_store = verify.use_global_ca_store;
  tls.crt_bundle_attach = verify.crt_bundle_attach;
  tls.ca_certificate = pem_or_der(verify.certificate, verify.certificate_len);
  tls.client_certificate = pem_or_der(auth.certificate, auth.certificate_len);
  tls.client_key = pem_or_der(auth.key, auth.key_len);
  if (const psk_hint_key_t* psk = verify.psk_hint_key) {
    TlsPsk copy;
    // ESP's "hint" is the identity the client sends; any hint of the server is accepted.
    if (psk->hint != nullptr) copy.identity = psk->hint;
    if (psk->key != nullptr)
      copy.key.assign(reinterpret_cast<const char*>(psk->key), psk->key_size);
    tls.psk = std::move(copy);
  }
  tls.skip_common_name_check = verify.skip_cert_common_name_check;
  if (verify.common_name != nullptr) tls.common_name = verify.common_name;
  if (verify.ciphersuites_list != nullptr) {
    for (const int* id = verify.ciphersuites_list; *id != 0; ++id)
      tls.ciphersuites.push_back(*id);
  }
  return tls;
}

bool is_unset(const TlsSettings& tls) {
  return !tls.use_global_ca_store && tls.crt_bundle_attach == nullptr && !tls.ca_certificate &&
         !tls.client_certificate && !tls.client_key && !tls.psk && !tls.skip_common_name_check &&
         tls.common_name.empty() && tls.ciphersuites.empty();
}

const char* hardware_key_option(const esp_mqtt_client_config_t& in) {
  const auto& auth = in.credentials.authentication;
  if (auth.use_secure_element) return "use_secure_element";
  if (auth.ds_data != nullptr) return "ds_data";
  if (auth.use_ecdsa_peripheral) return "use_ecdsa_peripheral";
  return nullptr;
}

bool has_trust_source(const TlsSettings& tls) {
  return tls.use_global_ca_store || tls.crt_bundle_attach != nullptr || tls.ca_certificate ||
         tls.psk;
}

TlsConfig to_tls_config(const TlsSettings& s, const std::vector<std::string>& alpn,
                        const std::optional<std::string>& key_password, bool log,
                        esp_err_t* refusal) {
  TlsConfig tls;
  tls.client_certificate = s.client_certificate.value_or("");
  tls.client_key = s.client_key.value_or("");
  tls.key_password = key_password.value_or("");
  tls.server_name = s.common_name;
  tls.skip_hostname_check = s.skip_common_name_check;
  tls.alpn = alpn;
  esp_err_t code = choose_trust(s, tls, log);
  if (code == ESP_OK && !choose_ciphers(s.ciphersuites, tls, log))
    code = ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
  if (code != ESP_OK) refuse(tls);
  if (refusal != nullptr) *refusal = code;
  return tls;
}

CipherSelection map_ciphersuites(std::span<const int> ids) {
  CipherSelection out;
  for (int id : ids) {
    const char* name = openssl_cipher_name(id);
    if (name == nullptr) {
      out.unknown.push_back(id);
    } else {
      append_name(is_tls13_suite(id) ? out.tls13 : out.tls12, name);
    }
  }
  return out;
}

const char* openssl_cipher_name(int id) {
  const auto* found = std::lower_bound(std::begin(kCiphers), std::end(kCiphers), id,
                                       [](const CipherName& c, int key) { return c.id < key; });
  return found != std::end(kCiphers) && found->id == id ? found->name : nullptr;
}

}  // namespace portmqtt::esp
