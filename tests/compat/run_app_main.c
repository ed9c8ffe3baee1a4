/*
 * Runs an ESP-IDF application as a Linux program: ESP-IDF starts app_main() from its main
 * task; here main() does. Linked with app_main.c or mqtt_app.cpp and libportmqtt.
 */
void app_main(void);

int main(void) {
  app_main();
  return 0;
}
