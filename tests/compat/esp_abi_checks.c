/*
 * Compile-time checks, in C11, that portmqtt's ESP headers carry ESP-MQTT's and ESP-IDF's
 * values and layout. Every expected number below is written by hand from ESP-IDF's headers
 * and documentation. The file also exports the C compiler's view of every struct field
 * (layout_fields.h) so compat_test.cpp can check that C++ sees the same layout.
 */
#include <stddef.h>

#include "esp_event.h"
#include "esp_tls.h"
#include "layout_fields.h"
#include "mqtt_client.h"

/* The aliases and the deprecated field are checked on purpose. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define EXPECT(cond) _Static_assert(cond, #cond)

/* This file defines no CONFIG_MQTT_* option, so esp_mqtt_client_init stays the plain function. */
#ifdef esp_mqtt_client_init
#error "esp_mqtt_client_init must not be a macro without CONFIG_MQTT_* options"
#endif
#ifndef CONFIG_MQTT_PROTOCOL_5
#error "mqtt_client.h must announce MQTT 5 support"
#endif

/* esp_err.h */
EXPECT(ESP_OK == 0);
EXPECT(ESP_FAIL == -1);
EXPECT(ESP_ERR_NO_MEM == 0x101);
EXPECT(ESP_ERR_INVALID_ARG == 0x102);
EXPECT(ESP_ERR_INVALID_STATE == 0x103);
EXPECT(ESP_ERR_INVALID_SIZE == 0x104);
EXPECT(ESP_ERR_NOT_FOUND == 0x105);
EXPECT(ESP_ERR_NOT_SUPPORTED == 0x106);
EXPECT(ESP_ERR_TIMEOUT == 0x107);
EXPECT(ESP_ERR_NOT_ALLOWED == 0x10D);

/* esp_tls_errors.h */
EXPECT(ESP_ERR_ESP_TLS_BASE == 0x8000);
EXPECT(ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME == 0x8001);
EXPECT(ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST == 0x8004);
EXPECT(ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT == 0x8006);
EXPECT(ESP_ERR_ESP_TLS_TCP_CLOSED_FIN == 0x8008);
EXPECT(ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT == 0x8009);
EXPECT(ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED == 0x8015);
EXPECT(ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED == 0x801A);
EXPECT(ESP_ERR_MBEDTLS_SSL_READ_FAILED == 0x801D);

/* esp_event.h */
EXPECT(ESP_EVENT_ANY_ID == -1);
EXPECT(MQTT_EVENT_ANY == ESP_EVENT_ANY_ID);

/* Event ids. */
EXPECT(MQTT_EVENT_ANY == -1);
EXPECT(MQTT_EVENT_ERROR == 0);
EXPECT(MQTT_EVENT_CONNECTED == 1);
EXPECT(MQTT_EVENT_DISCONNECTED == 2);
EXPECT(MQTT_EVENT_SUBSCRIBED == 3);
EXPECT(MQTT_EVENT_UNSUBSCRIBED == 4);
EXPECT(MQTT_EVENT_PUBLISHED == 5);
EXPECT(MQTT_EVENT_DATA == 6);
EXPECT(MQTT_EVENT_BEFORE_CONNECT == 7);
EXPECT(MQTT_EVENT_DELETED == 8);
EXPECT(MQTT_USER_EVENT == 9);

/* Errors and CONNACK codes. */
EXPECT(MQTT_ERROR_TYPE_NONE == 0);
EXPECT(MQTT_ERROR_TYPE_TCP_TRANSPORT == 1);
EXPECT(MQTT_ERROR_TYPE_ESP_TLS == MQTT_ERROR_TYPE_TCP_TRANSPORT);
EXPECT(MQTT_ERROR_TYPE_CONNECTION_REFUSED == 2);
EXPECT(MQTT_ERROR_TYPE_SUBSCRIBE_FAILED == 3);
EXPECT(MQTT_CONNECTION_ACCEPTED == 0);
EXPECT(MQTT_CONNECTION_REFUSE_PROTOCOL == 1);
EXPECT(MQTT_CONNECTION_REFUSE_ID_REJECTED == 2);
EXPECT(MQTT_CONNECTION_REFUSE_SERVER_UNAVAILABLE == 3);
EXPECT(MQTT_CONNECTION_REFUSE_BAD_USERNAME == 4);
EXPECT(MQTT_CONNECTION_REFUSE_NOT_AUTHORIZED == 5);

