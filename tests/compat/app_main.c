/*
 * An application written the way ESP-IDF's MQTT examples are: it must compile unchanged
 * against portmqtt's mqtt_client.h as strict C11. It is never linked or run; every API
 * function is called once so that each declaration is exercised with ESP-style arguments.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_crt_bundle.h"
#include "esp_err.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "mqtt_client.h"
#include "mqtt_supported_features.h"

static const char* TAG = "mqtt_example";

static void log_error_if_nonzero(const char* message, int error_code) {
  if (error_code != 0) {
    ESP_LOGE(TAG, "Last error %s: 0x%x", message, error_code);
  }
}

static void print_user_property(mqtt5_user_property_handle_t user_property) {
  if (user_property == NULL) return;
  uint8_t count = esp_mqtt5_client_get_user_property_count(user_property);
  if (count == 0) return;
  esp_mqtt5_user_property_item_t* items = malloc(count * sizeof(esp_mqtt5_user_property_item_t));
  if (items == NULL) return;
  if (esp_mqtt5_client_get_user_property(user_property, items, &count) == ESP_OK) {
    for (int i = 0; i < count; i++) {
      ESP_LOGI(TAG, "key is %s, value is %s", items[i].key, items[i].value);
      free((char*)items[i].key);
      free((char*)items[i].value);
    }
  }
  free(items);
}

static void on_data(esp_mqtt_event_handle_t event) {
  if (event->current_data_offset == 0) {
    printf("TOPIC=%.*s\r\n", event->topic_len, event->topic);
  }
  printf("DATA=%.*s (%d of %d, qos %d, retain %d, dup %d)\r\n", event->data_len, event->data,
         event->current_data_offset + event->data_len, event->total_data_len, event->qos,
         event->retain, event->dup);
  if (event->protocol_ver == MQTT_PROTOCOL_V_5 && event->property != NULL) {
    ESP_LOGI(TAG, "payload_format_indicator is %d", event->property->payload_format_indicator);
    ESP_LOGI(TAG, "response_topic is %.*s", event->property->response_topic_len,
             event->property->response_topic);
    ESP_LOGI(TAG, "correlation_data is %.*s", event->property->correlation_data_len,
             event->property->correlation_data);
    ESP_LOGI(TAG, "content_type is %.*s", event->property->content_type_len,
             event->property->content_type);
    ESP_LOGI(TAG, "subscribe_id is %u", event->property->subscribe_id);
    print_user_property(event->property->user_property);
  }
}

static void on_error(esp_mqtt_event_handle_t event) {
  if (event->error_handle->error_type == MQTT_ERROR_TYPE_TCP_TRANSPORT) {
    log_error_if_nonzero("reported from esp-tls", event->error_handle->esp_tls_last_esp_err);
    log_error_if_nonzero("reported from tls stack", event->error_handle->esp_tls_stack_err);
    log_error_if_nonzero("captured as transport's socket errno",
                         event->error_handle->esp_transport_sock_errno);
    ESP_LOGI(TAG, "Last errno string (%s)",
             strerror(event->error_handle->esp_transport_sock_errno));
  } else if (event->error_handle->error_type == MQTT_ERROR_TYPE_CONNECTION_REFUSED) {
    ESP_LOGW(TAG, "Connection refused error: 0x%x", event->error_handle->connect_return_code);
  } else {
    ESP_LOGW(TAG, "Unknown error type: 0x%x", event->error_handle->error_type);
  }
}

static void mqtt_event_handler(void* handler_args, esp_event_base_t base, int32_t event_id,
                               void* event_data) {
  (void)handler_args;
  ESP_LOGD(TAG, "Event from base=%s, event_id=%" PRIi32, base, event_id);
  esp_mqtt_event_handle_t event = event_data;
  esp_mqtt_client_handle_t client = event->client;
  int msg_id;
  switch ((esp_mqtt_event_id_t)event_id) {
    case MQTT_EVENT_BEFORE_CONNECT:
      ESP_LOGI(TAG, "MQTT_EVENT_BEFORE_CONNECT");
      break;
    case MQTT_EVENT_CONNECTED:
      ESP_LOGI(TAG, "MQTT_EVENT_CONNECTED, session_present=%d", event->session_present);
      msg_id = esp_mqtt_client_publish(client, "/topic/qos1", "data_3", 0, 1, 0);
      ESP_LOGI(TAG, "sent publish successful, msg_id=%d", msg_id);
      msg_id = esp_mqtt_client_subscribe(client, "/topic/qos0", 0);
      ESP_LOGI(TAG, "sent subscribe successful, msg_id=%d", msg_id);
      msg_id = esp_mqtt_client_unsubscribe(client, "/topic/qos1");
      ESP_LOGI(TAG, "sent unsubscribe successful, msg_id=%d", msg_id);
      if (event->property != NULL) {
        ESP_LOGI(TAG, "server receive_maximum=%u", event->property->server.receive_maximum);
      }
      break;
    case MQTT_EVENT_DISCONNECTED:
      ESP_LOGI(TAG, "MQTT_EVENT_DISCONNECTED, reason 0x%x", event->reason_code);
      break;
    case MQTT_EVENT_SUBSCRIBED:
      ESP_LOGI(TAG, "MQTT_EVENT_SUBSCRIBED, msg_id=%d, reason 0x%x", event->msg_id,
               event->reason_code);
      msg_id = esp_mqtt_client_publish(client, "/topic/qos0", "data", 0, 0, 0);
      ESP_LOGI(TAG, "sent publish successful, msg_id=%d", msg_id);
      break;
    case MQTT_EVENT_UNSUBSCRIBED:
      ESP_LOGI(TAG, "MQTT_EVENT_UNSUBSCRIBED, msg_id=%d", event->msg_id);
      break;
    case MQTT_EVENT_PUBLISHED:
      ESP_LOGI(TAG, "MQTT_EVENT_PUBLISHED, msg_id=%d", event->msg_id);
      break;
    case MQTT_EVENT_DATA:
      ESP_LOGI(TAG, "MQTT_EVENT_DATA");
      on_data(event);
      break;
    case MQTT_EVENT_ERROR:
      ESP_LOGI(TAG, "MQTT_EVENT_ERROR");
      on_error(event);
      break;
    case MQTT_EVENT_DELETED:
      ESP_LOGW(TAG, "MQTT_EVENT_DELETED, msg_id=%d", event->msg_id);
      break;
    case MQTT_USER_EVENT:
      ESP_LOGV(TAG, "MQTT_USER_EVENT");
      break;
    case MQTT_EVENT_ANY:
    default:
      ESP_LOGI(TAG, "Other event id:%d", event->event_id);
      break;
  }
}

static esp_mqtt5_user_property_item_t user_property_arr[] = {
    {"board", "esp32"}, {"u", "user"}, {"p", "password"}};
#define USE_PROPERTY_ARR_SIZE (sizeof(user_property_arr) / sizeof(esp_mqtt5_user_property_item_t))

static void set_properties(esp_mqtt_client_handle_t client) {
  esp_mqtt5_connection_property_config_t connect_property = {
      .session_expiry_interval = 10,
      .maximum_packet_size = 1024,
      .receive_maximum = 65535,
      .topic_alias_maximum = 2,
      .request_resp_info = true,
      .request_problem_info = true,
      .will_delay_interval = 10,
      .payload_format_indicator = true,
      .message_expiry_interval = 10,
      .response_topic = "/test/response",
      .correlation_data = "123456",
      .correlation_data_len = 6,
  };
  esp_mqtt5_client_set_user_property(&connect_property.user_property, user_property_arr,
                                     USE_PROPERTY_ARR_SIZE);
  esp_mqtt5_client_set_user_property(&connect_property.will_user_property, user_property_arr,
                                     USE_PROPERTY_ARR_SIZE);
  esp_mqtt5_client_set_connect_property(client, &connect_property);
  esp_mqtt5_client_delete_user_property(connect_property.user_property);
  esp_mqtt5_client_delete_user_property(connect_property.will_user_property);

  static esp_mqtt5_publish_property_config_t publish_property = {
      .payload_format_indicator = 1,
      .message_expiry_interval = 1000,
      .topic_alias = 0,
      .response_topic = "/topic/test/response",
      .correlation_data = "123456",
      .correlation_data_len = 6,
  };
  esp_mqtt5_client_set_publish_property(client, &publish_property);

  static esp_mqtt5_subscribe_property_config_t subscribe_property = {
      .subscribe_id = 25555,
      .no_local_flag = false,
      .retain_as_published_flag = false,
      .retain_handle = 0,
      .is_share_subscribe = true,
      .share_name = "group1",
  };
  esp_mqtt5_client_set_subscribe_property(client, &subscribe_property);

  static esp_mqtt5_unsubscribe_property_config_t unsubscribe_property = {
      .is_share_subscribe = true,
      .share_name = "group1",
  };
  esp_mqtt5_client_set_unsubscribe_property(client, &unsubscribe_property);

  esp_mqtt5_disconnect_property_config_t disconnect_property = {
      .session_expiry_interval = 60,
      .disconnect_reason = MQTT5_DISCONNECT_WITH_WILL,
  };
  esp_mqtt5_client_set_disconnect_property(client, &disconnect_property);
}

/* Every subscribe form ESP code uses, plus the const-list form portmqtt adds. */
static void subscribe_all_forms(esp_mqtt_client_handle_t client) {
  char mutable_topic[] = "/topic/mutable";
  const char* const_topic = "/topic/const";
  esp_mqtt_topic_t topics[] = {{.filter = "/a", .qos = 0}, {.filter = "/b", .qos = 1}};
  const esp_mqtt_topic_t const_topics[] = {{"/c", 2}};
  int ids[6];
  ids[0] = esp_mqtt_client_subscribe(client, mutable_topic, 1);
  ids[1] = esp_mqtt_client_subscribe(client, const_topic, 2);
  ids[2] = esp_mqtt_client_subscribe(client, topics, 2);
  ids[3] = esp_mqtt_client_subscribe(client, const_topics, 1);
  ids[4] = esp_mqtt_client_subscribe_single(client, "/d", 0);
  ids[5] = esp_mqtt_client_subscribe_multiple(client, topics, 1);
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    ESP_LOGI(TAG, "msg_id=%d", ids[i]);
}

