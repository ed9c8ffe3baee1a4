/**
 * \file
 * mqtt_client.h — the ESP-MQTT client API (esp-mqtt 1.1.0) for portmqtt on Linux.
 *
 * Code written for ESP-IDF's mqtt_client.h compiles unchanged as C11 and as C++17/20:
 * every type, field order, enumerator value and function signature is ESP-MQTT's, always in
 * the MQTT 5 layout (as if CONFIG_MQTT_PROTOCOL_5 were set; it is defined below if not).
 *
 * Return conventions (as in ESP-MQTT): message functions return an int, > 0 a message id,
 * 0 a QoS 0 publish that was sent (or stored), -1 an error, -2 a full outbox. Control
 * functions return an esp_err_t.
 *
 * Threading: every function may be called from any thread. All but esp_mqtt_client_stop()
 * and esp_mqtt_client_destroy() may also be called from an event handler; those two refuse
 * with ESP_FAIL there instead of deadlocking. Handlers always run on the client's own thread.
 *
 * What portmqtt adds is in the section "portmqtt additions" at the end; ESP-MQTT code never
 * sees it. Kconfig options of ESP-MQTT are run-time options there.
 */
#ifndef PORTMQTT_MQTT_CLIENT_H
#define PORTMQTT_MQTT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "esp_err.h"
#include "esp_event.h" /* reads sdkconfig.h when it is on the include path (via esp_log.h) */
#include "esp_transport.h"

#ifndef CONFIG_MQTT_PROTOCOL_5
/** MQTT 5 support is always built in; defined so that `#if CONFIG_MQTT_PROTOCOL_5` code is kept. */
#define CONFIG_MQTT_PROTOCOL_5 1
#endif

#include "mqtt5_client.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ifreq;        /* <net/if.h>; only pointed to. */
struct psk_key_hint; /* esp_tls.h; only pointed to. */

/** An MQTT client, created by esp_mqtt_client_init(). */
typedef struct esp_mqtt_client* esp_mqtt_client_handle_t;

#define MQTT_OVER_TCP_SCHEME "mqtt"  /*!< URI scheme of MQTT over TCP. */
#define MQTT_OVER_SSL_SCHEME "mqtts" /*!< URI scheme of MQTT over TLS. */
#define MQTT_OVER_WS_SCHEME "ws"     /*!< URI scheme of MQTT over WebSocket. */
#define MQTT_OVER_WSS_SCHEME "wss"   /*!< URI scheme of MQTT over WebSocket over TLS. */

/** Event ids, passed as the handler's event_id and in esp_mqtt_event_t::event_id. */
typedef enum esp_mqtt_event_id_t {
  MQTT_EVENT_ANY = -1,     /*!< Registration only: every event. Equals ESP_EVENT_ANY_ID. */
  MQTT_EVENT_ERROR = 0,    /*!< A failure; details in error_handle. Followed by DISCONNECTED when
                                the connection is lost. */
  MQTT_EVENT_CONNECTED,    /*!< CONNACK accepted; session_present set; MQTT 5: property->server. */
  MQTT_EVENT_DISCONNECTED, /*!< The connection ended or a connect attempt failed. MQTT 5: a
                                server DISCONNECT sets reason_code. */
  MQTT_EVENT_SUBSCRIBED,   /*!< SUBACK for msg_id; data/data_len hold the granted QoS or reason
                                bytes; any failure sets error_handle->error_type. */
  MQTT_EVENT_UNSUBSCRIBED, /*!< UNSUBACK for msg_id. */
  MQTT_EVENT_PUBLISHED,    /*!< PUBACK (QoS 1) or PUBCOMP (QoS 2) for msg_id; never for QoS 0.
                                MQTT 5: reason_code >= 0x80 means the broker refused the
                                message (PUBACK, or PUBREC for QoS 2), as ESP-MQTT reports it;
                                the message is not resent and the connection stays up, also
                                for a code the specification does not list for the packet
                                (mosquitto's PUBACK 0x95 for a message above its
                                message_size_limit). A QoS 2 message that a broker answers with
                                PUBACK (RabbitMQ 3.x) is PUBLISHED at that PUBACK.
                                The message is never PUBLISHED without that answer: a QoS 2
                                message already at PUBREC when the broker lost the session is
                                reported by MQTT_EVENT_DELETED (its outcome is unknown). */
  MQTT_EVENT_DATA,         /*!< A message, or one fragment of a message larger than buffer.size:
                                topic (first fragment only unless configured otherwise), data,
                                data_len, current_data_offset, total_data_len, msg_id, qos,
                                retain, dup. */
  MQTT_EVENT_BEFORE_CONNECT, /*!< Before every connection attempt; the handler may still change
                                  the configuration for that attempt. */
  MQTT_EVENT_DELETED,        /*!< An unacknowledged outbox entry was dropped (only when enabled):
                                  it expired, the broker lost the session (a QoS 2 message at
                                  PUBREC: outcome unknown), or a later broker cannot take it;
                                  msg_id is its id, 0 for a stored QoS 0 message. */
  MQTT_USER_EVENT,           /*!< Posted by esp_mqtt_dispatch_custom_event(); carries what the
                                  caller put in the event. */
} esp_mqtt_event_id_t;

/** Return code of an MQTT 3.1/3.1.1 CONNACK. */
typedef enum esp_mqtt_connect_return_code_t {
  MQTT_CONNECTION_ACCEPTED = 0,              /*!< Accepted. */
  MQTT_CONNECTION_REFUSE_PROTOCOL,           /*!< Refused: protocol version not supported. */
  MQTT_CONNECTION_REFUSE_ID_REJECTED,        /*!< Refused: client id not allowed. */
  MQTT_CONNECTION_REFUSE_SERVER_UNAVAILABLE, /*!< Refused: service unavailable. */
  MQTT_CONNECTION_REFUSE_BAD_USERNAME,       /*!< Refused: malformed user name or password. */
  MQTT_CONNECTION_REFUSE_NOT_AUTHORIZED      /*!< Refused: not authorised. */
} esp_mqtt_connect_return_code_t;