/* Transports, protocol versions, states. */
EXPECT(MQTT_TRANSPORT_UNKNOWN == 0 && MQTT_TRANSPORT_OVER_TCP == 1);
EXPECT(MQTT_TRANSPORT_OVER_SSL == 2 && MQTT_TRANSPORT_OVER_WS == 3);
EXPECT(MQTT_TRANSPORT_OVER_WSS == 4);
EXPECT(MQTT_PROTOCOL_UNDEFINED == 0 && MQTT_PROTOCOL_V_3_1 == 1);
EXPECT(MQTT_PROTOCOL_V_3_1_1 == 2 && MQTT_PROTOCOL_V_5 == 3);
EXPECT(MQTT_CLIENT_STATE_NOT_INITIALIZED == 0 && MQTT_CLIENT_STATE_NOT_STARTED == 1);
EXPECT(MQTT_CLIENT_STATE_DISCONNECTED == 2 && MQTT_CLIENT_STATE_CONNECTED == 3);
EXPECT(MQTT_CLIENT_STATE_WAITING_RECONNECT == 4);

/* MQTT 5 reason codes (MQTT 5.0 table 2-6), with ESP's misspelt aliases. */
EXPECT(MQTT5_SUCCESS == 0x00 && MQTT5_NORMAL_DISCONNECT == 0x00 && MQTT5_GRANTED_QOS0 == 0x00);
EXPECT(MQTT5_GRANTED_QOS1 == 0x01 && MQTT5_GRANTED_QOS2 == 0x02);
EXPECT(MQTT5_DISCONNECT_WITH_WILL == 0x04);
EXPECT(MQTT5_NO_MATCHING_SUBSCRIBERS == 0x10 && MQTT5_NO_SUBSCRIPTION_EXISTED == 0x11);
EXPECT(MQTT5_CONTINUE_AUTHENTICATION == 0x18 && MQTT5_RE_AUTHENTICATE == 0x19);
EXPECT(MQTT5_UNSPECIFIED_ERROR == 0x80);
EXPECT(MQTT5_MALFORMED_PACKET == 0x81);
EXPECT(MQTT5_PROTOCOL_ERROR == 0x82);
EXPECT(MQTT5_IMPLEMENT_SPECIFIC_ERROR == 0x83);
EXPECT(MQTT5_UNSUPPORTED_PROTOCOL_VER == 0x84);
EXPECT(MQTT5_INVALID_CLIENT_ID == 0x85 && MQTT5_INVAILD_CLIENT_ID == 0x85);
EXPECT(MQTT5_BAD_USERNAME_OR_PWD == 0x86);
EXPECT(MQTT5_NOT_AUTHORIZED == 0x87);
EXPECT(MQTT5_SERVER_UNAVAILABLE == 0x88);
EXPECT(MQTT5_SERVER_BUSY == 0x89);
EXPECT(MQTT5_BANNED == 0x8A);
EXPECT(MQTT5_SERVER_SHUTTING_DOWN == 0x8B);
EXPECT(MQTT5_BAD_AUTH_METHOD == 0x8C);
EXPECT(MQTT5_KEEP_ALIVE_TIMEOUT == 0x8D);
EXPECT(MQTT5_SESSION_TAKEN_OVER == 0x8E);
EXPECT(MQTT5_TOPIC_FILTER_INVALID == 0x8F && MQTT5_TOPIC_FILTER_INVAILD == 0x8F);
EXPECT(MQTT5_TOPIC_NAME_INVALID == 0x90 && MQTT5_TOPIC_NAME_INVAILD == 0x90);
EXPECT(MQTT5_PACKET_IDENTIFIER_IN_USE == 0x91);
EXPECT(MQTT5_PACKET_IDENTIFIER_NOT_FOUND == 0x92);
EXPECT(MQTT5_RECEIVE_MAXIMUM_EXCEEDED == 0x93);
EXPECT(MQTT5_TOPIC_ALIAS_INVALID == 0x94 && MQTT5_TOPIC_ALIAS_INVAILD == 0x94);
EXPECT(MQTT5_PACKET_TOO_LARGE == 0x95);
EXPECT(MQTT5_MESSAGE_RATE_TOO_HIGH == 0x96);
EXPECT(MQTT5_QUOTA_EXCEEDED == 0x97);
EXPECT(MQTT5_ADMINISTRATIVE_ACTION == 0x98);
EXPECT(MQTT5_PAYLOAD_FORMAT_INVALID == 0x99 && MQTT5_PAYLOAD_FORMAT_INVAILD == 0x99);
EXPECT(MQTT5_RETAIN_NOT_SUPPORT == 0x9A);
EXPECT(MQTT5_QOS_NOT_SUPPORT == 0x9B);
EXPECT(MQTT5_USE_ANOTHER_SERVER == 0x9C);
EXPECT(MQTT5_SERVER_MOVED == 0x9D);
EXPECT(MQTT5_SHARED_SUBSCR_NOT_SUPPORTED == 0x9E);
EXPECT(MQTT5_CONNECTION_RATE_EXCEEDED == 0x9F);
EXPECT(MQTT5_MAXIMUM_CONNECT_TIME == 0xA0);
EXPECT(MQTT5_SUBSCRIBE_IDENTIFIER_NOT_SUPPORT == 0xA1);
EXPECT(MQTT5_WILDCARD_SUBSCRIBE_NOT_SUPPORT == 0xA2);

