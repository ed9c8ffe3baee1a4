// The FreeRTOS layer of portmqtt-idf: tasks, delays and ticks, queues, semaphores, mutexes,
// recursive mutexes, event groups and notifications, with their blocking semantics.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/queue.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Producer {
  QueueHandle_t queue;
  int count;
};

void produce(void* arg) {
  auto* p = static_cast<Producer*>(arg);
  for (int i = 0; i < p->count; ++i)
    xQueueSend(p->queue, &i, portMAX_DELAY);
  vTaskDelete(nullptr);
}

TEST(IdfFreeRtos, TaskSendsThroughABoundedQueueInOrder) {
  QueueHandle_t queue = xQueueCreate(2, sizeof(int));
  ASSERT_NE(queue, nullptr);
  Producer producer{queue, 50};
  TaskHandle_t task = nullptr;
  ASSERT_EQ(xTaskCreate(produce, "producer", 2048, &producer, 5, &task), pdPASS);
  ASSERT_NE(task, nullptr);
  for (int expected = 0; expected < 50; ++expected) {
    int value = -1;
    ASSERT_EQ(xQueueReceive(queue, &value, pdMS_TO_TICKS(2000)), pdPASS);
    EXPECT_EQ(value, expected);
    EXPECT_LE(uxQueueMessagesWaiting(queue), 2U);
  }
  int none = 0;
  EXPECT_EQ(xQueueReceive(queue, &none, 20), errQUEUE_EMPTY);
  vQueueDelete(queue);
}

TEST(IdfFreeRtos, QueueFullTimesOutAndFrontOverwritePeekWork) {
  QueueHandle_t queue = xQueueCreate(1, sizeof(int));
  int a = 1, b = 2, out = 0;
  ASSERT_EQ(xQueueSend(queue, &a, 0), pdPASS);
  auto start = Clock::now();
  EXPECT_EQ(xQueueSend(queue, &b, 30), errQUEUE_FULL);
  EXPECT_GE(Clock::now() - start, 30ms);
  EXPECT_EQ(uxQueueSpacesAvailable(queue), 0U);
  EXPECT_EQ(xQueueOverwrite(queue, &b), pdPASS);
  ASSERT_EQ(xQueuePeek(queue, &out, 0), pdPASS);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(uxQueueMessagesWaiting(queue), 1U);
  EXPECT_EQ(xQueueReset(queue), pdPASS);
  EXPECT_EQ(uxQueueMessagesWaiting(queue), 0U);
  vQueueDelete(queue);

  QueueHandle_t two = xQueueCreate(2, sizeof(int));
  xQueueSendToBack(two, &a, 0);
  xQueueSendToFront(two, &b, 0);
  xQueueReceive(two, &out, 0);
  EXPECT_EQ(out, 2);
  vQueueDelete(two);
  EXPECT_EQ(xQueueCreate(0, 4), nullptr);
}

TEST(IdfFreeRtos, DelaysAndTicksAreMilliseconds) {
  EXPECT_EQ(portTICK_PERIOD_MS, 1U);
  EXPECT_EQ(pdMS_TO_TICKS(1500), 1500U);
  TickType_t before = xTaskGetTickCount();
  auto start = Clock::now();
  vTaskDelay(50 / portTICK_PERIOD_MS);
  EXPECT_GE(Clock::now() - start, 50ms);
  EXPECT_GE(xTaskGetTickCount() - before, 50U);
  TickType_t wake = xTaskGetTickCount();
  EXPECT_EQ(xTaskDelayUntil(&wake, 20), pdTRUE);
  EXPECT_GE(xTaskGetTickCount(), wake);
  TickType_t past = xTaskGetTickCount() - 100;
  EXPECT_EQ(xTaskDelayUntil(&past, 10), pdFALSE);  // already due
}

void give_later(void* arg) {
  vTaskDelay(30);
  xSemaphoreGive(static_cast<SemaphoreHandle_t>(arg));
  vTaskDelete(nullptr);
}

