/* The options ESP-IDF's menuconfig would write for the ws example. */
#define CONFIG_BROKER_URL "FROM_STDIN"
#define CONFIG_BROKER_URL_FROM_STDIN 1
