/**
 * \file
 * mqtt5_client.h — ESP-MQTT's MQTT 5 API (esp-mqtt 1.1.0), for portmqtt on Linux.
 *
 * portmqtt always builds the MQTT 5 layout, as if CONFIG_MQTT_PROTOCOL_5 were set:
 * mqtt_client.h includes this header, and this header includes mqtt_client.h, so either may be
 * included first. Every declaration here only needs the types defined in this file.
 *
 * MQTT 5 features are used only when session.protocol_ver is MQTT_PROTOCOL_V_5; with 3.1 or
 * 3.1.1 the property setters return ESP_FAIL, as in ESP-MQTT.
 */
#ifndef PORTMQTT_MQTT5_CLIENT_H
#define PORTMQTT_MQTT5_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PORTMQTT_ESP_DEPRECATED
/**
 * Marks ESP-MQTT's deprecated names. Define it as empty before including to silence the
 * warnings (portmqtt's own implementation does, since it must still fill deprecated fields).
 */
#define PORTMQTT_ESP_DEPRECATED __attribute__((deprecated))
#endif

/** Client handle as the MQTT 5 functions spell it; the same object as esp_mqtt_client_handle_t. */
typedef struct esp_mqtt_client* esp_mqtt5_client_handle_t;

/**
 * MQTT 5 reason codes (MQTT 5.0 §2.4). Values below 0x80 report success, 0x80 and above
 * failure. Several names share a value because the meaning depends on the packet.
 */
