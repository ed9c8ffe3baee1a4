/*
 * esp_netif.h — ESP-IDF's network interface layer, as far as MQTT applications call it
 * (portmqtt-idf). On Linux the operating system owns the interfaces: esp_netif_init() has
 * nothing to start, and the interface handles stand for "the host's network".
 */
#ifndef PORTMQTT_IDF_ESP_NETIF_H
#define PORTMQTT_IDF_ESP_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_event.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A network interface (opaque). */
typedef struct esp_netif_obj esp_netif_t;

/** An IPv4 address in network byte order. */
typedef struct {
  uint32_t addr; /*!< The address, network byte order. */
} esp_ip4_addr_t;

/** Address, netmask and gateway of an interface. */
typedef struct {
  esp_ip4_addr_t ip;      /*!< Interface address. */
  esp_ip4_addr_t netmask; /*!< Netmask. */
  esp_ip4_addr_t gw;      /*!< Gateway. */
} esp_netif_ip_info_t;

/** Data of IP_EVENT_STA_GOT_IP and IP_EVENT_ETH_GOT_IP. */
typedef struct {
  esp_netif_t* esp_netif;      /*!< The interface. */
  esp_netif_ip_info_t ip_info; /*!< Its addresses. */
  bool ip_changed;             /*!< Whether the address changed. */
} ip_event_got_ip_t;

/** Events of IP_EVENT. */
typedef enum {
  IP_EVENT_STA_GOT_IP,       /*!< The station got an address. */
  IP_EVENT_STA_LOST_IP,      /*!< The station lost its address. */
  IP_EVENT_AP_STAIPASSIGNED, /*!< The soft-AP gave a station an address. */
  IP_EVENT_GOT_IP6,          /*!< An interface got an IPv6 address. */
  IP_EVENT_ETH_GOT_IP,       /*!< Ethernet got an address. */
  IP_EVENT_ETH_LOST_IP,      /*!< Ethernet lost its address. */
  IP_EVENT_PPP_GOT_IP,       /*!< PPP got an address. */
  IP_EVENT_PPP_LOST_IP,      /*!< PPP lost its address. */
} ip_event_t;

/** Base of the IP events (example_connect() posts IP_EVENT_STA_GOT_IP to the default loop). */
ESP_EVENT_DECLARE_BASE(IP_EVENT);

/** Format and arguments to print an esp_ip4_addr_t*: ESP_LOGI(TAG, "ip " IPSTR, IP2STR(&a)). */
#define IPSTR "%d.%d.%d.%d"
#define esp_ip4_addr_get_byte(ipaddr, idx) (((const uint8_t*)(&(ipaddr)->addr))[idx])
#define IP2STR(ipaddr)                                                \
  esp_ip4_addr_get_byte(ipaddr, 0), esp_ip4_addr_get_byte(ipaddr, 1), \
      esp_ip4_addr_get_byte(ipaddr, 2), esp_ip4_addr_get_byte(ipaddr, 3)

/** Starts the interface layer: nothing to start on Linux. Thread-safe. @return ESP_OK */
esp_err_t esp_netif_init(void);
/** As in ESP-IDF, the layer cannot be stopped. @return ESP_ERR_NOT_SUPPORTED */
esp_err_t esp_netif_deinit(void);
/**
 * The station interface ESP-IDF's Wi-Fi examples create; here a handle for the host's network.
 * @return a handle valid for the whole program
 */
esp_netif_t* esp_netif_create_default_wifi_sta(void);
/** Releases a handle from esp_netif_create_default_wifi_sta() (nothing to do). */
void esp_netif_destroy(esp_netif_t* esp_netif);
/**
 * Addresses of an interface: the loopback address 127.0.0.1/8 (the host's own addresses are
 * not looked up).
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL
 */
esp_err_t esp_netif_get_ip_info(esp_netif_t* esp_netif, esp_netif_ip_info_t* ip_info);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_ESP_NETIF_H */