static void use_portmqtt_additions(esp_mqtt_client_handle_t client) {
  esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  ext.reconnect_backoff.max_ms = 60000;
  ext.reconnect_backoff.jitter_percent = 20;
  ext.outbox_message_limit = 1000;
  ESP_ERROR_CHECK_WITHOUT_ABORT(esp_mqtt_client_set_ext_config(client, &ext));
  ESP_ERROR_CHECK_WITHOUT_ABORT(esp_mqtt_client_get_ext_config(client, &ext));
  const esp_mqtt5_publish_property_config_t props = {.content_type = "text/plain"};
  int id = esp_mqtt_client_publish_with_properties(client, "/t", "x", 1, 1, 0, &props);
  id = esp_mqtt_client_enqueue_with_properties(client, "/t", "x", 1, 1, 0, true, &props);
  ESP_LOGI(TAG, "msg_id=%d, queued bytes=%d", id, esp_mqtt_client_get_outbox_size(client));
  esp_mqtt_client_config_t cfg = {.broker.address.uri = "mqtt://localhost"};
  esp_mqtt_client_handle_t other =
      esp_mqtt_client_init_with_ext_config(&cfg, esp_mqtt_client_ext_config_from_kconfig());
  esp_mqtt_client_destroy(other);
}

static const uint8_t psk_key[] = {0x1a, 0x2b, 0x3c, 0x4d};
static const psk_hint_key_t psk_hint = {.key = psk_key, .key_size = sizeof psk_key, .hint = "id"};
static const char* alpn[] = {"mqtt", NULL};
static const int ciphers[] = {0x1301, 0};
static const char ca_pem[] = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";

