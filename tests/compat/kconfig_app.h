/* Entry points of kconfig_app.c, a C file compiled with ESP-MQTT Kconfig options set. */
#ifndef PORTMQTT_TESTS_COMPAT_KCONFIG_APP_H
#define PORTMQTT_TESTS_COMPAT_KCONFIG_APP_H

#include "mqtt_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT() as expanded in kconfig_app.c. */
esp_mqtt_client_ext_config_t kconfig_app_ext_defaults(void);

/** Calls esp_mqtt_client_init() the way ESP-IDF code does. */
esp_mqtt_client_handle_t kconfig_app_init(void);

/**
 * Calls the esp_mqtt_client_subscribe() macro with each argument type C code uses (char[],
 * const char*, esp_mqtt_topic_t[2], const esp_mqtt_topic_t[1]) and stores the four results.
 */
void kconfig_app_subscribe_every_form(esp_mqtt_client_handle_t client, int results[4]);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_TESTS_COMPAT_KCONFIG_APP_H */
