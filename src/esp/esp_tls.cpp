// esp_tls.h and esp_crt_bundle.h. The TLS transport is not available yet, so the process-wide
// CA store and the certificate bundle report ESP_ERR_NOT_SUPPORTED, and say so in the log.
#include "esp_tls.h"
#include "esp_crt_bundle.h"
#include "esp_log.h"

namespace {
constexpr const char* kTag = "esp-tls";
}

extern "C" {

esp_err_t esp_tls_init_global_ca_store(void) {
  ESP_LOGW(kTag, "the global CA store is not supported yet (no TLS transport in this build)");
  return ESP_ERR_NOT_SUPPORTED;
}

esp_err_t esp_tls_set_global_ca_store(const unsigned char* cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes) {
  if (cacert_pem_buf == nullptr || cacert_pem_bytes == 0) return ESP_ERR_INVALID_ARG;
  ESP_LOGW(kTag, "the global CA store is not supported yet (no TLS transport in this build)");
  return ESP_ERR_NOT_SUPPORTED;
}

void esp_tls_free_global_ca_store(void) {}

esp_err_t esp_crt_bundle_attach(void* conf) {
  if (conf == nullptr) return ESP_ERR_INVALID_ARG;
  ESP_LOGW(kTag, "the certificate bundle is not supported yet (no TLS transport in this build)");
  return ESP_ERR_NOT_SUPPORTED;
}

}  // extern "C"
