/**
 * \file
 * esp_tls_errors.h — ESP-TLS error codes with ESP-IDF's values.
 *
 * portmqtt reports TLS and socket failures of the broker connection through
 * esp_mqtt_error_codes_t::esp_tls_last_esp_err using these codes, so that handlers written
 * for ESP-IDF recognise them. The mbedTLS-named codes stand for the equivalent OpenSSL failure.
 * The ERROR event of such a failure has error_type MQTT_ERROR_TYPE_TCP_TRANSPORT (=
 * MQTT_ERROR_TYPE_ESP_TLS) and:
 *
 *   failure                                   esp_tls_last_esp_err
 *   DNS found no address                      ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME
 *   TCP connect refused / unreachable         ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST (+ errno
 *                                             in esp_transport_sock_errno)
 *   connect or handshake timed out            ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT
 *   CA certificate unreadable (not PEM/DER)   ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED
 *   client certificate unreadable             ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED
 *   client key unreadable, or key_password    ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED
 *   does not open it
 *   client key not the certificate's key      ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED (*)
 *   use_global_ca_store with an empty store   ESP_ERR_INVALID_STATE
 *   no trust source ("No server verification  ESP_ERR_MBEDTLS_SSL_SETUP_FAILED
 *   option set"), failing crt_bundle_attach
 *   (*), no usable cipher suite, PSK unusable
 *   handshake failed (alert, no common cipher ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED
 *   or version, PSK refused, peer not TLS,
 *   client certificate required but none
 *   given: in TLS 1.2 and in TLS 1.3, where
 *   the server's refusal comes after the
 *   client's side of the handshake)
 *   server certificate did not verify, or is  ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED, with
 *   not for the host name                     esp_tls_cert_verify_flags != 0 (as mbedTLS
 *                                             fails the handshake on verification)
 *   TLS error on an established connection    ESP_ERR_MBEDTLS_SSL_READ_FAILED
 *   the broker closed the connection          ESP_ERR_ESP_TLS_TCP_CLOSED_FIN
 *   WebSocket upgrade refused, WebSocket      ESP_OK (ESP-IDF's WebSocket transport records
 *   protocol error                            no ESP-TLS code either; the log says why)
 *
 * (*) Deliberate differences. mbedTLS accepts a key that does not match the certificate and
 * the handshake fails once the server checks the signature (ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED;
 * a server that asks for no certificate never notices); OpenSSL refuses the pair before
 * connecting. ESP-TLS ignores a failing crt_bundle_attach and the handshake then fails for want
 * of a trust anchor; portmqtt refuses the attempt before connecting.
 *
 * esp_tls_stack_err holds the OpenSSL error code (ERR_get_error(), where mbedTLS would give
 * its negative error number) and esp_tls_cert_verify_flags the OpenSSL X509 verify result
 * (X509_V_ERR_*, e.g. 19 "self-signed certificate in certificate chain", 10 "certificate has
 * expired", 62 "hostname mismatch") instead of mbedTLS's MBEDTLS_X509_BADCERT_* bit flags:
 * both are 0 when there is nothing to report.
 */
#ifndef PORTMQTT_ESP_TLS_ERRORS_H
#define PORTMQTT_ESP_TLS_ERRORS_H

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_ERR_ESP_TLS_BASE 0x8000 /*!< First ESP-TLS error code. */

/* Connection-level codes. */
#define ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME (ESP_ERR_ESP_TLS_BASE + 0x01) /*!< DNS failed. */
#define ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET          \
  (ESP_ERR_ESP_TLS_BASE + 0x02) /*!< socket() failed. \
                                 */
#define ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY \
  (ESP_ERR_ESP_TLS_BASE + 0x03) /*!< Bad address family. */
#define ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST \
  (ESP_ERR_ESP_TLS_BASE + 0x04) /*!< connect() failed. */
#define ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x05) /*!< setsockopt() failed. */
#define ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT                                                   \
  (ESP_ERR_ESP_TLS_BASE + 0x06)                                      /*!< Connect timed out. \
                                                                      */