typedef enum mqtt5_error_reason_code_t {
  MQTT5_SUCCESS = 0x00,              /*!< Success (CONNACK, PUBACK, PUBREC, PUBCOMP, UNSUBACK). */
  MQTT5_NORMAL_DISCONNECT = 0x00,    /*!< DISCONNECT without the will being published. */
  MQTT5_GRANTED_QOS0 = 0x00,         /*!< SUBACK: subscribed with maximum QoS 0. */
  MQTT5_GRANTED_QOS1 = 0x01,         /*!< SUBACK: subscribed with maximum QoS 1. */
  MQTT5_GRANTED_QOS2 = 0x02,         /*!< SUBACK: subscribed with maximum QoS 2. */
  MQTT5_DISCONNECT_WITH_WILL = 0x04, /*!< DISCONNECT asking the server to publish the will. */
  MQTT5_NO_MATCHING_SUBSCRIBERS = 0x10,  /*!< PUBACK/PUBREC: accepted, nobody subscribed. */
  MQTT5_NO_SUBSCRIPTION_EXISTED = 0x11,  /*!< UNSUBACK: there was no such subscription. */
  MQTT5_CONTINUE_AUTHENTICATION = 0x18,  /*!< AUTH: another authentication step follows. */
  MQTT5_RE_AUTHENTICATE = 0x19,          /*!< AUTH: client starts re-authentication. */
  MQTT5_UNSPECIFIED_ERROR = 0x80,        /*!< Failure without a more specific code. */
  MQTT5_MALFORMED_PACKET = 0x81,         /*!< A packet could not be parsed. */
  MQTT5_PROTOCOL_ERROR = 0x82,           /*!< A packet broke the protocol rules. */
  MQTT5_IMPLEMENT_SPECIFIC_ERROR = 0x83, /*!< Valid, but refused by the receiver's policy. */
  MQTT5_UNSUPPORTED_PROTOCOL_VER = 0x84, /*!< CONNACK: protocol version not supported. */
  MQTT5_INVAILD_CLIENT_ID PORTMQTT_ESP_DEPRECATED = 0x85, /*!< Misspelt ESP alias. */
  MQTT5_INVALID_CLIENT_ID = 0x85,                         /*!< CONNACK: client id refused. */
  MQTT5_BAD_USERNAME_OR_PWD = 0x86,  /*!< CONNACK: bad user name or password. */
  MQTT5_NOT_AUTHORIZED = 0x87,       /*!< Not allowed. */
  MQTT5_SERVER_UNAVAILABLE = 0x88,   /*!< CONNACK: server not available. */
  MQTT5_SERVER_BUSY = 0x89,          /*!< Server busy; try later. */
  MQTT5_BANNED = 0x8A,               /*!< CONNACK: client banned. */
  MQTT5_SERVER_SHUTTING_DOWN = 0x8B, /*!< DISCONNECT: server going down. */
  MQTT5_BAD_AUTH_METHOD = 0x8C,      /*!< Authentication method refused. */
  MQTT5_KEEP_ALIVE_TIMEOUT = 0x8D,   /*!< DISCONNECT: keep-alive expired. */
  MQTT5_SESSION_TAKEN_OVER = 0x8E,   /*!< DISCONNECT: same client id connected elsewhere. */
  MQTT5_TOPIC_FILTER_INVAILD PORTMQTT_ESP_DEPRECATED = 0x8F, /*!< Misspelt ESP alias. */
  MQTT5_TOPIC_FILTER_INVALID = 0x8F,                         /*!< Topic filter refused. */
  MQTT5_TOPIC_NAME_INVAILD PORTMQTT_ESP_DEPRECATED = 0x90,   /*!< Misspelt ESP alias. */
  MQTT5_TOPIC_NAME_INVALID = 0x90,                           /*!< Topic name refused. */
  MQTT5_PACKET_IDENTIFIER_IN_USE = 0x91,                     /*!< Packet id already in use. */
  MQTT5_PACKET_IDENTIFIER_NOT_FOUND = 0x92,                  /*!< Packet id unknown. */
  MQTT5_RECEIVE_MAXIMUM_EXCEEDED = 0x93, /*!< More unacknowledged QoS>0 than allowed. */
  MQTT5_TOPIC_ALIAS_INVAILD PORTMQTT_ESP_DEPRECATED = 0x94,    /*!< Misspelt ESP alias. */
  MQTT5_TOPIC_ALIAS_INVALID = 0x94,                            /*!< Topic alias out of range. */
  MQTT5_PACKET_TOO_LARGE = 0x95,                               /*!< Packet above maximum size. */
  MQTT5_MESSAGE_RATE_TOO_HIGH = 0x96,                          /*!< Publishing too fast. */
  MQTT5_QUOTA_EXCEEDED = 0x97,                                 /*!< A quota was exceeded. */
  MQTT5_ADMINISTRATIVE_ACTION = 0x98,                          /*!< Disconnected by an operator. */
  MQTT5_PAYLOAD_FORMAT_INVAILD PORTMQTT_ESP_DEPRECATED = 0x99, /*!< Misspelt ESP alias. */
  MQTT5_PAYLOAD_FORMAT_INVALID = 0x99,           /*!< Payload does not match its format flag. */
  MQTT5_RETAIN_NOT_SUPPORT = 0x9A,               /*!< Server does not support retain. */
  MQTT5_QOS_NOT_SUPPORT = 0x9B,                  /*!< QoS above the server's maximum. */
  MQTT5_USE_ANOTHER_SERVER = 0x9C,               /*!< Temporarily use another server. */
  MQTT5_SERVER_MOVED = 0x9D,                     /*!< Permanently use another server. */
  MQTT5_SHARED_SUBSCR_NOT_SUPPORTED = 0x9E,      /*!< Shared subscriptions not supported. */
  MQTT5_CONNECTION_RATE_EXCEEDED = 0x9F,         /*!< Connecting too often. */
  MQTT5_MAXIMUM_CONNECT_TIME = 0xA0,             /*!< Connection time limit reached. */
  MQTT5_SUBSCRIBE_IDENTIFIER_NOT_SUPPORT = 0xA1, /*!< Subscription ids not supported. */
  MQTT5_WILDCARD_SUBSCRIBE_NOT_SUPPORT = 0xA2,   /*!< Wildcard subscriptions not supported. */
} esp_mqtt5_reason_code_t;