/** Where the error reported in esp_mqtt_error_codes_t came from. */
typedef enum esp_mqtt_error_type_t {
  MQTT_ERROR_TYPE_NONE = 0,           /*!< No error. */
  MQTT_ERROR_TYPE_TCP_TRANSPORT,      /*!< Socket, DNS, TLS or WebSocket failure. */
  MQTT_ERROR_TYPE_CONNECTION_REFUSED, /*!< The broker refused CONNECT: see connect_return_code. */
  MQTT_ERROR_TYPE_SUBSCRIBE_FAILED    /*!< A SUBACK held a failure code. */
} esp_mqtt_error_type_t;

/** Older name of MQTT_ERROR_TYPE_TCP_TRANSPORT, kept by ESP-MQTT. */
#define MQTT_ERROR_TYPE_ESP_TLS MQTT_ERROR_TYPE_TCP_TRANSPORT

/** Transport used to reach the broker. */
typedef enum esp_mqtt_transport_t {
  MQTT_TRANSPORT_UNKNOWN = 0x0, /*!< Not set: taken from the URI scheme. */
  MQTT_TRANSPORT_OVER_TCP,      /*!< Plain TCP, scheme "mqtt". */
  MQTT_TRANSPORT_OVER_SSL,      /*!< TLS, scheme "mqtts". */
  MQTT_TRANSPORT_OVER_WS,       /*!< WebSocket, scheme "ws". */
  MQTT_TRANSPORT_OVER_WSS       /*!< WebSocket over TLS, scheme "wss". */
} esp_mqtt_transport_t;

/** MQTT protocol version. */
typedef enum esp_mqtt_protocol_ver_t {
  MQTT_PROTOCOL_UNDEFINED = 0, /*!< Not set: 3.1.1. */
  MQTT_PROTOCOL_V_3_1,         /*!< MQTT 3.1 ("MQIsdp", level 3). */
  MQTT_PROTOCOL_V_3_1_1,       /*!< MQTT 3.1.1 (level 4). */
  MQTT_PROTOCOL_V_5,           /*!< MQTT 5.0 (level 5). */
} esp_mqtt_protocol_ver_t;

/** Client state reported by esp_mqtt_client_get_state(). */
typedef enum esp_mqtt_client_connection_state_t {
  MQTT_CLIENT_STATE_NOT_INITIALIZED = 0, /*!< The handle was NULL. */
  MQTT_CLIENT_STATE_NOT_STARTED,         /*!< Created and never started, or connecting (ESP-MQTT's
                                              INIT state covers both). */
  MQTT_CLIENT_STATE_DISCONNECTED,        /*!< Stopped. */
  MQTT_CLIENT_STATE_CONNECTED,           /*!< Connected to the broker. */
  MQTT_CLIENT_STATE_WAITING_RECONNECT,   /*!< Lost the connection; waiting to try again. */
} esp_mqtt_client_connection_state_t;

/**
 * Details of an error, reached through esp_mqtt_event_t::error_handle. Check error_type
 * first. The first three fields line up with esp_tls_last_error_t.
 */
typedef struct esp_mqtt_error_codes {
  esp_err_t esp_tls_last_esp_err; /*!< TRANSPORT: an ESP_ERR_ESP_TLS_* or ESP_ERR_MBEDTLS_* code. */
  int esp_tls_stack_err;          /*!< TRANSPORT: the TLS library's error (OpenSSL's on Linux). */
  int esp_tls_cert_verify_flags;  /*!< TRANSPORT: certificate verification result; 0 if none. */
  esp_mqtt_error_type_t error_type;                   /*!< Which of the other fields apply. */
  esp_mqtt_connect_return_code_t connect_return_code; /*!< CONNECTION_REFUSED: the CONNACK code;
                                                           for MQTT 5 the raw reason code. */
  esp_mqtt5_reason_code_t disconnect_return_code PORTMQTT_ESP_DEPRECATED; /*!< Reason of a server
                                  DISCONNECT; deprecated, read esp_mqtt_event_t::reason_code. */
  int esp_transport_sock_errno; /*!< TRANSPORT: errno of the failed socket call; 0 if none. */
} esp_mqtt_error_codes_t;

/**
 * An event as a handler receives it (event_data). Pointers inside refer to client memory
 * that is valid only until the handler returns.
 */
typedef struct esp_mqtt_event_t {
  esp_mqtt_event_id_t event_id;    /*!< What happened. */
  esp_mqtt_client_handle_t client; /*!< Client that raised the event. */
  char* data;                      /*!< DATA: this fragment's payload; SUBSCRIBED/UNSUBSCRIBED: the
                                        acknowledgement's return codes. Not NUL-terminated. */
  int data_len;                    /*!< Number of bytes at data. */
  int total_data_len;              /*!< DATA: length of the whole payload. */
  int current_data_offset;         /*!< DATA: offset of this fragment within the payload. */
  char* topic;                     /*!< DATA: topic (not NUL-terminated); NULL in later fragments
                                        unless topic_on_all_data_events is set. */
  int topic_len;                   /*!< Number of bytes at topic. */
  int msg_id;                      /*!< Packet id the event refers to; 0 for QoS 0 DATA. */
  int session_present;             /*!< CONNECTED: the broker kept a session for us. */
  esp_mqtt_error_codes_t* error_handle; /*!< Error details (ERROR, and SUBSCRIBED failures). */
  bool retain;                          /*!< DATA: retain flag. */
  int qos;                              /*!< DATA: QoS of the message. */
  bool dup;                             /*!< DATA: DUP flag (a resend by the broker). */
  esp_mqtt_protocol_ver_t protocol_ver; /*!< Protocol version of the connection. */
  esp_mqtt5_reason_code_t reason_code;  /*!< MQTT 5: reason code of the acknowledgement
                                             (PUBLISHED, SUBSCRIBED (first), UNSUBSCRIBED) or
                                             of a server DISCONNECT. */
  esp_mqtt5_event_property_t* property; /*!< MQTT 5: properties of the packet; see the type. */
} esp_mqtt_event_t;