static esp_mqtt_client_config_t full_config(void) {
  esp_mqtt_client_config_t mqtt_cfg = {
      .broker.address.hostname = "localhost",
      .broker.address.transport = MQTT_TRANSPORT_OVER_SSL,
      .broker.address.path = "/mqtt",
      .broker.address.port = 8883,
      .broker.verification.use_global_ca_store = false,
      .broker.verification.crt_bundle_attach = esp_crt_bundle_attach,
      .broker.verification.certificate = ca_pem,
      .broker.verification.certificate_len = 0,
      .broker.verification.psk_hint_key = &psk_hint,
      .broker.verification.skip_cert_common_name_check = false,
      .broker.verification.alpn_protos = alpn,
      .broker.verification.common_name = "broker.local",
      .broker.verification.ciphersuites_list = ciphers,
      .credentials.username = "user",
      .credentials.client_id = "client-1",
      .credentials.set_null_client_id = false,
      .credentials.authentication.password = "secret",
      .credentials.authentication.certificate = NULL,
      .credentials.authentication.key = NULL,
      .credentials.authentication.key_password = "pw",
      .credentials.authentication.key_password_len = 2,
      .credentials.authentication.use_secure_element = false,
      .credentials.authentication.ds_data = NULL,
      .credentials.authentication.use_ecdsa_peripheral = false,
      .credentials.authentication.ecdsa_key_efuse_blk = 0,
      .session.last_will.topic = "/will",
      .session.last_will.msg = "gone",
      .session.last_will.msg_len = 4,
      .session.last_will.qos = 1,
      .session.last_will.retain = 1,
      .session.disable_clean_session = true,
      .session.keepalive = 30,
      .session.disable_keepalive = false,
      .session.protocol_ver = MQTT_PROTOCOL_V_5,
      .session.message_retransmit_timeout = 2000,
      .network.reconnect_timeout_ms = 5000,
      .network.timeout_ms = 3000,
      .network.refresh_connection_after_ms = 0,
      .network.disable_auto_reconnect = false,
      .network.tcp_keep_alive_cfg = {.keep_alive_enable = true, .keep_alive_idle = 5},
      .network.transport = NULL,
      .network.if_name = NULL,
      .task.priority = 5,
      .task.stack_size = 6144,
      .buffer.size = 2048,
      .buffer.out_size = 1024,
      .outbox.limit = 64 * 1024,
  };
  return mqtt_cfg;
}