/** Earlier ESP-MQTT name of esp_mqtt5_reason_code_t (it held only the failure codes). */
typedef esp_mqtt5_reason_code_t esp_mqtt5_error_reason_code_t;

/**
 * A list of MQTT 5 user properties (key/value string pairs), allocated by
 * esp_mqtt5_client_set_user_property() and freed by esp_mqtt5_client_delete_user_property().
 * NULL is the empty list.
 */
typedef struct mqtt5_user_property_list_t* mqtt5_user_property_handle_t;

/**
 * Properties of CONNECT and of the will message (MQTT 5.0 §3.1.2.11, §3.1.3.2).
 * Zero or NULL fields are not sent. Copied by esp_mqtt5_client_set_connect_property().
 */
typedef struct {
  uint32_t session_expiry_interval; /*!< Seconds the server keeps the session after a disconnect. */
  uint32_t maximum_packet_size;     /*!< Largest packet we accept (larger messages arrive as
                                         DATA fragments of buffer.size); 0: portmqtt's default
                                         of 16 MiB, announced on MQTT 5 and enforced on 3.x as
                                         well (the whole packet is held in memory while its
                                         fragments are delivered). */
  uint16_t receive_maximum;         /*!< Most unacknowledged QoS>0 messages we accept at once. */
  uint16_t topic_alias_maximum;     /*!< Highest topic alias the server may use towards us. */
  bool request_resp_info;           /*!< Ask the server for Response Information in CONNACK. */
  bool request_problem_info;        /*!< Allow reason strings/user properties on failures. */
  mqtt5_user_property_handle_t user_property; /*!< User properties of CONNECT. */
  uint32_t will_delay_interval;     /*!< Seconds the server waits before publishing the will. */
  uint32_t message_expiry_interval; /*!< Lifetime of the will message in seconds. */
  bool payload_format_indicator;    /*!< The will payload is UTF-8 text. */
  const char* content_type;         /*!< MIME type of the will payload. */
  const char* response_topic;       /*!< Response topic of the will message. */
  const char* correlation_data;     /*!< Correlation bytes of the will message. */
  uint16_t correlation_data_len;    /*!< Number of bytes at correlation_data. */
  mqtt5_user_property_handle_t will_user_property; /*!< User properties of the will message. */
} esp_mqtt5_connection_property_config_t;

/** Properties of one PUBLISH (MQTT 5.0 §3.3.2.3). Zero or NULL fields are not sent. */
typedef struct {
  bool payload_format_indicator;    /*!< The payload is UTF-8 text. */
  uint32_t message_expiry_interval; /*!< Lifetime of the message in seconds. */
  uint16_t topic_alias;             /*!< Alias for the topic; with an alias the topic may be "". */
  const char* response_topic;       /*!< Topic the receiver should answer on. */
  const char* correlation_data;     /*!< Bytes that tie a response to this request. */
  uint16_t correlation_data_len;    /*!< Number of bytes at correlation_data. */
  const char* content_type;         /*!< MIME type of the payload. */
  mqtt5_user_property_handle_t user_property; /*!< User properties of the message. */
} esp_mqtt5_publish_property_config_t;

/** Options and properties of one SUBSCRIBE (MQTT 5.0 §3.8.2.1, §3.8.3.1), for every filter. */
typedef struct {
  uint16_t subscribe_id;         /*!< Subscription identifier; 0 sends none. */
  bool no_local_flag;            /*!< Do not deliver our own publications back to us. */
  bool retain_as_published_flag; /*!< Keep the retain flag as the publisher set it. */
  uint8_t retain_handle;   /*!< Retained messages: 0 send on subscribe, 1 only if new, 2 never. */
  bool is_share_subscribe; /*!< Subscribe as "$share/<share_name>/<filter>". */
  const char* share_name;  /*!< Share group name, required with is_share_subscribe. */
  mqtt5_user_property_handle_t user_property; /*!< User properties of SUBSCRIBE. */
} esp_mqtt5_subscribe_property_config_t;