/** Pointer to an event; what handlers receive as event_data. */
typedef esp_mqtt_event_t* esp_mqtt_event_handle_t;

/**
 * Client configuration. Zero/NULL fields take their defaults. Certificates and keys are PEM
 * (NUL-terminated, length 0) or DER (length set). Strings marked "copied" are copied;
 * everything else must outlive the client. Fields naming ESP hardware are accepted and have
 * no effect on Linux, as stated at each.
 */
typedef struct esp_mqtt_client_config_t {
  /** Where the broker is and how to trust it. */
  struct broker_t {
    /** Broker address: either uri, or hostname with transport and port. */
    struct address_t {
      const char* uri;      /*!< "scheme://[user[:pass]@]host[:port][/path][?query]"; copied;
                                 wins over the fields below. Must not be combined with transport. */
      const char* hostname; /*!< Host name or IP literal; copied. */
      esp_mqtt_transport_t transport; /*!< Transport when no uri is given. */
      const char* path;               /*!< WebSocket path (ws/wss only); NULL means "/". Copied. */
      uint32_t port; /*!< Port; 0 is the transport's default (1883, 8883, 80, 443). */
    } address;       /*!< Broker address. */
    /** Verification of the broker's TLS certificate. As ESP-TLS: with none of the trust sources
        (global store, bundle, certificate, PSK) set, a TLS connection is refused unless
        esp_tls_set_skip_server_cert_verify_default(true) was called. */
    struct verification_t {
      bool use_global_ca_store; /*!< Verify against the store of esp_tls_set_global_ca_store(). */
      esp_err_t (*crt_bundle_attach)(void* conf); /*!< esp_crt_bundle_attach: trust the operating
                                                       system's CA store. */
      const char* certificate;                    /*!< CA certificate(s), PEM or DER. */
      size_t certificate_len;                     /*!< DER length; 0 for PEM. */
      const struct psk_key_hint* psk_hint_key; /*!< TLS-PSK key, used when no certificate is set. */
      bool skip_cert_common_name_check;        /*!< Do not check the host name (insecure). */
      const char** alpn_protos;                /*!< NULL-terminated ALPN protocol list; copied. */
      const char* common_name;      /*!< Name the certificate must carry instead of hostname. */
      const int* ciphersuites_list; /*!< 0-terminated IANA cipher suite ids to offer. */
    } verification;                 /*!< Broker verification. */
  } broker;                         /*!< Broker address and verification. */
  /** Who the client is. */
  struct credentials_t {
    const char* username;    /*!< User name; copied. A user name in the uri wins. */
    const char* client_id;   /*!< Client identifier; copied. NULL: ESP-MQTT's "ESP32_" and
                                  6 hex digits of the host's MAC, then "_" and the process id
                                  in hex, then for the 2nd, 3rd... client of the process "_"
                                  and its number ("ESP32_a1B2C3_4d2", "ESP32_a1B2C3_4d2_1"):
                                  processes running at the same time on one host never share
                                  an id (ESP's own id is per device, and two copies of a
                                  program would take each other's session). At most 23
                                  characters. For an id that stays the same across runs, set
                                  this field. */
    bool set_null_client_id; /*!< Send an empty client id (the broker may assign one). */
    /** How the client proves its identity. */
    struct authentication_t {
      const char* password;     /*!< Password; copied. A password in the uri wins. */
      const char* certificate;  /*!< Client certificate for mutual TLS, PEM or DER. */
      size_t certificate_len;   /*!< DER length; 0 for PEM. */
      const char* key;          /*!< Private key of certificate, PEM or DER. */
      size_t key_len;           /*!< DER length; 0 for PEM. */
      const char* key_password; /*!< Password of an encrypted key; copied. */
      int key_password_len;     /*!< Length of key_password. */
      bool use_secure_element;  /*!< ESP secure element: not supported on Linux (init fails). */
      void* ds_data; /*!< ESP digital-signature peripheral: not supported on Linux (init fails). */
      bool use_ecdsa_peripheral; /*!< ESP ECDSA peripheral: not supported on Linux (init fails). */
      uint8_t ecdsa_key_efuse_blk; /*!< eFuse block of the ECDSA key: unused on Linux. */
    } authentication;              /*!< Client authentication. */
  } credentials;                   /*!< Client identity. */
  /** MQTT session settings. */
  struct session_t {
    /** Last Will and Testament, published by the broker if we vanish. */
    struct last_will_t {
      const char* topic;        /*!< Will topic; NULL means no will. Copied. */
      const char* msg;          /*!< Will payload; copied. */
      int msg_len;              /*!< Payload length; 0 means strlen(msg). */
      int qos;                  /*!< Will QoS. */
      int retain;               /*!< Will retain flag. */
    } last_will;                /*!< Will message. */
    bool disable_clean_session; /*!< Resume the stored session (Clean Session/Start = 0). */
    int keepalive;              /*!< Keep-alive in seconds; 0 means 120. A PINGREQ goes out after
                                     half of it. */
    bool disable_keepalive;     /*!< Send keep-alive 0 and no pings. */
    esp_mqtt_protocol_ver_t protocol_ver; /*!< Protocol version; 0 means 3.1.1. */
    int message_retransmit_timeout;       /*!< Milliseconds before an unacknowledged message may be
                                               resent; 0 means 1000. */
  } session;                              /*!< Session settings. */
  /** Connection handling. */
  struct network_t {
    int reconnect_timeout_ms; /*!< Wait before reconnecting; 0 means 10000. */
    int timeout_ms;           /*!< Limit for connecting, CONNACK and each write; 0 means 10000. */
    int refresh_connection_after_ms; /*!< Drop and redo the connection after this uptime; 0 off. */
    bool disable_auto_reconnect;     /*!< Stay disconnected until esp_mqtt_client_reconnect().
                                          Otherwise every failure is retried, a refused
                                          CONNECT too (wrong password, not authorized), as
                                          ESP-MQTT does; the C++ API stops on those. */
    esp_transport_keep_alive_t tcp_keep_alive_cfg; /*!< TCP keep-alive of the socket. */
    esp_transport_handle_t transport; /*!< ESP custom transport. Linux has no API to make one:
                                           leave NULL; esp_mqtt_client_init() fails otherwise. */
    struct ifreq* if_name;            /*!< Interface to bind to (ifr_name is used); copied. */
  } network;                          /*!< Connection handling. */
  /** The client's thread. */
  struct task_t {
    int priority;   /*!< Task priority; 0 means 5. Applied to the thread only where the process
                         may change scheduling, otherwise ignored. */
    int stack_size; /*!< Thread stack size in bytes; 0 means 6144 (raised to the platform
                         minimum). */
  } task;           /*!< Thread settings. */
  /** Buffer sizes. */
  struct buffer_t {
    int size;     /*!< Receive buffer: DATA events deliver at most this many payload bytes each;
                       0 means 1024. Socket reads may be larger (up to 4 KiB, or this size). */
    int out_size; /*!< Send buffer; 0 means size. */
  } buffer;       /*!< Buffer sizes. */
  /** Outbox of messages awaiting acknowledgement. */
  struct outbox_config_t {
    uint64_t limit; /*!< Bytes the outbox may hold before publish/enqueue return -2; 0 no limit. */
  } outbox;         /*!< Outbox settings. */
} esp_mqtt_client_config_t;