static void mqtt_app_start(void) {
  esp_mqtt_client_config_t mqtt_cfg = {
      .broker.address.uri = "mqtt://127.0.0.1:1883",
      .session.protocol_ver = MQTT_PROTOCOL_V_5,
  };
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&mqtt_cfg);
  if (client == NULL) return;
  set_properties(client);
  ESP_ERROR_CHECK(
      esp_mqtt_client_register_event(client, ESP_EVENT_ANY_ID, mqtt_event_handler, NULL));
  ESP_ERROR_CHECK(
      esp_mqtt_client_register_event(client, MQTT_EVENT_DATA, mqtt_event_handler, NULL));
  ESP_ERROR_CHECK(esp_mqtt_client_unregister_event(client, MQTT_EVENT_DATA, mqtt_event_handler));
  esp_mqtt_client_config_t updated = full_config();
  ESP_ERROR_CHECK_WITHOUT_ABORT(esp_mqtt_set_config(client, &updated));
  ESP_ERROR_CHECK(esp_mqtt_client_set_uri(client, "mqtt://user:pass@127.0.0.1:1883/path"));
  use_portmqtt_additions(client);
  ESP_ERROR_CHECK(esp_mqtt_client_start(client));
  subscribe_all_forms(client);
  int msg_id = esp_mqtt_client_enqueue(client, "/topic/enq", "payload", 7, 1, 0, true);
  ESP_LOGI(TAG, "enqueued %d, state %d", msg_id, esp_mqtt_client_get_state(client));
  esp_mqtt_event_t user_event = {.event_id = MQTT_USER_EVENT, .msg_id = 42};
  if (esp_mqtt_dispatch_custom_event(client, &user_event) == ESP_ERR_TIMEOUT) {
    ESP_LOGW(TAG, "custom event queue full");
  }
  esp_transport_handle_t transport = esp_mqtt_client_get_transport(client, MQTT_OVER_TCP_SCHEME);
  ESP_LOGD(TAG, "transport %p", (void*)transport);
  esp_mqtt_client_reconnect(client);
  esp_mqtt_client_disconnect(client);
  esp_mqtt_client_stop(client);
  esp_mqtt_client_destroy(client);
}

void app_main(void) {
  ESP_LOGI(TAG, "[APP] Startup..");
  esp_log_level_set("*", ESP_LOG_INFO);
  esp_log_level_set("mqtt_client", ESP_LOG_VERBOSE);
  ESP_LOGI(TAG, "esp_err_to_name(ESP_ERR_NO_MEM) = %s", esp_err_to_name(ESP_ERR_NO_MEM));
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  ESP_ERROR_CHECK(esp_tls_init_global_ca_store());
  ESP_ERROR_CHECK(esp_tls_set_global_ca_store((const unsigned char*)ca_pem, sizeof ca_pem));
  mqtt_app_start();
  esp_tls_free_global_ca_store();
  ESP_ERROR_CHECK(esp_event_loop_delete_default());
}