#define ESP_ERR_ESP_TLS_SE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x07)      /*!< Secure element failure. */
#define ESP_ERR_ESP_TLS_TCP_CLOSED_FIN (ESP_ERR_ESP_TLS_BASE + 0x08) /*!< Peer closed cleanly. */
#define ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT \
  (ESP_ERR_ESP_TLS_BASE + 0x09) /*!< Handshake timed out. */

/* TLS-library codes (named after mbedTLS in ESP-IDF; raised for the matching OpenSSL step). */
#define ESP_ERR_MBEDTLS_CERT_PARTLY_OK \
  (ESP_ERR_ESP_TLS_BASE + 0x10) /*!< Some certificates unusable. */
#define ESP_ERR_MBEDTLS_CTR_DRBG_SEED_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x11) /*!< RNG seeding failed. */
#define ESP_ERR_MBEDTLS_SSL_SET_HOSTNAME_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x12) /*!< SNI setup failed. */
#define ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x13) /*!< Context setup failed. */
#define ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x14) /*!< ALPN setup failed. */
#define ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x15) /*!< Certificate unreadable. */
#define ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x16) /*!< Client cert rejected. */
#define ESP_ERR_MBEDTLS_SSL_SETUP_FAILED                                                          \
  (ESP_ERR_ESP_TLS_BASE + 0x17)                                        /*!< Session setup failed. \
                                                                        */
#define ESP_ERR_MBEDTLS_SSL_WRITE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x18) /*!< TLS write failed. */
#define ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x19) /*!< Private key unreadable. */
#define ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED           \
  (ESP_ERR_ESP_TLS_BASE + 0x1A) /*!< Handshake failed. \
                                 */
#define ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED            \
  (ESP_ERR_ESP_TLS_BASE + 0x1B) /*!< PSK setup failed. \
                                 */
#define ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED \
  (ESP_ERR_ESP_TLS_BASE + 0x1C)                                       /*!< Ticket setup failed. */
#define ESP_ERR_MBEDTLS_SSL_READ_FAILED (ESP_ERR_ESP_TLS_BASE + 0x1D) /*!< TLS read failed. */

/*
 * Return values of ESP-TLS reads and writes, with mbedTLS's numbers as ESP-IDF defines them for
 * its mbedTLS build. portmqtt's transports never hand these to the application; they exist so
 * that code comparing against them compiles.
 */
#define ESP_TLS_ERR_SSL_WANT_READ (-0x6900)  /*!< The read must be retried (no data yet). */
#define ESP_TLS_ERR_SSL_WANT_WRITE (-0x6880) /*!< The write must be retried. */
#define ESP_TLS_ERR_SSL_TIMEOUT (-0x6800)    /*!< The operation timed out. */

/** Which library an error number in esp_tls_last_error_t came from. */
typedef enum {
  ESP_TLS_ERR_TYPE_UNKNOWN = 0,        /*!< Not known. */
  ESP_TLS_ERR_TYPE_SYSTEM,             /*!< errno. */
  ESP_TLS_ERR_TYPE_MBEDTLS,            /*!< TLS library error (OpenSSL's on Linux). */
  ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS, /*!< Certificate verification result. */
  ESP_TLS_ERR_TYPE_ESP,                /*!< An esp_err_t. */
  ESP_TLS_ERR_TYPE_WOLFSSL,            /*!< wolfSSL error (never on Linux). */
  ESP_TLS_ERR_TYPE_WOLFSSL_CERT_FLAGS, /*!< wolfSSL verification flags (never on Linux). */
  ESP_TLS_ERR_TYPE_MAX,                /*!< One past the last valid type. */
} esp_tls_error_type_t;

/**
 * Last TLS error of a connection. esp_mqtt_error_codes_t starts with the same three fields,
 * so an MQTT error handle may be read through this type.
 */
typedef struct esp_tls_last_error {
  esp_err_t last_error;   /*!< ESP-TLS code (ESP_ERR_ESP_TLS_* or ESP_ERR_MBEDTLS_*). */
  int esp_tls_error_code; /*!< The TLS library's own error number. */
  int esp_tls_flags;      /*!< Certificate verification flags. */
} esp_tls_last_error_t;

/** Pointer to an esp_tls_last_error_t. */
typedef struct esp_tls_last_error* esp_tls_error_handle_t;

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_TLS_ERRORS_H */