/** A topic filter with its maximum QoS, for esp_mqtt_client_subscribe_multiple(). */
typedef struct topic_t {
  const char* filter; /*!< Topic filter. */
  int qos;            /*!< Maximum QoS for messages matching it. */
} esp_mqtt_topic_t;

/**
 * Creates a client from a configuration. Nothing connects until esp_mqtt_client_start().
 *
 * @param config configuration; copied where the field says so
 * @return the client, or NULL if config is NULL, the URI cannot be parsed or has a scheme
 *         other than mqtt, mqtts, ws and wss, uri is combined with address.transport, TLS
 *         options are given for a non-TLS scheme, a value is out of range, or memory ran out
 */
esp_mqtt_client_handle_t esp_mqtt_client_init(const esp_mqtt_client_config_t* config);

/**
 * Replaces the broker URI; used by the next connection attempt. Host, scheme and path are
 * replaced; port, user name and password only if the URI contains them. User name and
 * password are percent-decoded.
 *
 * @return ESP_OK; ESP_FAIL if the URI cannot be parsed or has a bad %xx escape;
 *         ESP_ERR_INVALID_ARG for NULL; ESP_ERR_NO_MEM
 */
esp_err_t esp_mqtt_client_set_uri(esp_mqtt_client_handle_t client, const char* uri);

/**
 * Starts the client's thread, which connects and keeps reconnecting. Allowed on a new client
 * and after esp_mqtt_client_stop().
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_FAIL if already started or the thread
 *         could not be created
 */
esp_err_t esp_mqtt_client_start(esp_mqtt_client_handle_t client);

/**
 * Makes a client that is waiting to reconnect try now. With auto-reconnect disabled this is
 * the only way to connect again after a disconnect.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_FAIL if the client is not waiting to
 *         reconnect
 */
esp_err_t esp_mqtt_client_reconnect(esp_mqtt_client_handle_t client);

/**
 * Sends DISCONNECT (MQTT 5: with the properties of esp_mqtt5_client_set_disconnect_property())
 * and closes the connection; a DISCONNECTED event follows. Does not wait. With auto-reconnect
 * on, the client reconnects after network.reconnect_timeout_ms, as in ESP-MQTT.
 *
 * @return ESP_OK (also when not connected); ESP_ERR_INVALID_ARG for NULL
 */
esp_err_t esp_mqtt_client_disconnect(esp_mqtt_client_handle_t client);

/**
 * Disconnects (sending DISCONNECT if connected), ends the client's thread and waits for it.
 * The outbox is emptied and no event is posted. Refused from an event handler.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_FAIL if not started or called from a handler
 */
esp_err_t esp_mqtt_client_stop(esp_mqtt_client_handle_t client);

#ifndef __cplusplus
/**
 * Subscribes to one filter or to an array of filters, chosen by the second argument's type:
 * char* / const char* call esp_mqtt_client_subscribe_single(client, topic, qos);
 * esp_mqtt_topic_t* / const esp_mqtt_topic_t* call
 * esp_mqtt_client_subscribe_multiple(client, list, size).
 * (C only; C++ gets overloaded functions of the same name.)
 */
#define esp_mqtt_client_subscribe(client_handle, topic_type, qos_or_size) \
  _Generic((topic_type),                                                           \
      char *: esp_mqtt_client_subscribe_single,                                    \
      const char *: esp_mqtt_client_subscribe_single,                              \
      esp_mqtt_topic_t *: esp_mqtt_client_subscribe_multiple,                      \
      const esp_mqtt_topic_t *: esp_mqtt_client_subscribe_multiple)(client_handle, \
                                                                     topic_type, qos_or_size)
#endif

/**
 * Subscribes to one topic filter. Requires a connection. The SUBSCRIBE is written from the
 * calling thread; SUBSCRIBED reports the outcome. MQTT 5: uses the one-shot options of
 * esp_mqtt5_client_set_subscribe_property().
 *
 * @return message id (> 0); -1 if not connected or on error; -2 if the outbox is full
 */
int esp_mqtt_client_subscribe_single(esp_mqtt_client_handle_t client, const char* topic, int qos);

