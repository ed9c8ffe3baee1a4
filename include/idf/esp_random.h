/*
 * esp_random.h — random numbers from the kernel's generator (getrandom), as ESP-IDF's come
 * from its hardware generator: suitable for keys and nonces.
 */
#ifndef PORTMQTT_IDF_ESP_RANDOM_H
#define PORTMQTT_IDF_ESP_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A uniformly distributed random 32-bit number. Thread-safe. */
uint32_t esp_random(void);
/** Fills len bytes at buf with random bytes. Thread-safe. */
void esp_fill_random(void* buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PORTMQTT_IDF_ESP_RANDOM_H */
