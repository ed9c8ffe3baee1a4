/*
 * Uses one of ESP-MQTT's misspelt reason-code names. It must compile, with a deprecation
 * warning: the ctest "esp_compat_deprecated_alias_warns" builds it with that warning turned
 * into an error and expects failure; "esp_compat_deprecated_alias_compiles" expects success.
 */
#include "mqtt_client.h"

int deprecated_alias_value(void);
int deprecated_alias_value(void) {
  return MQTT5_INVAILD_CLIENT_ID;
}
