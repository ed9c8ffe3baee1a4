/* menuconfig: Component config > ESP-TLS > Allow potentially insecure options > Skip server
 * certificate verification by default. */
#define CONFIG_BROKER_URL "FROM_STDIN"
#define CONFIG_BROKER_URL_FROM_STDIN 1
#define CONFIG_ESP_TLS_INSECURE 1
#define CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY 1
