/*
 * The declarations ESP-IDF applications rely on, written down from ESP-IDF's own headers
 * (v5.5: esp_log.h, esp_event.h, esp_event_base.h, esp_transport.h, esp_tls_errors.h,
 * esp_crt_bundle.h, esp-mqtt's mqtt_outbox.h, FreeRTOS's task.h/queue.h/semphr.h/
 * event_groups.h, nvs.h, nvs_flash.h, esp_system.h, esp_idf_version.h, esp_random.h,
 * esp_netif.h, protocol_examples_common.h), checked against portmqtt's headers at compile
 * time: every function with ESP-IDF's exact signature (a pointer of the expected type is
 * initialised with it), every constant with ESP-IDF's value, every struct with ESP-IDF's
 * fields in ESP-IDF's order (a reference struct copied from ESP-IDF's field list must have
 * the same offsets and size). Compiled as C11 and as C++20; a mismatch fails the build.
 *
 * Deliberate differences are listed where they are, with the reason.
 */
#include <stddef.h>
#include <stdint.h>

#include "esp_crt_bundle.h"
#include "esp_event.h"
#include "esp_idf_version.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_random.h"
#include "esp_system.h"
#include "esp_tls.h"
#include "esp_transport.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "mqtt_outbox.h"
#include "nvs.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#ifdef __cplusplus
#define CHECK(condition) static_assert(condition, #condition)
#else
#define CHECK(condition) _Static_assert(condition, #condition)
#endif

/* A struct has ESP-IDF's layout when each field of the reference sits at the same offset
 * with the same size, and the sizes agree. */
#define SAME_FIELD(ours, reference, field)                     \
  CHECK(offsetof(ours, field) == offsetof(reference, field) && \
        sizeof(((ours*)0)->field) == sizeof(((reference*)0)->field))
#define SAME_SIZE(ours, reference) CHECK(sizeof(ours) == sizeof(reference))