/**
 * Subscribes to several filters with one SUBSCRIBE packet. Otherwise as
 * esp_mqtt_client_subscribe_single().
 *
 * @param topic_list filters with their QoS
 * @param size       number of entries in topic_list
 * @return message id (> 0); -1 if not connected or on error; -2 if the outbox is full
 */
int esp_mqtt_client_subscribe_multiple(esp_mqtt_client_handle_t client,
                                       const esp_mqtt_topic_t* topic_list, int size);

/**
 * Unsubscribes from one topic filter. Requires a connection. MQTT 5: uses the one-shot
 * properties of esp_mqtt5_client_set_unsubscribe_property().
 *
 * @return message id (> 0); -1 if not connected or on error
 */
int esp_mqtt_client_unsubscribe(esp_mqtt_client_handle_t client, const char* topic);

/**
 * Publishes a message: it is queued and the client's thread writes it at once. Waits only
 * while the send queue is full (at most network.timeout_ms; inside a handler it fails at
 * once instead). Does not wait for the acknowledgement: PUBLISHED reports it. While
 * disconnected, QoS 1/2 messages are kept in the outbox and sent after reconnecting; QoS 0
 * messages fail. MQTT 5: uses the one-shot properties of
 * esp_mqtt5_client_set_publish_property().
 *
 * @param topic  topic name
 * @param data   payload; NULL for an empty payload
 * @param len    payload length; 0 or less means strlen(data)
 * @param qos    0, 1 or 2
 * @param retain non-zero to retain
 * The msg_id is the packet id, taken when the message is accepted, so at most 65,535 QoS 1/2
 * messages can wait at once: with all of them taken, this waits for an acknowledgement to free
 * one, like for send-queue room (at most network.timeout_ms, not in a handler), then returns
 * -2. A full outbox (outbox_limit) returns -2 at once, as in ESP-MQTT.
 *
 * @return message id (> 0) for QoS 1/2; 0 for QoS 0 sent; -1 on error or QoS 0 while
 *         disconnected; -2 if the outbox is full or no message id is free
 */
int esp_mqtt_client_publish(esp_mqtt_client_handle_t client, const char* topic, const char* data,
                            int len, int qos, int retain);

/**
 * Puts a message in the outbox for the client's thread to send, and returns at once. Never
 * blocks on the network; the thread is woken immediately.
 *
 * @param store  also keep QoS 0 messages (otherwise QoS 0 returns -1)
 * @return message id (> 0) for QoS 1/2; 0 for a stored QoS 0 message; -1 on error; -2 if the
 *         outbox is full or all 65,535 message ids are taken (never waits)
 */
int esp_mqtt_client_enqueue(esp_mqtt_client_handle_t client, const char* topic, const char* data,
                            int len, int qos, int retain, bool store);

/**
 * Stops the client if needed and frees it. Refused from an event handler.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_FAIL if called from a handler
 */
esp_err_t esp_mqtt_client_destroy(esp_mqtt_client_handle_t client);

/**
 * Applies a whole configuration again (typically in MQTT_EVENT_BEFORE_CONNECT). Zero fields
 * take their defaults, except the strings, will, keepalive, protocol version, port, refresh
 * interval, TCP keep-alive, interface and ALPN list, which keep their previous values when
 * zero/NULL, as in ESP-MQTT.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL or conflicting transport options;
 *         ESP_FAIL for an unparseable URI; ESP_ERR_NO_MEM
 */
esp_err_t esp_mqtt_set_config(esp_mqtt_client_handle_t client,
                              const esp_mqtt_client_config_t* config);

/**
 * Registers a handler for one event id, or for all with MQTT_EVENT_ANY (= ESP_EVENT_ANY_ID),
 * on the client's own esp_event loop under MQTT_EVENTS, as ESP-MQTT does. Handlers run on the
 * client's thread: those for MQTT_EVENT_ANY first, then those for the exact id, each in
 * registration order; event_data is an esp_mqtt_event_handle_t. Registering the same handler
 * for the same id again only replaces its argument. May be called from any thread, handlers
 * included; the change applies from the next event.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL or an unknown id; ESP_ERR_NO_MEM
 */
esp_err_t esp_mqtt_client_register_event(esp_mqtt_client_handle_t client, esp_mqtt_event_id_t event,
                                         esp_event_handler_t event_handler,
                                         void* event_handler_arg);

/**
 * Removes a handler registered for the same event id. A handler removed while an event is
 * being dispatched is not called for it any more. Called outside an event handler, it returns
 * once a dispatch in progress has finished, so that the handler's argument may be freed.
 *
 * @return ESP_OK (also if it was not registered); ESP_ERR_INVALID_ARG for NULL or an unknown id
 */
esp_err_t esp_mqtt_client_unregister_event(esp_mqtt_client_handle_t client,
                                           esp_mqtt_event_id_t event,
                                           esp_event_handler_t event_handler);

/**
 * Bytes currently held in the outbox (encoded packets awaiting sending or acknowledgement).
 *
 * @return the byte count; 0 for NULL
 */
int esp_mqtt_client_get_outbox_size(esp_mqtt_client_handle_t client);

/**
 * Posts a copy of *event as MQTT_USER_EVENT to the client's esp_event loop; its handlers run
 * on the client's thread (once the client runs). Never blocks. Pointers inside the event are
 * copied as pointers, not followed.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL; ESP_ERR_TIMEOUT if the loop's queue
 *         (event_queue_size events, CONFIG_MQTT_EVENT_QUEUE_SIZE, default 1) is full
 */
esp_err_t esp_mqtt_dispatch_custom_event(esp_mqtt_client_handle_t client, esp_mqtt_event_t* event);

/**
 * ESP-IDF hands out the transport of a scheme for tuning in MQTT_EVENT_BEFORE_CONNECT.
 * Linux has no functions that accept an esp_transport_handle_t, so portmqtt returns NULL.
 *
 * @return NULL
 */
esp_transport_handle_t esp_mqtt_client_get_transport(esp_mqtt_client_handle_t client,
                                                     char* transport_scheme);

