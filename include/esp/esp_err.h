/**
 * \file
 * esp_err.h — the subset of ESP-IDF's error-code header that ESP-MQTT applications use.
 *
 * Values are ESP-IDF's, so logs and comparisons written for ESP-IDF keep their meaning.
 */
#ifndef PORTMQTT_ESP_ERR_H
#define PORTMQTT_ESP_ERR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result code of ESP-style control functions: ESP_OK (0) or one of the codes below. */
typedef int esp_err_t;

#define ESP_OK 0    /*!< Success. */
#define ESP_FAIL -1 /*!< Failure without a more specific code. */

#define ESP_ERR_NO_MEM 0x101           /*!< An allocation failed. */
#define ESP_ERR_INVALID_ARG 0x102      /*!< An argument was NULL or out of range. */
#define ESP_ERR_INVALID_STATE 0x103    /*!< The object is not in a state that allows the call. */
#define ESP_ERR_INVALID_SIZE 0x104     /*!< A size was wrong. */
#define ESP_ERR_NOT_FOUND 0x105        /*!< What was asked for does not exist. */
#define ESP_ERR_NOT_SUPPORTED 0x106    /*!< The feature is not available in this build. */
#define ESP_ERR_TIMEOUT 0x107          /*!< The operation did not finish in time. */
#define ESP_ERR_INVALID_RESPONSE 0x108 /*!< The peer answered with something unusable. */
#define ESP_ERR_INVALID_CRC 0x109      /*!< A checksum did not match. */
#define ESP_ERR_INVALID_VERSION 0x10A  /*!< A version number was not acceptable. */
#define ESP_ERR_INVALID_MAC 0x10B      /*!< A MAC address was not acceptable. */
#define ESP_ERR_NOT_FINISHED 0x10C     /*!< The operation has only partly completed. */
#define ESP_ERR_NOT_ALLOWED 0x10D      /*!< The operation is forbidden here. */

#define ESP_ERR_WIFI_BASE 0x3000      /*!< First code of the Wi-Fi range (unused on Linux). */
#define ESP_ERR_MESH_BASE 0x4000      /*!< First code of the mesh range (unused on Linux). */
#define ESP_ERR_FLASH_BASE 0x6000     /*!< First code of the flash range (unused on Linux). */
#define ESP_ERR_HW_CRYPTO_BASE 0xc000 /*!< First code of the crypto-engine range (unused). */
#define ESP_ERR_MEMPROT_BASE 0xd000   /*!< First code of the memory-protection range (unused). */

/**
 * Name of an error code, e.g. "ESP_ERR_NO_MEM" for 0x101.
 *
 * @param code any esp_err_t, including the ESP-TLS codes of esp_tls_errors.h
 * @return a static string; "UNKNOWN ERROR" for codes without a name. Never NULL.
 */
const char* esp_err_to_name(esp_err_t code);

/**
 * Like esp_err_to_name(), but falls back to strerror() text for unnamed codes.
 *
 * @param code   the code to describe
 * @param buf    where the text is written (always NUL-terminated when buflen > 0)
 * @param buflen size of buf in bytes
 * @return buf
 */
const char* esp_err_to_name_r(esp_err_t code, char* buf, size_t buflen);

/**
 * Reports a failed ESP_ERROR_CHECK_WITHOUT_ABORT() on stderr and hands the code back.
 * Not meant to be called directly; inline so the macros need nothing from the library
 * beyond esp_err_to_name().
 */
static inline esp_err_t esp_err_report_failed_check(esp_err_t rc, const char* file, int line,
                                                    const char* function, const char* expression) {
  if (rc != ESP_OK) {
    fprintf(stderr,
            "ESP_ERROR_CHECK failed: esp_err_t %d (%s) at %s:%d\nfunc: %s\nexpression: %s\n", rc,
            esp_err_to_name(rc), file, line, function, expression);
  }
  return rc;
}

/** Reports a failed ESP_ERROR_CHECK() on stderr, then aborts as ESP-IDF does. */
static inline void esp_err_abort_on_failed_check(esp_err_t rc, const char* file, int line,
                                                 const char* function, const char* expression) {
  if (rc != ESP_OK) {
    esp_err_report_failed_check(rc, file, line, function, expression);
    abort();
  }
}

#ifdef NDEBUG
/** Evaluates x; with NDEBUG the result is ignored, as in ESP-IDF. */
#define ESP_ERROR_CHECK(x)   \
  do {                       \
    esp_err_t err_rc_ = (x); \
    (void)sizeof(err_rc_);   \
  } while (0)
/** Evaluates x and yields its value; with NDEBUG nothing is printed. */
#define ESP_ERROR_CHECK_WITHOUT_ABORT(x) (x)
#else
/** Evaluates x; if it is not ESP_OK, prints the code, place and expression, then aborts. */
#define ESP_ERROR_CHECK(x) esp_err_abort_on_failed_check((x), __FILE__, __LINE__, __func__, #x)
/** Evaluates x; if it is not ESP_OK, prints as ESP_ERROR_CHECK() does. Yields x's value. */
#define ESP_ERROR_CHECK_WITHOUT_ABORT(x) \
  esp_err_report_failed_check((x), __FILE__, __LINE__, __func__, #x)
#endif

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_ESP_ERR_H */