/* A function has ESP-IDF's signature when a pointer of that type takes it. */
#define SIGNATURE(name, ret, args)      \
  ret(*const check_##name) args = name; \
  (void)check_##name

/* --- esp_event.h ----------------------------------------------------------------------- */
typedef struct {
  int32_t queue_size;
  const char* task_name;
  UBaseType_t task_priority;
  uint32_t task_stack_size;
  BaseType_t task_core_id;
} reference_esp_event_loop_args_t;
SAME_FIELD(esp_event_loop_args_t, reference_esp_event_loop_args_t, queue_size);
SAME_FIELD(esp_event_loop_args_t, reference_esp_event_loop_args_t, task_name);
SAME_FIELD(esp_event_loop_args_t, reference_esp_event_loop_args_t, task_priority);
SAME_FIELD(esp_event_loop_args_t, reference_esp_event_loop_args_t, task_stack_size);
SAME_FIELD(esp_event_loop_args_t, reference_esp_event_loop_args_t, task_core_id);
SAME_SIZE(esp_event_loop_args_t, reference_esp_event_loop_args_t);
CHECK(ESP_EVENT_ANY_ID == -1);

/* --- FreeRTOS -------------------------------------------------------------------------- */
CHECK(sizeof(TickType_t) == 4 && sizeof(BaseType_t) == 4 && sizeof(UBaseType_t) == 4);
CHECK(pdTRUE == 1 && pdFALSE == 0 && pdPASS == 1 && pdFAIL == 0);
CHECK(portMAX_DELAY == 0xffffffffU);
CHECK(queueSEND_TO_BACK == 0 && queueSEND_TO_FRONT == 1 && queueOVERWRITE == 2);
CHECK(eNoAction == 0 && eSetBits == 1 && eIncrement == 2 && eSetValueWithOverwrite == 3 &&
      eSetValueWithoutOverwrite == 4);
CHECK(BIT0 == 1U && BIT5 == 32U && BIT31 == 0x80000000U);

/* --- esp_transport.h, esp_tls_errors.h -------------------------------------------------- */
CHECK(ESP_ERR_TCP_TRANSPORT_BASE == 0xe000);
CHECK(ESP_ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT == 0xe001);
CHECK(ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN == 0xe002);
CHECK(ESP_ERR_TCP_TRANSPORT_CONNECTION_FAILED == 0xe003);
CHECK(ESP_ERR_TCP_TRANSPORT_NO_MEM == 0xe004);
CHECK(ERR_TCP_TRANSPORT_NO_MEM == -3 && ERR_TCP_TRANSPORT_CONNECTION_FAILED == -2 &&
      ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN == -1 &&
      ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT == 0);
CHECK(ESP_TLS_ERR_SSL_WANT_READ == -0x6900 && ESP_TLS_ERR_SSL_WANT_WRITE == -0x6880 &&
      ESP_TLS_ERR_SSL_TIMEOUT == -0x6800);
typedef struct {
  bool keep_alive_enable;
  int keep_alive_idle;
  int keep_alive_interval;
  int keep_alive_count;
} reference_esp_transport_keep_alive_t;
SAME_FIELD(esp_transport_keep_alive_t, reference_esp_transport_keep_alive_t, keep_alive_enable);
SAME_FIELD(esp_transport_keep_alive_t, reference_esp_transport_keep_alive_t, keep_alive_count);
SAME_SIZE(esp_transport_keep_alive_t, reference_esp_transport_keep_alive_t);

/* --- mqtt_outbox.h --------------------------------------------------------------------- */
typedef struct {
  uint8_t* data;
  int len;
  int msg_id;
  int msg_qos;
  int msg_type;
  uint8_t* remaining_data;
  int remaining_len;
} reference_outbox_message_t;
SAME_FIELD(outbox_message_t, reference_outbox_message_t, data);
SAME_FIELD(outbox_message_t, reference_outbox_message_t, len);
SAME_FIELD(outbox_message_t, reference_outbox_message_t, msg_id);
SAME_FIELD(outbox_message_t, reference_outbox_message_t, msg_qos);
SAME_FIELD(outbox_message_t, reference_outbox_message_t, msg_type);
SAME_FIELD(outbox_message_t, reference_outbox_message_t, remaining_data);
SAME_FIELD(outbox_message_t, reference_outbox_message_t, remaining_len);
SAME_SIZE(outbox_message_t, reference_outbox_message_t);
CHECK(QUEUED == 0 && TRANSMITTED == 1 && ACKNOWLEDGED == 2 && CONFIRMED == 3);
CHECK(sizeof(outbox_tick_t) == sizeof(long long));

/* --- nvs.h ------------------------------------------------------------------------------ */
CHECK(ESP_ERR_NVS_BASE == 0x1100 && ESP_ERR_NVS_NOT_INITIALIZED == 0x1101 &&
      ESP_ERR_NVS_NOT_FOUND == 0x1102 && ESP_ERR_NVS_TYPE_MISMATCH == 0x1103 &&
      ESP_ERR_NVS_READ_ONLY == 0x1104 && ESP_ERR_NVS_NOT_ENOUGH_SPACE == 0x1105 &&
      ESP_ERR_NVS_INVALID_NAME == 0x1106 && ESP_ERR_NVS_INVALID_HANDLE == 0x1107 &&
      ESP_ERR_NVS_KEY_TOO_LONG == 0x1109 && ESP_ERR_NVS_INVALID_STATE == 0x110b &&
      ESP_ERR_NVS_INVALID_LENGTH == 0x110c && ESP_ERR_NVS_NO_FREE_PAGES == 0x110d &&
      ESP_ERR_NVS_VALUE_TOO_LONG == 0x110e && ESP_ERR_NVS_PART_NOT_FOUND == 0x110f &&
      ESP_ERR_NVS_NEW_VERSION_FOUND == 0x1110);
CHECK(NVS_KEY_NAME_MAX_SIZE == 16 && NVS_READONLY == 0 && NVS_READWRITE == 1);
CHECK(sizeof(nvs_handle_t) == 4);

/* --- esp_netif.h, esp_idf_version.h ------------------------------------------------------ */
typedef struct {
  esp_ip4_addr_t ip;
  esp_ip4_addr_t netmask;
  esp_ip4_addr_t gw;
} reference_esp_netif_ip_info_t;
SAME_FIELD(esp_netif_ip_info_t, reference_esp_netif_ip_info_t, ip);
SAME_FIELD(esp_netif_ip_info_t, reference_esp_netif_ip_info_t, gw);
SAME_SIZE(esp_netif_ip_info_t, reference_esp_netif_ip_info_t);
CHECK(sizeof(esp_ip4_addr_t) == 4);
CHECK(IP_EVENT_STA_GOT_IP == 0 && IP_EVENT_ETH_GOT_IP == 4);
CHECK(ESP_IDF_VERSION == ESP_IDF_VERSION_VAL(5, 5, 0));
CHECK(ESP_RST_POWERON == 1 && ESP_RST_SW == 3);

void idf_declarations_check(void);

void idf_declarations_check(void) {
  /* esp_log.h */
  SIGNATURE(esp_log_level_set, void, (const char*, esp_log_level_t));
  SIGNATURE(esp_log_level_get, esp_log_level_t, (const char*));
  SIGNATURE(esp_log_timestamp, uint32_t, (void));
  SIGNATURE(esp_log_set_vprintf, vprintf_like_t, (vprintf_like_t));
  SIGNATURE(esp_log_buffer_hex_internal, void,
            (const char*, const void*, uint16_t, esp_log_level_t));
  SIGNATURE(esp_log_buffer_char_internal, void,
            (const char*, const void*, uint16_t, esp_log_level_t));
  SIGNATURE(esp_log_buffer_hexdump_internal, void,
            (const char*, const void*, uint16_t, esp_log_level_t));
  /* esp_event.h */
  SIGNATURE(esp_event_loop_create, esp_err_t,
            (const esp_event_loop_args_t*, esp_event_loop_handle_t*));
  SIGNATURE(esp_event_loop_delete, esp_err_t, (esp_event_loop_handle_t));
  SIGNATURE(esp_event_loop_create_default, esp_err_t, (void));
  SIGNATURE(esp_event_loop_delete_default, esp_err_t, (void));
  SIGNATURE(esp_event_loop_run, esp_err_t, (esp_event_loop_handle_t, TickType_t));
  SIGNATURE(esp_event_handler_register, esp_err_t,
            (esp_event_base_t, int32_t, esp_event_handler_t, void*));
  SIGNATURE(esp_event_handler_register_with, esp_err_t,
            (esp_event_loop_handle_t, esp_event_base_t, int32_t, esp_event_handler_t, void*));
  SIGNATURE(esp_event_handler_instance_register_with, esp_err_t,
            (esp_event_loop_handle_t, esp_event_base_t, int32_t, esp_event_handler_t, void*,
             esp_event_handler_instance_t*));
  SIGNATURE(esp_event_handler_instance_register, esp_err_t,
            (esp_event_base_t, int32_t, esp_event_handler_t, void*, esp_event_handler_instance_t*));
  SIGNATURE(esp_event_handler_unregister, esp_err_t,
            (esp_event_base_t, int32_t, esp_event_handler_t));
  SIGNATURE(esp_event_handler_unregister_with, esp_err_t,
            (esp_event_loop_handle_t, esp_event_base_t, int32_t, esp_event_handler_t));
  SIGNATURE(esp_event_handler_instance_unregister_with, esp_err_t,
            (esp_event_loop_handle_t, esp_event_base_t, int32_t, esp_event_handler_instance_t));
  SIGNATURE(esp_event_handler_instance_unregister, esp_err_t,
            (esp_event_base_t, int32_t, esp_event_handler_instance_t));
  SIGNATURE(esp_event_post, esp_err_t,
            (esp_event_base_t, int32_t, const void*, size_t, TickType_t));
  SIGNATURE(esp_event_post_to, esp_err_t,
            (esp_event_loop_handle_t, esp_event_base_t, int32_t, const void*, size_t, TickType_t));
  /* esp_crt_bundle.h. Difference: ESP-IDF types conf as mbedtls_ssl_config* and ca_chain as
   * mbedtls_x509_crt*; there is no mbedTLS here, so both are opaque pointers. */
  SIGNATURE(esp_crt_bundle_attach, esp_err_t, (void*));
  SIGNATURE(esp_crt_bundle_detach, void, (void*));
  SIGNATURE(esp_crt_bundle_set, esp_err_t, (const uint8_t*, size_t));
  SIGNATURE(esp_crt_bundle_in_use, bool, (const void*));
  /* esp_transport.h */
  SIGNATURE(esp_transport_list_init, esp_transport_list_handle_t, (void));
  SIGNATURE(esp_transport_list_destroy, esp_err_t, (esp_transport_list_handle_t));
  SIGNATURE(esp_transport_get_errno, int, (esp_transport_handle_t));
  SIGNATURE(esp_transport_get_default_port, int, (esp_transport_handle_t));
  /* esp_tls.h */
  SIGNATURE(esp_tls_init_global_ca_store, esp_err_t, (void));
  SIGNATURE(esp_tls_set_global_ca_store, esp_err_t, (const unsigned char*, const unsigned int));
  SIGNATURE(esp_tls_free_global_ca_store, void, (void));
  /* mqtt_outbox.h */
  SIGNATURE(outbox_init, outbox_handle_t, (void));
  SIGNATURE(outbox_enqueue, outbox_item_handle_t,
            (outbox_handle_t, outbox_message_handle_t, outbox_tick_t));
  SIGNATURE(outbox_dequeue, outbox_item_handle_t,
            (outbox_handle_t, pending_state_t, outbox_tick_t*));
  SIGNATURE(outbox_get, outbox_item_handle_t, (outbox_handle_t, int));
  SIGNATURE(outbox_item_get_data, uint8_t*, (outbox_item_handle_t, size_t*, uint16_t*, int*, int*));
  SIGNATURE(outbox_delete, esp_err_t, (outbox_handle_t, int, int));
  SIGNATURE(outbox_delete_item, esp_err_t, (outbox_handle_t, outbox_item_handle_t));
  SIGNATURE(outbox_delete_expired, int, (outbox_handle_t, outbox_tick_t, outbox_tick_t));
  SIGNATURE(outbox_delete_single_expired, int, (outbox_handle_t, outbox_tick_t, outbox_tick_t));
  SIGNATURE(outbox_set_pending, esp_err_t, (outbox_handle_t, int, pending_state_t));
  SIGNATURE(outbox_item_get_pending, pending_state_t, (outbox_item_handle_t));
  SIGNATURE(outbox_set_tick, esp_err_t, (outbox_handle_t, int, outbox_tick_t));
  SIGNATURE(outbox_get_size, uint64_t, (outbox_handle_t));
  SIGNATURE(outbox_delete_all_items, void, (outbox_handle_t));
  SIGNATURE(outbox_destroy, void, (outbox_handle_t));
  /* freertos/task.h */
  SIGNATURE(xTaskCreate, BaseType_t,
            (TaskFunction_t, const char* const, const configSTACK_DEPTH_TYPE, void* const,
             UBaseType_t, TaskHandle_t* const));
  SIGNATURE(xTaskCreatePinnedToCore, BaseType_t,
            (TaskFunction_t, const char* const, const uint32_t, void* const, UBaseType_t,
             TaskHandle_t* const, const BaseType_t));
  SIGNATURE(vTaskDelete, void, (TaskHandle_t));
  SIGNATURE(vTaskDelay, void, (const TickType_t));
  SIGNATURE(xTaskDelayUntil, BaseType_t, (TickType_t* const, const TickType_t));
  SIGNATURE(xTaskGetTickCount, TickType_t, (void));
  SIGNATURE(xTaskGetTickCountFromISR, TickType_t, (void));
  SIGNATURE(xTaskGetCurrentTaskHandle, TaskHandle_t, (void));
  SIGNATURE(pcTaskGetName, char*, (TaskHandle_t));
  SIGNATURE(uxTaskPriorityGet, UBaseType_t, (const TaskHandle_t));
  SIGNATURE(vTaskPrioritySet, void, (TaskHandle_t, UBaseType_t));
  SIGNATURE(uxTaskGetStackHighWaterMark, UBaseType_t, (TaskHandle_t));
  SIGNATURE(uxTaskGetNumberOfTasks, UBaseType_t, (void));
  SIGNATURE(xTaskGenericNotify, BaseType_t,
            (TaskHandle_t, UBaseType_t, uint32_t, eNotifyAction, uint32_t*));
  SIGNATURE(ulTaskGenericNotifyTake, uint32_t, (UBaseType_t, BaseType_t, TickType_t));
  SIGNATURE(xTaskGenericNotifyWait, BaseType_t,
            (UBaseType_t, uint32_t, uint32_t, uint32_t*, TickType_t));
  /* freertos/queue.h, semphr.h */
  SIGNATURE(xQueueGenericCreate, QueueHandle_t,
            (const UBaseType_t, const UBaseType_t, const uint8_t));
  SIGNATURE(vQueueDelete, void, (QueueHandle_t));
  SIGNATURE(xQueueGenericSend, BaseType_t,
            (QueueHandle_t, const void* const, TickType_t, const BaseType_t));
  SIGNATURE(xQueueGenericSendFromISR, BaseType_t,
            (QueueHandle_t, const void* const, BaseType_t* const, const BaseType_t));
  SIGNATURE(xQueueReceive, BaseType_t, (QueueHandle_t, void* const, TickType_t));
  SIGNATURE(xQueuePeek, BaseType_t, (QueueHandle_t, void* const, TickType_t));
  SIGNATURE(xQueueReceiveFromISR, BaseType_t, (QueueHandle_t, void* const, BaseType_t* const));
  SIGNATURE(uxQueueMessagesWaiting, UBaseType_t, (const QueueHandle_t));
  SIGNATURE(uxQueueSpacesAvailable, UBaseType_t, (const QueueHandle_t));
  SIGNATURE(xQueueGenericReset, BaseType_t, (QueueHandle_t, BaseType_t));
  SIGNATURE(xQueueCreateMutex, QueueHandle_t, (const uint8_t));
  SIGNATURE(xQueueCreateCountingSemaphore, QueueHandle_t, (const UBaseType_t, const UBaseType_t));
  SIGNATURE(xQueueSemaphoreTake, BaseType_t, (QueueHandle_t, TickType_t));
  SIGNATURE(xQueueTakeMutexRecursive, BaseType_t, (QueueHandle_t, TickType_t));
  SIGNATURE(xQueueGiveMutexRecursive, BaseType_t, (QueueHandle_t));
  SIGNATURE(xQueueGiveFromISR, BaseType_t, (QueueHandle_t, BaseType_t* const));
  SIGNATURE(xQueueGetMutexHolder, TaskHandle_t, (QueueHandle_t));
  /* freertos/event_groups.h */
  SIGNATURE(xEventGroupCreate, EventGroupHandle_t, (void));
  SIGNATURE(vEventGroupDelete, void, (EventGroupHandle_t));
  SIGNATURE(xEventGroupSetBits, EventBits_t, (EventGroupHandle_t, const EventBits_t));
  SIGNATURE(xEventGroupClearBits, EventBits_t, (EventGroupHandle_t, const EventBits_t));
  SIGNATURE(
      xEventGroupWaitBits, EventBits_t,
      (EventGroupHandle_t, const EventBits_t, const BaseType_t, const BaseType_t, TickType_t));
  SIGNATURE(xEventGroupSync, EventBits_t,
            (EventGroupHandle_t, const EventBits_t, const EventBits_t, TickType_t));
  /* nvs_flash.h, nvs.h */
  SIGNATURE(nvs_flash_init, esp_err_t, (void));
  SIGNATURE(nvs_flash_init_partition, esp_err_t, (const char*));
  SIGNATURE(nvs_flash_deinit, esp_err_t, (void));
  SIGNATURE(nvs_flash_erase, esp_err_t, (void));
  SIGNATURE(nvs_flash_erase_partition, esp_err_t, (const char*));
  SIGNATURE(nvs_open, esp_err_t, (const char*, nvs_open_mode_t, nvs_handle_t*));
  SIGNATURE(nvs_open_from_partition, esp_err_t,
            (const char*, const char*, nvs_open_mode_t, nvs_handle_t*));
  SIGNATURE(nvs_close, void, (nvs_handle_t));
  SIGNATURE(nvs_commit, esp_err_t, (nvs_handle_t));
  SIGNATURE(nvs_set_i8, esp_err_t, (nvs_handle_t, const char*, int8_t));
  SIGNATURE(nvs_set_u32, esp_err_t, (nvs_handle_t, const char*, uint32_t));
  SIGNATURE(nvs_set_u64, esp_err_t, (nvs_handle_t, const char*, uint64_t));
  SIGNATURE(nvs_set_str, esp_err_t, (nvs_handle_t, const char*, const char*));
  SIGNATURE(nvs_set_blob, esp_err_t, (nvs_handle_t, const char*, const void*, size_t));
  SIGNATURE(nvs_get_i32, esp_err_t, (nvs_handle_t, const char*, int32_t*));
  SIGNATURE(nvs_get_u64, esp_err_t, (nvs_handle_t, const char*, uint64_t*));
  SIGNATURE(nvs_get_str, esp_err_t, (nvs_handle_t, const char*, char*, size_t*));
  SIGNATURE(nvs_get_blob, esp_err_t, (nvs_handle_t, const char*, void*, size_t*));
  SIGNATURE(nvs_erase_key, esp_err_t, (nvs_handle_t, const char*));
  SIGNATURE(nvs_erase_all, esp_err_t, (nvs_handle_t));
  /* esp_system.h, esp_idf_version.h, esp_random.h */
  SIGNATURE(esp_restart, void, (void));
  SIGNATURE(esp_reset_reason, esp_reset_reason_t, (void));
  SIGNATURE(esp_get_free_heap_size, uint32_t, (void));
  SIGNATURE(esp_get_free_internal_heap_size, uint32_t, (void));
  SIGNATURE(esp_get_minimum_free_heap_size, uint32_t, (void));
  SIGNATURE(esp_register_shutdown_handler, esp_err_t, (shutdown_handler_t));
  SIGNATURE(esp_unregister_shutdown_handler, esp_err_t, (shutdown_handler_t));
  SIGNATURE(esp_get_idf_version, const char*, (void));
  SIGNATURE(esp_random, uint32_t, (void));
  SIGNATURE(esp_fill_random, void, (void*, size_t));
  /* esp_netif.h, protocol_examples_common.h */
  SIGNATURE(esp_netif_init, esp_err_t, (void));
  SIGNATURE(esp_netif_deinit, esp_err_t, (void));
  SIGNATURE(esp_netif_get_ip_info, esp_err_t, (esp_netif_t*, esp_netif_ip_info_t*));
  SIGNATURE(example_connect, esp_err_t, (void));
  SIGNATURE(example_disconnect, esp_err_t, (void));
}