/**
 * Current state of the client.
 *
 * @return MQTT_CLIENT_STATE_NOT_INITIALIZED for NULL, otherwise the state
 */
esp_mqtt_client_connection_state_t esp_mqtt_client_get_state(esp_mqtt_client_handle_t client);

/* ======================================================================================
 * portmqtt additions
 *
 * Not part of ESP-MQTT. ESP-MQTT's compile-time Kconfig options become the run-time options
 * of esp_mqtt_client_ext_config_t, kept apart from esp_mqtt_client_config_t so that struct
 * stays byte-for-byte ESP's. Options ESP-MQTT lacks (reconnect back-off, outbox message
 * limit, durable outbox) live there too.
 *
 * Kconfig macros: if an application defines any of CONFIG_MQTT_MSG_ID_INCREMENTAL,
 * CONFIG_MQTT_SKIP_PUBLISH_IF_DISCONNECTED, CONFIG_MQTT_REPORT_DELETED_MESSAGES,
 * CONFIG_MQTT_TOPIC_PRESENT_ALL_DATA_EVENTS, CONFIG_MQTT_OUTBOX_EXPIRED_TIMEOUT_MS,
 * CONFIG_MQTT_EVENT_QUEUE_SIZE, CONFIG_MQTT_POLL_READ_TIMEOUT_MS, CONFIG_MQTT_BUFFER_SIZE,
 * CONFIG_MQTT_TCP_DEFAULT_PORT, CONFIG_MQTT_SSL_DEFAULT_PORT, CONFIG_MQTT_WS_DEFAULT_PORT or
 * CONFIG_MQTT_WSS_DEFAULT_PORT before including this header (as ESP-IDF's sdkconfig.h does),
 * ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT() takes its values from them, and esp_mqtt_client_init()
 * calls in that file apply them, so unchanged ESP-IDF code keeps its Kconfig behaviour.
 * Boolean options count as enabled when defined (Kconfig leaves disabled ones undefined).
 * ====================================================================================== */

/** Event base of MQTT events (ESP-MQTT defines it but does not declare it in its header). */
ESP_EVENT_DECLARE_BASE(MQTT_EVENTS);

/** Reconnect timing beyond ESP-MQTT's fixed interval. */
typedef struct esp_mqtt_client_reconnect_backoff_t {
  int max_ms;         /*!< 0: every wait is network.reconnect_timeout_ms (ESP-MQTT's behaviour).
                           > 0: the wait starts at reconnect_timeout_ms, doubles after each
                           failed attempt up to max_ms, and starts over after a CONNACK. */
  int jitter_percent; /*!< 0..100: each wait is shortened by a random 0..jitter_percent % of
                           itself, so that many clients do not reconnect in step. */
} esp_mqtt_client_reconnect_backoff_t;

/**
 * Options ESP-MQTT fixes at compile time, plus portmqtt's own. Zero fields mean the default
 * noted at each, so a zeroed struct behaves like ESP-MQTT's default Kconfig. Start from
 * ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT() to also keep any CONFIG_MQTT_* macros.
 */
