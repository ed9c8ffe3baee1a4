/**
 * \file
 * mqtt_supported_features.h — feature macros ESP-MQTT applications test with `#ifdef`.
 *
 * ESP-MQTT derives these from the ESP-IDF version. portmqtt provides every configuration field
 * they guard, so all are defined. The hardware-backed ones (secure element, digital signature
 * peripheral, ECDSA peripheral) are defined because their fields exist; mqtt_client.h says at
 * each field what it does on Linux.
 */
#ifndef PORTMQTT_MQTT_SUPPORTED_FEATURES_H
#define PORTMQTT_MQTT_SUPPORTED_FEATURES_H

/* Present since ESP-IDF 3.3. */
#define MQTT_SUPPORTED_FEATURE_EVENT_LOOP              /*!< Events via esp_event handlers. */
#define MQTT_SUPPORTED_FEATURE_SKIP_CRT_CMN_NAME_CHECK /*!< skip_cert_common_name_check. */

/* Present since ESP-IDF 4.0. */
#define MQTT_SUPPORTED_FEATURE_WS_SUBPROTOCOL          /*!< WebSocket subprotocol "mqtt". */
#define MQTT_SUPPORTED_FEATURE_TRANSPORT_ERR_REPORTING /*!< Transport errors in error_handle. */

/* Present since ESP-IDF 4.1. */
#define MQTT_SUPPORTED_FEATURE_PSK_AUTHENTICATION  /*!< psk_hint_key. */
#define MQTT_SUPPORTED_FEATURE_DER_CERTIFICATES    /*!< *_len fields for DER input. */
#define MQTT_SUPPORTED_FEATURE_ALPN                /*!< alpn_protos. */
#define MQTT_SUPPORTED_FEATURE_CLIENT_KEY_PASSWORD /*!< key_password. */

/* Present since ESP-IDF 4.2. */
#define MQTT_SUPPORTED_FEATURE_SECURE_ELEMENT /*!< use_secure_element (field only on Linux). */

/* Present since ESP-IDF 4.3. */
#define MQTT_SUPPORTED_FEATURE_DIGITAL_SIGNATURE              /*!< ds_data (field only on Linux). */
#define MQTT_SUPPORTED_FEATURE_TRANSPORT_SOCK_ERRNO_REPORTING /*!< esp_transport_sock_errno. */
#define MQTT_SUPPORTED_FEATURE_CERTIFICATE_BUNDLE             /*!< crt_bundle_attach. */

/* Present since ESP-IDF 5.1. */
#define MQTT_SUPPORTED_FEATURE_CRT_CMN_NAME /*!< common_name. */

/* Present since ESP-IDF 5.2. */
#define MQTT_SUPPORTED_FEATURE_ECDSA_PERIPHERAL /*!< use_ecdsa_peripheral (field only). */

/* Present since ESP-IDF 5.5. */
#define MQTT_SUPPORTED_FEATURE_CIPHERSUITES_LIST /*!< ciphersuites_list. */

#endif /* PORTMQTT_MQTT_SUPPORTED_FEATURES_H */
