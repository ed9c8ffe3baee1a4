/*
 * nvs.h — ESP-IDF's non-volatile key-value storage (portmqtt-idf), kept in a file.
 *
 * Values live in namespaces; each key (at most 15 characters, as the namespace name) holds
 * one typed value. A set is written to the file at once (atomically: a new file renamed over
 * the old), so nvs_commit() has nothing left to do; the data survive the process, as flash
 * survives a reboot. Where the file is: see nvs_flash.h. Every call is thread-safe.
 */
#ifndef PORTMQTT_IDF_NVS_H
#define PORTMQTT_IDF_NVS_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_ERR_NVS_BASE 0x1100                               /*!< First NVS error code. */
#define ESP_ERR_NVS_NOT_INITIALIZED (ESP_ERR_NVS_BASE + 0x01) /*!< nvs_flash_init() not called. */
#define ESP_ERR_NVS_NOT_FOUND (ESP_ERR_NVS_BASE + 0x02)       /*!< No such key or namespace. */
#define ESP_ERR_NVS_TYPE_MISMATCH (ESP_ERR_NVS_BASE + 0x03)   /*!< The key holds another type. */
#define ESP_ERR_NVS_READ_ONLY (ESP_ERR_NVS_BASE + 0x04) /*!< The handle was opened read-only. */
#define ESP_ERR_NVS_NOT_ENOUGH_SPACE (ESP_ERR_NVS_BASE + 0x05) /*!< The file cannot be written. */
#define ESP_ERR_NVS_INVALID_NAME (ESP_ERR_NVS_BASE + 0x06)     /*!< Bad namespace name. */
#define ESP_ERR_NVS_INVALID_HANDLE (ESP_ERR_NVS_BASE + 0x07)   /*!< Closed or unknown handle. */
#define ESP_ERR_NVS_REMOVE_FAILED (ESP_ERR_NVS_BASE + 0x08)    /*!< Removal failed. */
#define ESP_ERR_NVS_KEY_TOO_LONG (ESP_ERR_NVS_BASE + 0x09)   /*!< Key longer than 15 characters. */
#define ESP_ERR_NVS_PAGE_FULL (ESP_ERR_NVS_BASE + 0x0a)      /*!< (Internal in ESP-IDF.) */
#define ESP_ERR_NVS_INVALID_STATE (ESP_ERR_NVS_BASE + 0x0b)  /*!< Storage in a bad state. */
#define ESP_ERR_NVS_INVALID_LENGTH (ESP_ERR_NVS_BASE + 0x0c) /*!< Buffer too small. */
#define ESP_ERR_NVS_NO_FREE_PAGES (ESP_ERR_NVS_BASE + 0x0d)  /*!< Storage unreadable: erase it. */
#define ESP_ERR_NVS_VALUE_TOO_LONG                                                               \
  (ESP_ERR_NVS_BASE + 0x0e)                                  /*!< String longer than 4000 bytes. \
                                                              */
#define ESP_ERR_NVS_PART_NOT_FOUND (ESP_ERR_NVS_BASE + 0x0f) /*!< Unknown partition name. */
#define ESP_ERR_NVS_NEW_VERSION_FOUND (ESP_ERR_NVS_BASE + 0x10) /*!< Newer format: erase it. */

/** Longest key and namespace name, including the terminating NUL. */
#define NVS_KEY_NAME_MAX_SIZE 16
#define NVS_NS_NAME_MAX_SIZE NVS_KEY_NAME_MAX_SIZE
/** Name of the default partition. */
#define NVS_DEFAULT_PART_NAME "nvs"

/** An open namespace. */
typedef uint32_t nvs_handle_t;
typedef nvs_handle_t nvs_handle; /*!< Older name. */

/** How a namespace is opened. */
typedef enum {
  NVS_READONLY, /*!< Only gets. */
  NVS_READWRITE /*!< Gets, sets and erases. */
} nvs_open_mode_t;
typedef nvs_open_mode_t nvs_open_mode; /*!< Older name. */

/**
 * Opens a namespace of the default partition. NVS_READWRITE creates it when missing.
 *
 * @return ESP_OK; ESP_ERR_NVS_NOT_INITIALIZED; ESP_ERR_NVS_NOT_FOUND (read-only, missing);
 *         ESP_ERR_NVS_INVALID_NAME (NULL, empty or longer than 15 characters);
 *         ESP_ERR_INVALID_ARG for a NULL out_handle
 */
