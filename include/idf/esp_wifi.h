/*
 * esp_wifi.h — the Wi-Fi calls ESP-IDF's MQTT examples include and sometimes make
 * (portmqtt-idf). On Linux the host's network is already up, so the calls only succeed;
 * example_connect() is what examples use to bring the network up.
 */
#ifndef PORTMQTT_IDF_ESP_WIFI_H
#define PORTMQTT_IDF_ESP_WIFI_H

#include "esp_err.h"
#include "esp_event.h"
#include "esp_netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Wi-Fi modes. */
typedef enum {
  WIFI_MODE_NULL = 0, /*!< Off. */
  WIFI_MODE_STA,      /*!< Station. */
  WIFI_MODE_AP,       /*!< Soft access point. */
  WIFI_MODE_APSTA,    /*!< Both. */
  WIFI_MODE_MAX
} wifi_mode_t;

/** Power-save modes. */
typedef enum {
  WIFI_PS_NONE,      /*!< No power save. */
  WIFI_PS_MIN_MODEM, /*!< Minimum modem power save. */
  WIFI_PS_MAX_MODEM, /*!< Maximum modem power save. */
} wifi_ps_type_t;

/** Base of the Wi-Fi events (none are posted on Linux). */
ESP_EVENT_DECLARE_BASE(WIFI_EVENT);

/** Records the mode. @return ESP_OK; ESP_ERR_INVALID_ARG for an unknown mode */
esp_err_t esp_wifi_set_mode(wifi_mode_t mode);
/** The mode recorded by esp_wifi_set_mode() (WIFI_MODE_NULL before). @return ESP_OK */
esp_err_t esp_wifi_get_mode(wifi_mode_t* mode);
/** Records the power-save mode. @return ESP_OK */
esp_err_t esp_wifi_set_ps(wifi_ps_type_t type);
/** Nothing to start: the host's network is up. @return ESP_OK */
esp_err_t esp_wifi_start(void);
/** Nothing to stop. @return ESP_OK */
esp_err_t esp_wifi_stop(void);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_ESP_WIFI_H */
