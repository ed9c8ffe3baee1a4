/*
 * esp_bit_defs.h — ESP-IDF's BIT0..BIT31 and BIT64() (portmqtt-idf), which event-group code
 * uses. Brought in by freertos/FreeRTOS.h, as ESP-IDF's FreeRTOS port brings it in.
 */
#ifndef PORTMQTT_IDF_ESP_BIT_DEFS_H
#define PORTMQTT_IDF_ESP_BIT_DEFS_H

#define BIT0 0x00000001U
#define BIT1 0x00000002U
#define BIT2 0x00000004U
#define BIT3 0x00000008U
#define BIT4 0x00000010U
#define BIT5 0x00000020U
#define BIT6 0x00000040U
#define BIT7 0x00000080U
#define BIT8 0x00000100U
#define BIT9 0x00000200U
#define BIT10 0x00000400U
#define BIT11 0x00000800U
#define BIT12 0x00001000U
#define BIT13 0x00002000U
#define BIT14 0x00004000U
#define BIT15 0x00008000U
#define BIT16 0x00010000U
#define BIT17 0x00020000U
#define BIT18 0x00040000U
#define BIT19 0x00080000U
#define BIT20 0x00100000U
#define BIT21 0x00200000U
#define BIT22 0x00400000U
#define BIT23 0x00800000U
#define BIT24 0x01000000U
#define BIT25 0x02000000U
#define BIT26 0x04000000U
#define BIT27 0x08000000U
#define BIT28 0x10000000U
#define BIT29 0x20000000U
#define BIT30 0x40000000U
#define BIT31 0x80000000U

/** Bit nr of a 64-bit value. */
#define BIT64(nr) (1ULL << (nr))

#endif /* PORTMQTT_IDF_ESP_BIT_DEFS_H */
