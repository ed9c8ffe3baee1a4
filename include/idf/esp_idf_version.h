/*
 * esp_idf_version.h — the ESP-IDF version whose API portmqtt-idf follows (v5.5.0), for the
 * version checks ESP-IDF code makes at compile time, and esp_get_idf_version().
 */
#ifndef PORTMQTT_IDF_ESP_IDF_VERSION_H
#define PORTMQTT_IDF_ESP_IDF_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_IDF_VERSION_MAJOR 5
#define ESP_IDF_VERSION_MINOR 5
#define ESP_IDF_VERSION_PATCH 0

/** Packs a version for comparisons: ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 0). */
#define ESP_IDF_VERSION_VAL(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
/** The API version, packed by ESP_IDF_VERSION_VAL(). */
#define ESP_IDF_VERSION \
  ESP_IDF_VERSION_VAL(ESP_IDF_VERSION_MAJOR, ESP_IDF_VERSION_MINOR, ESP_IDF_VERSION_PATCH)

/**
 * Version text, as ESP-IDF's "v5.5" but naming this platform: "v5.5.0-portmqtt-<version>".
 * @return a static string
 */
const char* esp_get_idf_version(void);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_ESP_IDF_VERSION_H */