typedef struct esp_mqtt_client_ext_config_t {
  bool msg_id_incremental;           /*!< Packet ids count up instead of being random
                                          (CONFIG_MQTT_MSG_ID_INCREMENTAL). Ids still in flight
                                          are never reused either way. */
  bool skip_publish_if_disconnected; /*!< esp_mqtt_client_publish() returns -1 for every QoS
                                          while disconnected, storing nothing
                                          (CONFIG_MQTT_SKIP_PUBLISH_IF_DISCONNECTED). */
  bool report_deleted_messages;      /*!< Post MQTT_EVENT_DELETED for expired outbox entries
                                          (CONFIG_MQTT_REPORT_DELETED_MESSAGES). */
  bool topic_on_all_data_events;     /*!< Set topic in every fragment of a DATA message, not only
                                          the first (CONFIG_MQTT_TOPIC_PRESENT_ALL_DATA_EVENTS). */
  int outbox_expired_timeout_ms;     /*!< Drop outbox entries not acknowledged within this time;
                                          0 means 30000; negative means never
                                          (CONFIG_MQTT_OUTBOX_EXPIRED_TIMEOUT_MS). */
  size_t outbox_message_limit;       /*!< Messages the outbox may hold before publish/enqueue return
                                          -2 (next to the byte limit outbox.limit); 0 no limit. */
  const char* outbox_store_path;     /*!< NULL: the outbox lives in memory (ESP-MQTT's behaviour).
                                          A file path: QoS 1/2 messages are kept in an SQLite file
                                          there and survive a restart of the process. Copied.
                                          A message whose publish/enqueue returned an id is on
                                          disk (committed with fsync) unless
                                          outbox_store_group_commit_ms is set. A client started
                                          again with the same file and client id resends what
                                          was in flight and queued, in order, and posts
                                          MQTT_EVENT_PUBLISHED (or DELETED) for each with the
                                          id it had; exactly-once QoS 2 across a restart needs
                                          session.disable_clean_session. The file is locked:
                                          a second client on it fails. stop() keeps the
                                          stored messages. */
  int event_queue_size;              /*!< Capacity of the queue of esp_mqtt_dispatch_custom_event()
                                          posts; 0 means 1 (CONFIG_MQTT_EVENT_QUEUE_SIZE). */
  int poll_read_timeout_ms;          /*!< Longest idle sleep of the client thread between
                                          housekeeping passes; 0 means 1000
                                          (CONFIG_MQTT_POLL_READ_TIMEOUT_MS). The thread also wakes
                                          at once for new work, so this rarely matters. */
  int default_buffer_size;           /*!< buffer.size used when that field is 0; 0 means 1024
                                          (CONFIG_MQTT_BUFFER_SIZE). */
  uint16_t tcp_default_port;         /*!< Port of mqtt:// without a port; 0 means 1883. */
  uint16_t ssl_default_port;         /*!< Port of mqtts:// without a port; 0 means 8883. */
  uint16_t ws_default_port;          /*!< Port of ws:// without a port; 0 means 80. */
  uint16_t wss_default_port;         /*!< Port of wss:// without a port; 0 means 443. */
  esp_mqtt_client_reconnect_backoff_t reconnect_backoff; /*!< Reconnect back-off; zero is off. */
  uint16_t max_inflight; /*!< QoS 1/2 messages sent and not yet acknowledged, at most; the rest
                              wait in the outbox. 0: automatic (the broker's Receive Maximum
                              for MQTT 5, 20 for MQTT 3.x, whose brokers drop QoS 2 messages
                              beyond their own window). */
  uint16_t auto_topic_aliases;    /*!< MQTT 5: give publishes without a Topic Alias of their own one
                                       automatically, at most this many and at most the broker's
                                       Topic Alias Maximum; the least recently used is replaced.
                                       0: off. See portmqtt::SessionConfig::auto_topic_aliases. */
  const char* const* broker_uris; /*!< Failover: NULL, or a NULL-terminated array of further
                                       broker URIs tried after broker.address.uri when it cannot
                                       be reached or refuses (at once; the reconnect wait comes
                                       after a whole round). Sticky to the broker that works.
                                       Copied by init/set_ext_config. MQTT_EVENT_BEFORE_CONNECT
                                       does not say which broker; the C++ API does. */
  bool shuffle_broker_uris;       /*!< Try the brokers in a random order instead of as listed. */
  bool follow_server_redirects;   /*!< MQTT 5: follow CONNACK/DISCONNECT reason 0x9C/0x9D with a
                                       Server Reference (ESP-MQTT does not; off by default). */
  bool resubscribe_on_session_lost; /*!< Subscribe again to every filter when a CONNACK says
                                         session-present 0 (off by default: ESP-MQTT leaves it
                                         to the application's CONNECTED handler). */
  const char* proxy_uri; /*!< NULL, or connect through a proxy: "http://[user:pass@]host:port"
                              (HTTP CONNECT, Basic authentication) or "socks5://" /
                              "socks5h://" (SOCKS5, username/password, the proxy resolves the
                              broker's name). For mqtt, mqtts, ws and wss. Copied. */
  int outbox_store_group_commit_ms; /*!< 0: each stored message is committed before publish/
                                         enqueue returns. > 0: group commit (opt-in): records
                                         are committed within this many ms, far faster, and a
                                         crash loses what was accepted since the last commit. */
  bool outbox_store_start_fresh;    /*!< A corrupt or foreign outbox_store_path file is renamed
                                         to "<path>.unusable" and a new store made, instead of
                                         init/set_ext_config failing. */
  int tcp_user_timeout_ms;          /*!< TCP_USER_TIMEOUT of the socket (mqtt, mqtts, ws, wss):
                                         data unacknowledged this long drops the connection,
                                         so a dead link with messages in flight is noticed
                                         within about this time instead of one keep-alive.
                                         0: the system's behaviour. See
                                         portmqtt::NetworkConfig::tcp_user_timeout. */
} esp_mqtt_client_ext_config_t;

#include "mqtt_client_kconfig.h"

/**
 * Initialiser of esp_mqtt_client_ext_config_t: the defaults, with the CONFIG_MQTT_* macros
 * visible at the point of use applied. Works in C and C++:
 *   esp_mqtt_client_ext_config_t ext = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
 */
// clang-format off
#define ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT()                                               \
  {                                                                                        \
    PORTMQTT_KCONFIG_MSG_ID_INCREMENTAL_, PORTMQTT_KCONFIG_SKIP_PUBLISH_,                  \
    PORTMQTT_KCONFIG_REPORT_DELETED_, PORTMQTT_KCONFIG_TOPIC_ALL_DATA_,                    \
    PORTMQTT_KCONFIG_OUTBOX_EXPIRY_, 0, NULL, PORTMQTT_KCONFIG_EVENT_QUEUE_SIZE_,          \
    PORTMQTT_KCONFIG_POLL_READ_TIMEOUT_, PORTMQTT_KCONFIG_BUFFER_SIZE_,                    \
    PORTMQTT_KCONFIG_TCP_PORT_, PORTMQTT_KCONFIG_SSL_PORT_, PORTMQTT_KCONFIG_WS_PORT_,     \
    PORTMQTT_KCONFIG_WSS_PORT_, { 0, 0 }, 0, 0, NULL, 0, 0, 0, NULL, 0, false, 0          \
  }
// clang-format on

/**
 * The defaults of ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT() as seen by the including file, as a
 * pointer to a constant that lives for the whole program.
 */
static inline const esp_mqtt_client_ext_config_t* esp_mqtt_client_ext_config_from_kconfig(void) {
  static const esp_mqtt_client_ext_config_t kconfig_defaults = ESP_MQTT_CLIENT_EXT_CONFIG_DEFAULT();
  return &kconfig_defaults;
}

/**
 * esp_mqtt_client_init() with extended options applied before anything runs.
 *
 * @param config as for esp_mqtt_client_init()
 * @param ext    extended options; NULL means a zeroed struct
 * @return the client, or NULL as for esp_mqtt_client_init() or if ext is out of range
 */
esp_mqtt_client_handle_t esp_mqtt_client_init_with_ext_config(
    const esp_mqtt_client_config_t* config, const esp_mqtt_client_ext_config_t* ext);

/**
 * Replaces a client's extended options (all of them). Allowed only while the client is not
 * running (before esp_mqtt_client_start() or after esp_mqtt_client_stop()).
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL or out-of-range values (negative sizes,
 *         jitter above 100, negative outbox_store_group_commit_ms); ESP_ERR_INVALID_STATE
 *         while running; ESP_FAIL if the outbox store cannot be opened (corrupt, foreign,
 *         newer, locked by another process: logged with the path; the file is left untouched)
 */
