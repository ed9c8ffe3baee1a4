// esp_tls.h and esp_crt_bundle.h: the process-wide CA store, the certificate-bundle hook
// (the system trust store on Linux) and the "skip verification by default" switch.
//
// The store keeps PEM text: DER certificates are converted when they are added, so that
// any number of certificates of either form can live in one TlsConfig::ca_certificate.
// Certificates are parsed by the TLS transport when a connection is set up; here only their
// shape is checked (OpenSSL stays inside the transport).
#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "common/thread_safety.hpp"
#include "esp/tls_map.hpp"
#include "esp_crt_bundle.h"
#include "esp_log.h"
#include "esp_tls.h"

namespace portmqtt::esp {
namespace {

constexpr const char* kTag = "esp-tls";
constexpr std::string_view kBeginCert = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEndCert = "-----END CERTIFICATE-----";

portmqtt::detail::Mutex store_mutex;
std::optional<std::string> store GUARDED_BY(store_mutex);  // nullopt: not initialised
std::atomic<bool> skip_verify_default{false};
std::optional<std::string> custom_bundle GUARDED_BY(store_mutex);  // esp_crt_bundle_set()

bool is_pem_certificates(std::string_view text) {
  std::size_t begin = text.find(kBeginCert);
  return begin != std::string_view::npos &&
         text.find(kEndCert, begin + kBeginCert.size()) != std::string_view::npos;
}

// One DER certificate: an ASN.1 SEQUENCE whose definite length covers exactly the bytes.
bool is_der_certificate(std::string_view der) {
  if (der.size() < 2 || static_cast<unsigned char>(der[0]) != 0x30) return false;
  const auto first = static_cast<unsigned char>(der[1]);
  std::size_t header = 2;
  std::size_t length = first;
  if (first & 0x80U) {
    const std::size_t octets = first & 0x7FU;
    if (octets == 0 || octets > 3 || der.size() < 2 + octets) return false;
    length = 0;
    for (std::size_t i = 0; i < octets; ++i)
      length = (length << 8U) | static_cast<unsigned char>(der[2 + i]);
    header += octets;
  }
  return header + length == der.size();
}

std::string der_to_pem(std::string_view der) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string base64;
  for (std::size_t i = 0; i < der.size(); i += 3) {
    std::uint32_t chunk = static_cast<std::uint32_t>(static_cast<unsigned char>(der[i])) << 16U;
    if (i + 1 < der.size())
      chunk |= static_cast<std::uint32_t>(static_cast<unsigned char>(der[i + 1])) << 8U;
    if (i + 2 < der.size()) chunk |= static_cast<unsigned char>(der[i + 2]);
    base64 += kAlphabet[(chunk >> 18U) & 0x3FU];
    base64 += kAlphabet[(chunk >> 12U) & 0x3FU];
    base64 += i + 1 < der.size() ? kAlphabet[(chunk >> 6U) & 0x3FU] : '=';
    base64 += i + 2 < der.size() ? kAlphabet[chunk & 0x3FU] : '=';
  }
  std::string pem{kBeginCert};
  pem += '\n';
  for (std::size_t i = 0; i < base64.size(); i += 64) {
    pem.append(base64, i, 64);
    pem += '\n';
  }
  pem += kEndCert;
  pem += '\n';
  return pem;
}

}  // namespace

std::optional<std::string> global_ca_store() {
  portmqtt::detail::MutexLock lock(store_mutex);
  return store;
}

bool skip_server_cert_verify_default() {
  return skip_verify_default.load();
}

}  // namespace portmqtt::esp

using namespace portmqtt::esp;  // NOLINT(google-build-using-namespace): C entry points only

extern "C" {

esp_err_t esp_tls_init_global_ca_store(void) {
  portmqtt::detail::MutexLock lock(store_mutex);
  if (!store) store.emplace();
  return ESP_OK;
}

esp_err_t esp_tls_set_global_ca_store(const unsigned char* cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes) {
  if (cacert_pem_buf == nullptr || cacert_pem_bytes == 0) return ESP_ERR_INVALID_ARG;
  std::string_view bytes(reinterpret_cast<const char*>(cacert_pem_buf), cacert_pem_bytes);
  // ESP-IDF wants the terminating NUL of PEM text counted in the length.
  std::string_view text = bytes.substr(0, bytes.find('\0'));
  std::string pem;
  if (is_pem_certificates(text)) {
    pem.assign(text);
    if (pem.back() != '\n') pem += '\n';
  } else if (is_der_certificate(bytes)) {
    pem = der_to_pem(bytes);
  }
  portmqtt::detail::MutexLock lock(store_mutex);
  if (pem.empty()) {
    ESP_LOGE(kTag, "esp_tls_set_global_ca_store: neither PEM certificates nor a DER certificate");
    store.reset();  // ESP-IDF frees the store when parsing fails
    return ESP_FAIL;
  }
  if (!store) store.emplace();
  *store += pem;
  return ESP_OK;
}

void esp_tls_free_global_ca_store(void) {
  portmqtt::detail::MutexLock lock(store_mutex);
  store.reset();
}

void esp_tls_set_skip_server_cert_verify_default(bool skip) {
  skip_verify_default.store(skip);
}

esp_err_t esp_crt_bundle_attach(void* conf) {
  auto* target = static_cast<BundleAttachTarget*>(conf);
  if (target == nullptr || target->tag != BundleAttachTarget::kTag) return ESP_ERR_INVALID_ARG;
  target->system_store = true;
  portmqtt::detail::MutexLock lock(store_mutex);
  target->custom_bundle = custom_bundle;
  return ESP_OK;
}

void esp_crt_bundle_detach(void* conf) {
  auto* target = static_cast<BundleAttachTarget*>(conf);
  if (target == nullptr || target->tag != BundleAttachTarget::kTag) return;
  target->system_store = false;
  target->custom_bundle.reset();
}

esp_err_t esp_crt_bundle_set(const uint8_t* x509_bundle, size_t bundle_size) {
  if (x509_bundle == nullptr || bundle_size == 0) return ESP_ERR_INVALID_ARG;
  std::string_view bytes(reinterpret_cast<const char*>(x509_bundle), bundle_size);
  std::string_view text = bytes.substr(0, bytes.find('\0'));
  std::string pem;
  if (is_pem_certificates(text)) {
    pem.assign(text);
    if (pem.back() != '\n') pem += '\n';
  } else if (is_der_certificate(bytes)) {
    pem = der_to_pem(bytes);
  } else {
    ESP_LOGE(kTag, "esp_crt_bundle_set: neither PEM certificates nor a DER certificate");
    return ESP_ERR_INVALID_ARG;
  }
  portmqtt::detail::MutexLock lock(store_mutex);
  custom_bundle = std::move(pem);
  return ESP_OK;
}

esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int* esp_tls_code,
                                           int* esp_tls_flags) {
  if (h == nullptr) return ESP_ERR_INVALID_STATE;
  const esp_err_t last = h->last_error;
  if (esp_tls_code != nullptr) *esp_tls_code = h->esp_tls_error_code;
  if (esp_tls_flags != nullptr) *esp_tls_flags = h->esp_tls_flags;
  *h = esp_tls_last_error_t{};
  return last;
}

bool esp_crt_bundle_in_use(const void* ca_chain) {
  const auto* target = static_cast<const BundleAttachTarget*>(ca_chain);
  return target != nullptr && target->tag == BundleAttachTarget::kTag && target->system_store;
}

}  // extern "C"