esp_err_t nvs_open(const char* namespace_name, nvs_open_mode_t open_mode, nvs_handle_t* out_handle);
/** nvs_open() of a named partition ("nvs" is the only one). @return as nvs_open(); also
 *  ESP_ERR_NVS_PART_NOT_FOUND for another name */
esp_err_t nvs_open_from_partition(const char* part_name, const char* namespace_name,
                                  nvs_open_mode_t open_mode, nvs_handle_t* out_handle);
/** Closes a handle; unknown handles are ignored. */
void nvs_close(nvs_handle_t handle);
/** Sets are written at once, so this only checks the handle. @return ESP_OK;
 *  ESP_ERR_NVS_INVALID_HANDLE */
esp_err_t nvs_commit(nvs_handle_t handle);

/*
 * Setters: store a value under key, replacing any value of any type. Each returns ESP_OK;
 * ESP_ERR_NVS_INVALID_HANDLE; ESP_ERR_NVS_READ_ONLY; ESP_ERR_NVS_KEY_TOO_LONG;
 * ESP_ERR_NVS_INVALID_NAME for a NULL or empty key; ESP_ERR_NVS_VALUE_TOO_LONG (strings over 4000
 * bytes with the NUL); ESP_ERR_NVS_NOT_ENOUGH_SPACE when the file cannot be written (the value is
 * then not kept).
 */
esp_err_t nvs_set_i8(nvs_handle_t handle, const char* key, int8_t value);
esp_err_t nvs_set_u8(nvs_handle_t handle, const char* key, uint8_t value);
esp_err_t nvs_set_i16(nvs_handle_t handle, const char* key, int16_t value);
esp_err_t nvs_set_u16(nvs_handle_t handle, const char* key, uint16_t value);
esp_err_t nvs_set_i32(nvs_handle_t handle, const char* key, int32_t value);
esp_err_t nvs_set_u32(nvs_handle_t handle, const char* key, uint32_t value);
esp_err_t nvs_set_i64(nvs_handle_t handle, const char* key, int64_t value);
esp_err_t nvs_set_u64(nvs_handle_t handle, const char* key, uint64_t value);
esp_err_t nvs_set_str(nvs_handle_t handle, const char* key, const char* value);
esp_err_t nvs_set_blob(nvs_handle_t handle, const char* key, const void* value, size_t length);

/*
 * Getters: read the value of key into out_value. Each returns ESP_OK; ESP_ERR_NVS_NOT_FOUND;
 * ESP_ERR_NVS_TYPE_MISMATCH (the key holds another type); ESP_ERR_NVS_INVALID_HANDLE;
 * ESP_ERR_INVALID_ARG for a NULL out_value.
 */
esp_err_t nvs_get_i8(nvs_handle_t handle, const char* key, int8_t* out_value);
esp_err_t nvs_get_u8(nvs_handle_t handle, const char* key, uint8_t* out_value);
esp_err_t nvs_get_i16(nvs_handle_t handle, const char* key, int16_t* out_value);
esp_err_t nvs_get_u16(nvs_handle_t handle, const char* key, uint16_t* out_value);
esp_err_t nvs_get_i32(nvs_handle_t handle, const char* key, int32_t* out_value);
esp_err_t nvs_get_u32(nvs_handle_t handle, const char* key, uint32_t* out_value);
esp_err_t nvs_get_i64(nvs_handle_t handle, const char* key, int64_t* out_value);
esp_err_t nvs_get_u64(nvs_handle_t handle, const char* key, uint64_t* out_value);
/**
 * Reads a string. With out_value NULL, *length receives the size needed (with the NUL).
 * @return as the getters; ESP_ERR_NVS_INVALID_LENGTH if *length is too small (*length then
 *         holds the size needed); ESP_ERR_INVALID_ARG for a NULL length
 */
esp_err_t nvs_get_str(nvs_handle_t handle, const char* key, char* out_value, size_t* length);
/** Reads a blob; as nvs_get_str() (sizes without a NUL). */
esp_err_t nvs_get_blob(nvs_handle_t handle, const char* key, void* out_value, size_t* length);

/** Removes a key. @return ESP_OK; ESP_ERR_NVS_NOT_FOUND; as the setters */
esp_err_t nvs_erase_key(nvs_handle_t handle, const char* key);
/** Removes every key of the handle's namespace. @return ESP_OK; as the setters */
esp_err_t nvs_erase_all(nvs_handle_t handle);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_NVS_H */
