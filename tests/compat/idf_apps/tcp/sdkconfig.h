/* The options ESP-IDF's menuconfig would write for the tcp example. */
#define CONFIG_BROKER_URL "FROM_STDIN"
#define CONFIG_BROKER_URL_FROM_STDIN 1
#define CONFIG_MQTT_PROTOCOL_311 1