/** Properties of one UNSUBSCRIBE (MQTT 5.0 §3.10.2.1). */
typedef struct {
  bool is_share_subscribe; /*!< Unsubscribe "$share/<share_name>/<filter>". */
  const char* share_name;  /*!< Share group name, required with is_share_subscribe. */
  mqtt5_user_property_handle_t user_property; /*!< User properties of UNSUBSCRIBE. */
} esp_mqtt5_unsubscribe_property_config_t;

/** Properties of the DISCONNECT the client sends (MQTT 5.0 §3.14.2). */
typedef struct {
  uint32_t session_expiry_interval; /*!< New session expiry in seconds; 0 leaves it unchanged. */
  uint8_t disconnect_reason;        /*!< Reason code, e.g. MQTT5_DISCONNECT_WITH_WILL. */
  mqtt5_user_property_handle_t user_property; /*!< User properties of DISCONNECT. */
} esp_mqtt5_disconnect_property_config_t;

/** What the server announced in CONNACK (MQTT 5.0 §3.2.2.3); absent values hold their defaults. */
typedef struct {
  uint32_t maximum_packet_size;      /*!< Largest packet the server accepts; 0 = no limit given. */
  uint16_t receive_maximum;          /*!< Most unacknowledged QoS>0 publishes it accepts (65535). */
  uint16_t topic_alias_maximum;      /*!< Highest topic alias we may use; 0 = none. */
  uint8_t max_qos;                   /*!< Highest QoS the server supports (2). */
  bool retain_available;             /*!< Server supports retained messages. */
  bool wildcard_subscribe_available; /*!< Server supports wildcard filters. */
  bool subscribe_identifiers_available; /*!< Server supports subscription identifiers. */
  bool shared_subscribe_available;      /*!< Server supports shared subscriptions. */
  const char* response_info; /*!< Response Information (not NUL-terminated); NULL if none. */
  int response_info_len;     /*!< Number of bytes at response_info. */
} esp_mqtt5_server_resp_property_t;

/**
 * MQTT 5 properties attached to an event (esp_mqtt_event_t::property). Pointers refer to
 * client memory that is valid only while the handler runs. In portmqtt they stay valid for
 * every fragment of a fragmented DATA message.
 */
typedef struct {
  bool payload_format_indicator; /*!< DATA: the payload is UTF-8 text. */
  char* response_topic;          /*!< DATA: response topic (not NUL-terminated) or NULL. */
  int response_topic_len;        /*!< Number of bytes at response_topic. */
  char* correlation_data;        /*!< DATA: correlation bytes or NULL. */
  uint16_t correlation_data_len; /*!< Number of bytes at correlation_data. */
  char* content_type;            /*!< DATA: MIME type (not NUL-terminated) or NULL. */
  int content_type_len;          /*!< Number of bytes at content_type. */
  uint16_t subscribe_id; /*!< DATA: first subscription identifier that matched; 0 if none. */
  mqtt5_user_property_handle_t user_property; /*!< User properties of the packet; NULL if none. */
  esp_mqtt5_server_resp_property_t server;    /*!< CONNECTED only: server capabilities. */
} esp_mqtt5_event_property_t;

/** One user property; both strings NUL-terminated. */
typedef struct {
  const char* key;   /*!< Property name. */
  const char* value; /*!< Property value. */
} esp_mqtt5_user_property_item_t;

/**
 * Sets the CONNECT and will properties used for every later connection attempt. The struct
 * is copied (the user property lists too), so it need not outlive the call. Zero fields are
 * ignored, so a value set earlier cannot be reset to 0.
 *
 * @return ESP_OK; ESP_FAIL if the client is not configured for MQTT 5; ESP_ERR_INVALID_ARG
 *         for NULL arguments; ESP_ERR_NO_MEM
 */