esp_err_t esp_mqtt_client_set_ext_config(esp_mqtt_client_handle_t client,
                                         const esp_mqtt_client_ext_config_t* ext);

/**
 * Reads a client's extended options as set (zeros stay zeros). outbox_store_path points to
 * the client's copy and is valid until the next set or destroy.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL
 */
esp_err_t esp_mqtt_client_get_ext_config(esp_mqtt_client_handle_t client,
                                         esp_mqtt_client_ext_config_t* ext);

/**
 * esp_mqtt_client_publish() with MQTT 5 properties passed in the same call, so no other
 * thread's publish can take them (unlike esp_mqtt5_client_set_publish_property()). The
 * properties are copied before the call returns. A pending one-shot property set with
 * esp_mqtt5_client_set_publish_property() is left for the next plain publish.
 *
 * @param properties MQTT 5 properties; NULL for none. Non-NULL with MQTT 3.x returns -1.
 * @return as esp_mqtt_client_publish(); also -1 if a property is invalid (e.g. topic_alias
 *         above the server's maximum)
 */
int esp_mqtt_client_publish_with_properties(esp_mqtt_client_handle_t client, const char* topic,
                                            const char* data, int len, int qos, int retain,
                                            const esp_mqtt5_publish_property_config_t* properties);

/**
 * esp_mqtt_client_enqueue() with MQTT 5 properties passed in the same call; see
 * esp_mqtt_client_publish_with_properties().
 *
 * @return as esp_mqtt_client_enqueue(); also -1 if a property is invalid
 */
int esp_mqtt_client_enqueue_with_properties(esp_mqtt_client_handle_t client, const char* topic,
                                            const char* data, int len, int qos, int retain,
                                            bool store,
                                            const esp_mqtt5_publish_property_config_t* properties);

#if defined(CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY) && !defined(PORTMQTT_NO_KCONFIG_INIT)
/*
 * ESP-IDF's CONFIG_ESP_TLS_INSECURE + CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY (menuconfig
 * offers the second only with the first): a TLS connection without any trust source is made
 * without verifying the server instead of being refused. Build-wide in ESP-IDF, so here
 * process-wide from the first client this file creates:
 * esp_tls_set_skip_server_cert_verify_default(true) (see esp_tls.h), then the client with
 * the CONFIG_MQTT_* defaults below.
 */
void esp_tls_set_skip_server_cert_verify_default(bool skip);
static inline esp_mqtt_client_handle_t portmqtt_kconfig_client_init_(
    const esp_mqtt_client_config_t* config) {
  esp_tls_set_skip_server_cert_verify_default(true);
  return esp_mqtt_client_init_with_ext_config(config, esp_mqtt_client_ext_config_from_kconfig());
}
#define esp_mqtt_client_init(config) portmqtt_kconfig_client_init_(config)
#elif defined(PORTMQTT_HAS_KCONFIG_OVERRIDES_) && !defined(PORTMQTT_NO_KCONFIG_INIT)
/*
 * This file defines CONFIG_MQTT_* options: clients it creates get them as their defaults.
 * (A function-like macro, so &esp_mqtt_client_init still names the function. Define
 * PORTMQTT_NO_KCONFIG_INIT to turn this off.)
 */
#define esp_mqtt_client_init(config) \
  esp_mqtt_client_init_with_ext_config((config), esp_mqtt_client_ext_config_from_kconfig())
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifdef __cplusplus
#include <climits>
#include <initializer_list>
#include <string>
#if __cplusplus >= 202002L
#include <span>
#endif

/*
 * C++ overloads of esp_mqtt_client_subscribe (ESP-MQTT only maps the name to
 * esp_mqtt_client_subscribe_single in C++). Inline wrappers over the two C functions.
 */
extern "C++" {

/** Subscribes to one filter; see esp_mqtt_client_subscribe_single(). */
inline int esp_mqtt_client_subscribe(esp_mqtt_client_handle_t client, const char* topic, int qos) {
  return esp_mqtt_client_subscribe_single(client, topic, qos);
}

/** Subscribes to one filter given as a std::string; see esp_mqtt_client_subscribe_single(). */
inline int esp_mqtt_client_subscribe(esp_mqtt_client_handle_t client, const std::string& topic,
                                     int qos) {
  return esp_mqtt_client_subscribe_single(client, topic.c_str(), qos);
}

/** Subscribes to size filters; see esp_mqtt_client_subscribe_multiple(). */
inline int esp_mqtt_client_subscribe(esp_mqtt_client_handle_t client,
                                     const esp_mqtt_topic_t* topic_list, int size) {
  return esp_mqtt_client_subscribe_multiple(client, topic_list, size);
}

/** Subscribes to a braced list of filters: esp_mqtt_client_subscribe(c, {{"a", 0}, {"b", 1}}). */
inline int esp_mqtt_client_subscribe(esp_mqtt_client_handle_t client,
                                     std::initializer_list<esp_mqtt_topic_t> topics) {
  if (topics.size() > static_cast<std::size_t>(INT_MAX)) return -1;
  return esp_mqtt_client_subscribe_multiple(client, topics.begin(),
                                            static_cast<int>(topics.size()));
}

#if __cplusplus >= 202002L
/** Subscribes to every filter of a contiguous range (array, std::vector, std::span). */
inline int esp_mqtt_client_subscribe(esp_mqtt_client_handle_t client,
                                     std::span<const esp_mqtt_topic_t> topics) {
  if (topics.size() > static_cast<std::size_t>(INT_MAX)) return -1;
  return esp_mqtt_client_subscribe_multiple(client, topics.data(), static_cast<int>(topics.size()));
}
#endif

} /* extern "C++" */
#endif /* __cplusplus */

/* portmqtt's MQTT 5 extensions (esp_mqtt5_event_get_extra() and others). */
#include "mqtt5_extra.h"

#endif /* PORTMQTT_MQTT_CLIENT_H */
