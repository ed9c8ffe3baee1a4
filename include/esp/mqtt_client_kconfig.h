/**
 * \file
 * mqtt_client_kconfig.h — maps ESP-MQTT's CONFIG_MQTT_* Kconfig macros, when an application
 * defines them, to the initial values of esp_mqtt_client_ext_config_t fields.
 *
 * Included by mqtt_client.h; not meant to be included directly. Each PORTMQTT_KCONFIG_*_
 * macro is the field's value: the Kconfig value when defined, else the field's "use the
 * default" value (false or 0). PORTMQTT_HAS_KCONFIG_OVERRIDES_ is defined when any is set.
 * Boolean options count as enabled when defined, as Kconfig leaves disabled ones undefined.
 */
#ifndef PORTMQTT_MQTT_CLIENT_KCONFIG_H
#define PORTMQTT_MQTT_CLIENT_KCONFIG_H

#ifdef CONFIG_MQTT_MSG_ID_INCREMENTAL
#define PORTMQTT_KCONFIG_MSG_ID_INCREMENTAL_ true
#else
#define PORTMQTT_KCONFIG_MSG_ID_INCREMENTAL_ false
#endif
#ifdef CONFIG_MQTT_SKIP_PUBLISH_IF_DISCONNECTED
#define PORTMQTT_KCONFIG_SKIP_PUBLISH_ true
#else
#define PORTMQTT_KCONFIG_SKIP_PUBLISH_ false
#endif
#ifdef CONFIG_MQTT_REPORT_DELETED_MESSAGES
#define PORTMQTT_KCONFIG_REPORT_DELETED_ true
#else
#define PORTMQTT_KCONFIG_REPORT_DELETED_ false
#endif
#ifdef CONFIG_MQTT_TOPIC_PRESENT_ALL_DATA_EVENTS
#define PORTMQTT_KCONFIG_TOPIC_ALL_DATA_ true
#else
#define PORTMQTT_KCONFIG_TOPIC_ALL_DATA_ false
#endif
#ifdef CONFIG_MQTT_OUTBOX_EXPIRED_TIMEOUT_MS
#define PORTMQTT_KCONFIG_OUTBOX_EXPIRY_ (CONFIG_MQTT_OUTBOX_EXPIRED_TIMEOUT_MS)
#else
#define PORTMQTT_KCONFIG_OUTBOX_EXPIRY_ 0
#endif
#ifdef CONFIG_MQTT_EVENT_QUEUE_SIZE
#define PORTMQTT_KCONFIG_EVENT_QUEUE_SIZE_ (CONFIG_MQTT_EVENT_QUEUE_SIZE)
#else
#define PORTMQTT_KCONFIG_EVENT_QUEUE_SIZE_ 0
#endif
#ifdef CONFIG_MQTT_POLL_READ_TIMEOUT_MS
#define PORTMQTT_KCONFIG_POLL_READ_TIMEOUT_ (CONFIG_MQTT_POLL_READ_TIMEOUT_MS)
#else
#define PORTMQTT_KCONFIG_POLL_READ_TIMEOUT_ 0
#endif
#ifdef CONFIG_MQTT_BUFFER_SIZE
#define PORTMQTT_KCONFIG_BUFFER_SIZE_ (CONFIG_MQTT_BUFFER_SIZE)
#else
#define PORTMQTT_KCONFIG_BUFFER_SIZE_ 0
#endif
#ifdef CONFIG_MQTT_TCP_DEFAULT_PORT
#define PORTMQTT_KCONFIG_TCP_PORT_ (CONFIG_MQTT_TCP_DEFAULT_PORT)
#else
#define PORTMQTT_KCONFIG_TCP_PORT_ 0
#endif
#ifdef CONFIG_MQTT_SSL_DEFAULT_PORT
#define PORTMQTT_KCONFIG_SSL_PORT_ (CONFIG_MQTT_SSL_DEFAULT_PORT)
#else
#define PORTMQTT_KCONFIG_SSL_PORT_ 0
#endif
#ifdef CONFIG_MQTT_WS_DEFAULT_PORT
#define PORTMQTT_KCONFIG_WS_PORT_ (CONFIG_MQTT_WS_DEFAULT_PORT)
#else
#define PORTMQTT_KCONFIG_WS_PORT_ 0
#endif
#ifdef CONFIG_MQTT_WSS_DEFAULT_PORT
#define PORTMQTT_KCONFIG_WSS_PORT_ (CONFIG_MQTT_WSS_DEFAULT_PORT)
#else
#define PORTMQTT_KCONFIG_WSS_PORT_ 0
#endif
#if defined(CONFIG_MQTT_MSG_ID_INCREMENTAL) ||                                                 \
    defined(CONFIG_MQTT_SKIP_PUBLISH_IF_DISCONNECTED) ||                                       \
    defined(CONFIG_MQTT_REPORT_DELETED_MESSAGES) ||                                            \
    defined(CONFIG_MQTT_TOPIC_PRESENT_ALL_DATA_EVENTS) ||                                      \
    defined(CONFIG_MQTT_OUTBOX_EXPIRED_TIMEOUT_MS) || defined(CONFIG_MQTT_EVENT_QUEUE_SIZE) || \
    defined(CONFIG_MQTT_POLL_READ_TIMEOUT_MS) || defined(CONFIG_MQTT_BUFFER_SIZE) ||           \
    defined(CONFIG_MQTT_TCP_DEFAULT_PORT) || defined(CONFIG_MQTT_SSL_DEFAULT_PORT) ||          \
    defined(CONFIG_MQTT_WS_DEFAULT_PORT) || defined(CONFIG_MQTT_WSS_DEFAULT_PORT)
#define PORTMQTT_HAS_KCONFIG_OVERRIDES_ 1
#endif

#endif /* PORTMQTT_MQTT_CLIENT_KCONFIG_H */
