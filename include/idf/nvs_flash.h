/*
 * nvs_flash.h — opening and erasing ESP-IDF's NVS storage (portmqtt-idf).
 *
 * The storage is one file. Its place: the environment variable PORTMQTT_NVS_FILE if set;
 * otherwise $XDG_STATE_HOME/portmqtt/nvs/<program>.nvs, with $XDG_STATE_HOME defaulting to
 * $HOME/.local/state (directories are created); without HOME, ./<program>.nvs. <program> is
 * the executable's name, so each program keeps its own storage, as each chip has its own flash.
 * The file is text, one value per line, and may be deleted to start afresh.
 */
#ifndef PORTMQTT_IDF_NVS_FLASH_H
#define PORTMQTT_IDF_NVS_FLASH_H

#include "esp_err.h"
#include "nvs.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Loads the storage file (a missing file is empty storage). Calling it again reloads nothing
 * and succeeds.
 *
 * @return ESP_OK; ESP_ERR_NVS_NO_FREE_PAGES when the file exists but cannot be read or parsed
 *         (the usual ESP-IDF reaction, nvs_flash_erase() then nvs_flash_init(), starts afresh)
 */
esp_err_t nvs_flash_init(void);
/** nvs_flash_init() for a named partition. @return also ESP_ERR_NVS_PART_NOT_FOUND unless
 *  the name is "nvs" */
esp_err_t nvs_flash_init_partition(const char* partition_label);
/** Forgets the loaded storage and closes all handles (the file stays). @return ESP_OK;
 *  ESP_ERR_NVS_NOT_INITIALIZED */
esp_err_t nvs_flash_deinit(void);
/** Deletes the storage file and its contents (deinitialising first). @return ESP_OK;
 *  ESP_FAIL when the file exists and cannot be removed */
esp_err_t nvs_flash_erase(void);
/** nvs_flash_erase() for a named partition. */
esp_err_t nvs_flash_erase_partition(const char* part_name);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_NVS_FLASH_H */
