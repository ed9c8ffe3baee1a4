// The main() of ESP-IDF applications on Linux (archive portmqtt_idf_main, linked only when
// the application has no main() of its own): it runs app_main() in a task named "main", as
// ESP-IDF's startup does, and keeps the process alive after app_main() returns, until SIGINT
// or SIGTERM, which end it with status 0.
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

extern "C" void app_main(void);

namespace {

// ESP-IDF's CONFIG_ESP_MAIN_TASK_STACK_SIZE default, and the main task's priority.
constexpr std::uint32_t kMainStack = 3584;
constexpr UBaseType_t kMainPriority = 1;

void main_task(void* unused) {
  (void)unused;
  app_main();
  vTaskDelete(nullptr);
}

}  // namespace

int main() {
  // Blocked here, so every thread started afterwards inherits the mask and only sigwait()
  // below receives these signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // Line-buffered output, as the chip's console: logs and printf appear in order in a pipe.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (xTaskCreate(main_task, "main", kMainStack, nullptr, kMainPriority, nullptr) != pdPASS) {
    std::fprintf(stderr, "cannot start the main task\n");
    return 1;
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  ESP_LOGI("main", "%s received: stopping", strsignal(signal_number));
  std::fflush(nullptr);
  // Tasks may still be running: end the process without running static destructors under
  // them.
  _exit(0);
}