esp_err_t esp_mqtt5_client_set_connect_property(
    esp_mqtt5_client_handle_t client,
    const esp_mqtt5_connection_property_config_t* connect_property);

/**
 * Sets the properties of the next publish or enqueue call of this client (one use only).
 * Only the pointer is kept: the struct must stay valid until that call returns. Another
 * thread publishing in between takes them instead; esp_mqtt_client_publish_with_properties()
 * avoids that race.
 *
 * @return ESP_OK; ESP_FAIL if not MQTT 5 or topic_alias exceeds the server's maximum;
 *         ESP_ERR_INVALID_ARG for NULL arguments
 */
esp_err_t esp_mqtt5_client_set_publish_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_publish_property_config_t* property);

/**
 * Sets the options and properties of the next subscribe call (one use only; pointer kept
 * until then).
 *
 * @return ESP_OK; ESP_FAIL if not MQTT 5, if shared subscription is combined with no_local,
 *         lacks a share_name or is not offered by the server, or if retain_handle > 2;
 *         ESP_ERR_INVALID_ARG for NULL arguments
 */
esp_err_t esp_mqtt5_client_set_subscribe_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_subscribe_property_config_t* property);

/**
 * Sets the properties of the next unsubscribe call (one use only; pointer kept until then).
 *
 * @return ESP_OK; ESP_FAIL if not MQTT 5 or a shared unsubscribe lacks share_name;
 *         ESP_ERR_INVALID_ARG for NULL arguments
 */
esp_err_t esp_mqtt5_client_set_unsubscribe_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_unsubscribe_property_config_t* property);

/**
 * Sets the properties of the next DISCONNECT the client sends (from
 * esp_mqtt_client_disconnect() or esp_mqtt_client_stop()); copied, then cleared once used.
 *
 * @return ESP_OK; ESP_FAIL if not MQTT 5; ESP_ERR_INVALID_ARG for NULL; ESP_ERR_NO_MEM
 */
esp_err_t esp_mqtt5_client_set_disconnect_property(
    esp_mqtt5_client_handle_t client, const esp_mqtt5_disconnect_property_config_t* property);

/**
 * Appends items to a user property list, creating it when *user_property is NULL. Keys and
 * values are copied. Free the list with esp_mqtt5_client_delete_user_property().
 *
 * @param user_property in/out list handle
 * @param item          items to append
 * @param item_num      number of items
 * @return ESP_OK; ESP_FAIL for NULL arguments or a NULL key/value; ESP_ERR_NO_MEM
 */
esp_err_t esp_mqtt5_client_set_user_property(mqtt5_user_property_handle_t* user_property,
                                             esp_mqtt5_user_property_item_t item[],
                                             uint8_t item_num);

/**
 * Copies up to *item_num items out of a list, in order. Each returned key and value is a new
 * heap string the caller must free().
 *
 * @param user_property list to read
 * @param item          array of at least *item_num elements
 * @param item_num      in: capacity of item; out: number of items written
 * @return ESP_OK; ESP_FAIL for NULL arguments; ESP_ERR_NO_MEM
 */
esp_err_t esp_mqtt5_client_get_user_property(mqtt5_user_property_handle_t user_property,
                                             esp_mqtt5_user_property_item_t* item,
                                             uint8_t* item_num);

/**
 * Number of items in a list (0 for NULL). Lists longer than 255 items report 255.
 */
uint8_t esp_mqtt5_client_get_user_property_count(mqtt5_user_property_handle_t user_property);

/** Frees a list and all its strings. NULL is allowed. */
void esp_mqtt5_client_delete_user_property(mqtt5_user_property_handle_t user_property);

#ifdef __cplusplus
}
#endif

/* The MQTT 5 API extends mqtt_client.h; make the rest of the client API visible too. */
#include "mqtt_client.h"

#endif /* PORTMQTT_MQTT5_CLIENT_H */
