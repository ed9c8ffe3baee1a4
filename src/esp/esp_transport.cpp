// esp_transport.h: the transport calls MQTT applications make. portmqtt has no esp_transport
// objects (the client builds its own streams), so each answers as for "no transport".
#include "esp_transport.h"

extern "C" {

esp_transport_list_handle_t esp_transport_list_init(void) {
  return nullptr;
}

esp_err_t esp_transport_list_destroy(esp_transport_list_handle_t list) {
  (void)list;
  return ESP_OK;
}

int esp_transport_get_errno(esp_transport_handle_t t) {
  (void)t;
  return 0;
}

int esp_transport_get_default_port(esp_transport_handle_t t) {
  (void)t;
  return -1;
}

}  // extern "C"