/* Scheme names. */
EXPECT(sizeof MQTT_OVER_TCP_SCHEME == sizeof "mqtt" &&
       sizeof MQTT_OVER_SSL_SCHEME == sizeof "mqtts");
EXPECT(sizeof MQTT_OVER_WS_SCHEME == sizeof "ws" && sizeof MQTT_OVER_WSS_SCHEME == sizeof "wss");

/* ESP field order: the first field sits at offset 0 and each group follows the one before. */
#define BEFORE(type, a, b) EXPECT(offsetof(type, a) < offsetof(type, b))
EXPECT(offsetof(esp_mqtt_client_config_t, broker.address.uri) == 0);
BEFORE(esp_mqtt_client_config_t, broker.address.port, broker.verification.use_global_ca_store);
BEFORE(esp_mqtt_client_config_t, broker.verification.ciphersuites_list, credentials.username);
BEFORE(esp_mqtt_client_config_t, credentials.set_null_client_id, credentials.authentication);
BEFORE(esp_mqtt_client_config_t, credentials.authentication.ecdsa_key_efuse_blk, session);
BEFORE(esp_mqtt_client_config_t, session.last_will.retain, session.disable_clean_session);
BEFORE(esp_mqtt_client_config_t, session.message_retransmit_timeout, network);
BEFORE(esp_mqtt_client_config_t, network.if_name, task.priority);
BEFORE(esp_mqtt_client_config_t, task.stack_size, buffer.size);
BEFORE(esp_mqtt_client_config_t, buffer.out_size, outbox.limit);
EXPECT(offsetof(esp_mqtt_event_t, event_id) == 0);
BEFORE(esp_mqtt_event_t, protocol_ver, reason_code);
BEFORE(esp_mqtt_event_t, reason_code, property);
BEFORE(esp_mqtt_error_codes_t, connect_return_code, disconnect_return_code);
BEFORE(esp_mqtt_error_codes_t, disconnect_return_code, esp_transport_sock_errno);

/* An MQTT error handle may be read as esp_tls_last_error_t (ESP-MQTT documents this). */
EXPECT(offsetof(esp_mqtt_error_codes_t, esp_tls_last_esp_err) ==
       offsetof(esp_tls_last_error_t, last_error));
EXPECT(offsetof(esp_mqtt_error_codes_t, esp_tls_stack_err) ==
       offsetof(esp_tls_last_error_t, esp_tls_error_code));
EXPECT(offsetof(esp_mqtt_error_codes_t, esp_tls_cert_verify_flags) ==
       offsetof(esp_tls_last_error_t, esp_tls_flags));

/* Types ESP code relies on. */
EXPECT(sizeof(esp_err_t) == sizeof(int));
EXPECT(sizeof(((esp_mqtt_client_config_t*)0)->broker.address.port) == 4);
EXPECT(sizeof(((esp_mqtt_client_config_t*)0)->outbox.limit) == 8);
EXPECT(sizeof(((esp_mqtt5_subscribe_property_config_t*)0)->subscribe_id) == 2);

#define C_LAYOUT_ENTRY(type, path) \
  {#type "." #path, offsetof(type, path), sizeof(((type*)0)->path)},

const compat_field_layout compat_c_layout[] = {COMPAT_LAYOUT_FIELDS(C_LAYOUT_ENTRY)};
const size_t compat_c_layout_count = sizeof compat_c_layout / sizeof compat_c_layout[0];