TEST(IdfFreeRtos, BinaryAndCountingSemaphores) {
  SemaphoreHandle_t binary = xSemaphoreCreateBinary();
  EXPECT_EQ(xSemaphoreTake(binary, 0), pdFALSE);  // created empty
  ASSERT_EQ(xTaskCreate(give_later, "giver", 2048, binary, 1, nullptr), pdPASS);
  EXPECT_EQ(xSemaphoreTake(binary, pdMS_TO_TICKS(2000)), pdTRUE);
  EXPECT_EQ(xSemaphoreGive(binary), pdTRUE);
  EXPECT_EQ(xSemaphoreGive(binary), pdFALSE);  // already given
  vSemaphoreDelete(binary);

  SemaphoreHandle_t counting = xSemaphoreCreateCounting(3, 2);
  EXPECT_EQ(uxSemaphoreGetCount(counting), 2U);
  EXPECT_EQ(xSemaphoreTake(counting, 0), pdTRUE);
  EXPECT_EQ(xSemaphoreTake(counting, 0), pdTRUE);
  EXPECT_EQ(xSemaphoreTake(counting, 10), pdFALSE);
  vSemaphoreDelete(counting);
  EXPECT_EQ(xSemaphoreCreateCounting(1, 2), nullptr);
}

struct Contended {
  SemaphoreHandle_t mutex;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> done{0};
};

void use_mutex(void* arg) {
  auto* c = static_cast<Contended*>(arg);
  for (int i = 0; i < 200; ++i) {
    xSemaphoreTake(c->mutex, portMAX_DELAY);
    if (c->inside.fetch_add(1) != 0) c->overlaps.fetch_add(1);
    std::this_thread::yield();
    c->inside.fetch_sub(1);
    xSemaphoreGive(c->mutex);
  }
  c->done.fetch_add(1);
  vTaskDelete(nullptr);
}

TEST(IdfFreeRtos, MutexExcludesAndOnlyItsHolderGivesIt) {
  Contended c;
  c.mutex = xSemaphoreCreateMutex();
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(xTaskCreate(use_mutex, "m", 2048, &c, 1, nullptr), pdPASS);
  for (int i = 0; i < 500 && c.done.load() < 3; ++i)
    vTaskDelay(10);
  EXPECT_EQ(c.done.load(), 3);
  EXPECT_EQ(c.overlaps.load(), 0);
  ASSERT_EQ(xSemaphoreTake(c.mutex, 0), pdTRUE);
  EXPECT_EQ(xSemaphoreGetMutexHolder(c.mutex), xTaskGetCurrentTaskHandle());
  EXPECT_EQ(xSemaphoreTake(c.mutex, 10), pdFALSE);  // not recursive
  std::thread other([&] { EXPECT_EQ(xSemaphoreGive(c.mutex), pdFALSE); });
  other.join();
  EXPECT_EQ(xSemaphoreGive(c.mutex), pdTRUE);
  vSemaphoreDelete(c.mutex);
}

TEST(IdfFreeRtos, RecursiveMutexCountsTakes) {
  SemaphoreHandle_t mutex = xSemaphoreCreateRecursiveMutex();
  ASSERT_EQ(xSemaphoreTakeRecursive(mutex, 0), pdTRUE);
  ASSERT_EQ(xSemaphoreTakeRecursive(mutex, 0), pdTRUE);
  std::atomic<BaseType_t> taken_elsewhere{pdTRUE};
  std::thread other([&] { taken_elsewhere = xSemaphoreTakeRecursive(mutex, 10); });
  other.join();
  EXPECT_EQ(taken_elsewhere.load(), pdFALSE);
  EXPECT_EQ(xSemaphoreGiveRecursive(mutex), pdTRUE);
  EXPECT_NE(xSemaphoreGetMutexHolder(mutex), nullptr);  // still held once
  EXPECT_EQ(xSemaphoreGiveRecursive(mutex), pdTRUE);
  EXPECT_EQ(xSemaphoreGetMutexHolder(mutex), nullptr);
  EXPECT_EQ(xSemaphoreGiveRecursive(mutex), pdFALSE);
  vSemaphoreDelete(mutex);
}

constexpr EventBits_t kConnected = 1U << 0U;
constexpr EventBits_t kFailed = 1U << 1U;

struct Waiting {
  EventGroupHandle_t group;
  std::atomic<int> started{0};
  std::atomic<int> woke{0};
};

void wait_connected(void* arg) {
  auto* w = static_cast<Waiting*>(arg);
  w->started.fetch_add(1);
  EventBits_t bits = xEventGroupWaitBits(w->group, kConnected, pdTRUE, pdFALSE, portMAX_DELAY);
  if ((bits & kConnected) != 0) w->woke.fetch_add(1);
  vTaskDelete(nullptr);
}

