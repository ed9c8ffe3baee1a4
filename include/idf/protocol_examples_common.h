/*
 * protocol_examples_common.h — the network helper of ESP-IDF's protocol examples
 * (portmqtt-idf). On ESP-IDF example_connect() joins the Wi-Fi or Ethernet chosen in
 * menuconfig and waits for an address; on Linux the host's network is up already.
 */
#ifndef PORTMQTT_IDF_PROTOCOL_EXAMPLES_COMMON_H
#define PORTMQTT_IDF_PROTOCOL_EXAMPLES_COMMON_H

#include "esp_err.h"
#include "esp_netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Reports the network as connected: logs the address as ESP-IDF's helper does and, if the
 * default event loop exists, posts IP_EVENT_STA_GOT_IP (an ip_event_got_ip_t for 127.0.0.1)
 * to it, so handlers registered for it run as on the chip.
 *
 * @return ESP_OK
 */
esp_err_t example_connect(void);

/** Counterpart of example_connect(). @return ESP_OK */
esp_err_t example_disconnect(void);

/** The interface example_connect() "connected" (see esp_netif_create_default_wifi_sta()). */
esp_netif_t* get_example_netif(void);

/**
 * ESP-IDF configures the console UART for blocking reads (the examples' CONFIG_*_FROM_STDIN
 * options read the broker URL this way). Standard input already blocks on Linux.
 *
 * @return ESP_OK
 */
esp_err_t example_configure_stdin_stdout(void);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_PROTOCOL_EXAMPLES_COMMON_H */
