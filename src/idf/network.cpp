// esp_netif.h, esp_wifi.h and protocol_examples_common.h: the host's network stands for the
// chip's interfaces, and it is always up.
#include <arpa/inet.h>

#include <atomic>

#include "esp_log.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "protocol_examples_common.h"

ESP_EVENT_DEFINE_BASE(IP_EVENT);
ESP_EVENT_DEFINE_BASE(WIFI_EVENT);

struct esp_netif_obj {
  const char* description;
};

namespace {

constexpr const char* kTag = "example_connect";
esp_netif_obj host_network{"host network"};
std::atomic<wifi_mode_t> wifi_mode{WIFI_MODE_NULL};

esp_netif_ip_info_t loopback_info() {
  esp_netif_ip_info_t info{};
  info.ip.addr = htonl(INADDR_LOOPBACK);
  info.netmask.addr = htonl(0xFF000000U);
  info.gw.addr = 0;
  return info;
}

}  // namespace

extern "C" {

esp_err_t esp_netif_init(void) {
  return ESP_OK;
}

esp_err_t esp_netif_deinit(void) {
  return ESP_ERR_NOT_SUPPORTED;
}

esp_netif_t* esp_netif_create_default_wifi_sta(void) {
  return &host_network;
}

void esp_netif_destroy(esp_netif_t* esp_netif) {
  (void)esp_netif;
}

esp_err_t esp_netif_get_ip_info(esp_netif_t* esp_netif, esp_netif_ip_info_t* ip_info) {
  if (esp_netif == nullptr || ip_info == nullptr) return ESP_ERR_INVALID_ARG;
  *ip_info = loopback_info();
  return ESP_OK;
}

esp_err_t esp_wifi_set_mode(wifi_mode_t mode) {
  if (mode < WIFI_MODE_NULL || mode >= WIFI_MODE_MAX) return ESP_ERR_INVALID_ARG;
  wifi_mode = mode;
  return ESP_OK;
}

esp_err_t esp_wifi_get_mode(wifi_mode_t* mode) {
  if (mode == nullptr) return ESP_ERR_INVALID_ARG;
  *mode = wifi_mode.load();
  return ESP_OK;
}

esp_err_t esp_wifi_set_ps(wifi_ps_type_t type) {
  (void)type;
  return ESP_OK;
}

esp_err_t esp_wifi_start(void) {
  return ESP_OK;
}

esp_err_t esp_wifi_stop(void) {
  return ESP_OK;
}

esp_err_t example_connect(void) {
  ip_event_got_ip_t event{};
  event.esp_netif = &host_network;
  event.ip_info = loopback_info();
  event.ip_changed = false;
  ESP_LOGI(kTag, "Connected to the host network");
  ESP_LOGI(kTag, "- IPv4 address: " IPSTR, IP2STR(&event.ip_info.ip));
  // Without a default loop there is nobody to tell (ESP_ERR_INVALID_STATE), as on the chip
  // where the helper needs the loop; that is not an error here.
  esp_err_t rc = esp_event_post(IP_EVENT, IP_EVENT_STA_GOT_IP, &event, sizeof event, portMAX_DELAY);
  if (rc != ESP_OK && rc != ESP_ERR_INVALID_STATE) return rc;
  return ESP_OK;
}

esp_err_t example_disconnect(void) {
  return ESP_OK;
}

esp_netif_t* get_example_netif(void) {
  return &host_network;
}

esp_err_t example_configure_stdin_stdout(void) {
  return ESP_OK;
}

}  // extern "C"