TEST(IdfFreeRtos, EventGroupWakesEveryWaiterBeforeClearing) {
  Waiting w{xEventGroupCreate()};
  ASSERT_EQ(xTaskCreate(wait_connected, "w1", 2048, &w, 1, nullptr), pdPASS);
  ASSERT_EQ(xTaskCreate(wait_connected, "w2", 2048, &w, 1, nullptr), pdPASS);
  // A task's thread may start late on a loaded machine; one that came to wait after the bits
  // were set and cleared would wait for ever. Both running, then a moment to block.
  for (int i = 0; i < 500 && w.started.load() < 2; ++i)
    vTaskDelay(10);
  ASSERT_EQ(w.started.load(), 2);
  vTaskDelay(100);  // both are waiting now
  xEventGroupSetBits(w.group, kConnected);
  for (int i = 0; i < 200 && w.woke.load() < 2; ++i)
    vTaskDelay(10);
  EXPECT_EQ(w.woke.load(), 2);
  EXPECT_EQ(xEventGroupGetBits(w.group), 0U);  // cleared on exit

  // Waiting for all bits times out while one is missing, and reports the bits then.
  xEventGroupSetBits(w.group, kFailed);
  EventBits_t bits = xEventGroupWaitBits(w.group, kConnected | kFailed, pdFALSE, pdTRUE, 20);
  EXPECT_EQ(bits, kFailed);
  EXPECT_EQ(xEventGroupClearBits(w.group, kFailed), kFailed);
  vEventGroupDelete(w.group);
}

void sync_point(void* arg) {
  auto* w = static_cast<Waiting*>(arg);
  EventBits_t bits = xEventGroupSync(w->group, kFailed, kConnected | kFailed, pdMS_TO_TICKS(2000));
  if ((bits & (kConnected | kFailed)) == (kConnected | kFailed)) w->woke.fetch_add(1);
  vTaskDelete(nullptr);
}

TEST(IdfFreeRtos, EventGroupSyncReleasesEveryParticipant) {
  Waiting w{xEventGroupCreate()};
  ASSERT_EQ(xTaskCreate(sync_point, "sync", 2048, &w, 1, nullptr), pdPASS);
  vTaskDelay(30);
  EventBits_t bits = xEventGroupSync(w.group, kConnected, kConnected | kFailed, 2000);
  EXPECT_EQ(bits & (kConnected | kFailed), kConnected | kFailed);
  for (int i = 0; i < 200 && w.woke.load() < 1; ++i)
    vTaskDelay(10);
  EXPECT_EQ(w.woke.load(), 1);
  EXPECT_EQ(xEventGroupGetBits(w.group), 0U);
  vEventGroupDelete(w.group);
}

struct Notified {
  std::atomic<uint32_t> value{0};
  std::atomic<bool> done{false};
};

void take_notification(void* arg) {
  auto* n = static_cast<Notified*>(arg);
  n->value = ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(2000));
  n->done = true;
  vTaskDelete(nullptr);
}

TEST(IdfFreeRtos, NotificationsWakeTheTask) {
  Notified n;
  TaskHandle_t task = nullptr;
  ASSERT_EQ(xTaskCreate(take_notification, "notified", 2048, &n, 1, &task), pdPASS);
  EXPECT_STREQ(pcTaskGetName(task), "notified");
  vTaskDelay(20);
  xTaskNotifyGive(task);
  for (int i = 0; i < 200 && !n.done.load(); ++i)
    vTaskDelay(10);
  EXPECT_EQ(n.value.load(), 1U);
  EXPECT_EQ(ulTaskNotifyTake(pdTRUE, 10), 0U);  // nobody notified this thread
}

struct Victim {
  QueueHandle_t never;  // nothing is ever sent to it
  std::atomic<uint32_t> value{0};
};

void wait_forever(void* arg) {
  auto* v = static_cast<Victim*>(arg);
  char c = 0;
  xQueueReceive(v->never, &c, portMAX_DELAY);  // ends here when deleted
  v->value = 99;
}

TEST(IdfFreeRtos, DeletingAnotherTaskEndsItWhileItBlocks) {
  // As in FreeRTOS, deleting a task frees nothing the task allocated: the queue is the test's.
  Victim v{xQueueCreate(1, 1)};
  (void)xTaskGetCurrentTaskHandle();  // this thread counts as a task from its first call on
  UBaseType_t before = uxTaskGetNumberOfTasks();
  TaskHandle_t task = nullptr;
  ASSERT_EQ(xTaskCreate(wait_forever, "victim", 2048, &v, 1, &task), pdPASS);
  vTaskDelay(20);
  vTaskDelete(task);
  for (int i = 0; i < 100 && uxTaskGetNumberOfTasks() > before; ++i)
    vTaskDelay(10);
  EXPECT_EQ(uxTaskGetNumberOfTasks(), before);
  EXPECT_EQ(v.value.load(), 0U);
  vQueueDelete(v.never);
}

}  // namespace
