/* The options ESP-IDF's menuconfig would write for the custom_outbox example. */
#define CONFIG_BROKER_URL "FROM_STDIN"
#define CONFIG_BROKER_URL_FROM_STDIN 1
#define CONFIG_MQTT_CUSTOM_OUTBOX 1
