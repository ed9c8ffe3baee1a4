// esp_event.h: created and default loops, registration kinds and their call order, posting
// with copied data, a full queue, and loops without a task run by esp_event_loop_run().
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "esp_event.h"

ESP_EVENT_DECLARE_BASE(TEST_EVENTS);
ESP_EVENT_DEFINE_BASE(TEST_EVENTS);
ESP_EVENT_DEFINE_BASE(OTHER_EVENTS);

namespace {

// What the handlers saw, in order, with the thread they ran on.
struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> calls;
  std::vector<std::thread::id> threads;

  void add(std::string what) {
    std::lock_guard lock(mutex);
    calls.push_back(std::move(what));
    threads.push_back(std::this_thread::get_id());
    changed.notify_all();
  }
  bool wait_for_count(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(5), [&] { return calls.size() >= n; });
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return calls;
  }
};

std::string describe(const char* who, esp_event_base_t base, int32_t id, void* data) {
  std::string s = std::string(who) + ":" + base + ":" + std::to_string(id);
  if (data != nullptr) s += ":" + std::string(static_cast<const char*>(data));
  return s;
}

void exact_handler(void* arg, esp_event_base_t base, int32_t id, void* data) {
  static_cast<Seen*>(arg)->add(describe("exact", base, id, data));
}
void any_id_handler(void* arg, esp_event_base_t base, int32_t id, void* data) {
  static_cast<Seen*>(arg)->add(describe("any_id", base, id, data));
}
void any_base_handler(void* arg, esp_event_base_t base, int32_t id, void* data) {
  static_cast<Seen*>(arg)->add(describe("any_base", base, id, data));
}

TEST(EspEventLoop, DefaultLoopCallsAnyBaseThenAnyIdThenExactOnItsOwnThread) {
  ASSERT_EQ(esp_event_loop_create_default(), ESP_OK);
  EXPECT_EQ(esp_event_loop_create_default(), ESP_ERR_INVALID_STATE);  // as ESP-IDF
  Seen seen;
  ASSERT_EQ(esp_event_handler_register(TEST_EVENTS, 7, exact_handler, &seen), ESP_OK);
  ASSERT_EQ(esp_event_handler_register(TEST_EVENTS, ESP_EVENT_ANY_ID, any_id_handler, &seen),
            ESP_OK);
  ASSERT_EQ(
      esp_event_handler_register(ESP_EVENT_ANY_BASE, ESP_EVENT_ANY_ID, any_base_handler, &seen),
      ESP_OK);
  char text[] = "hello";
  ASSERT_EQ(esp_event_post(TEST_EVENTS, 7, text, sizeof text, portMAX_DELAY), ESP_OK);
  text[0] = 'J';  // the loop posted a copy
  ASSERT_EQ(esp_event_post(OTHER_EVENTS, 1, nullptr, 0, 0), ESP_OK);
  ASSERT_TRUE(seen.wait_for_count(4));
  EXPECT_EQ(seen.snapshot(),
            (std::vector<std::string>{"any_base:TEST_EVENTS:7:hello", "any_id:TEST_EVENTS:7:hello",
                                      "exact:TEST_EVENTS:7:hello", "any_base:OTHER_EVENTS:1"}));
  EXPECT_NE(seen.threads[0], std::this_thread::get_id());

  // After unregistering, only the remaining registrations are called.
  ASSERT_EQ(esp_event_handler_unregister(ESP_EVENT_ANY_BASE, ESP_EVENT_ANY_ID, any_base_handler),
            ESP_OK);
  ASSERT_EQ(esp_event_handler_unregister(TEST_EVENTS, 7, exact_handler), ESP_OK);
  ASSERT_EQ(esp_event_post(TEST_EVENTS, 8, nullptr, 0, 0), ESP_OK);
  ASSERT_TRUE(seen.wait_for_count(5));
  EXPECT_EQ(seen.snapshot().back(), "any_id:TEST_EVENTS:8");
  EXPECT_EQ(esp_event_loop_delete_default(), ESP_OK);
  EXPECT_EQ(esp_event_post(TEST_EVENTS, 1, nullptr, 0, 0), ESP_ERR_INVALID_STATE);
  EXPECT_EQ(esp_event_loop_delete_default(), ESP_ERR_INVALID_STATE);
}

TEST(EspEventLoop, InvalidKeysAreRefused) {
  esp_event_loop_args_t args = {4, "t", 5, 4096, 0};
  esp_event_loop_handle_t loop = nullptr;
  ASSERT_EQ(esp_event_loop_create(&args, &loop), ESP_OK);
  Seen seen;
  EXPECT_EQ(esp_event_handler_register_with(loop, ESP_EVENT_ANY_BASE, 3, exact_handler, &seen),
            ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_handler_register_with(loop, TEST_EVENTS, 3, nullptr, &seen),
            ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_post_to(loop, TEST_EVENTS, ESP_EVENT_ANY_ID, nullptr, 0, 0),
            ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_post_to(loop, ESP_EVENT_ANY_BASE, 1, nullptr, 0, 0), ESP_ERR_INVALID_ARG);
  args.queue_size = 0;
  esp_event_loop_handle_t refused = nullptr;
  EXPECT_EQ(esp_event_loop_create(&args, &refused), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_event_loop_run(loop, 1), ESP_ERR_INVALID_STATE);  // it has a task
  EXPECT_EQ(esp_event_loop_delete(loop), ESP_OK);
}

TEST(EspEventLoop, InstancesAreRegisteredAndRemovedOneByOne) {
  esp_event_loop_args_t args = {8, "inst", 5, 4096, 0};
  esp_event_loop_handle_t loop = nullptr;
  ASSERT_EQ(esp_event_loop_create(&args, &loop), ESP_OK);
  Seen seen;
  esp_event_handler_instance_t first = nullptr;
  esp_event_handler_instance_t second = nullptr;
  ASSERT_EQ(
      esp_event_handler_instance_register_with(loop, TEST_EVENTS, 1, exact_handler, &seen, &first),
      ESP_OK);
  ASSERT_EQ(
      esp_event_handler_instance_register_with(loop, TEST_EVENTS, 1, exact_handler, &seen, &second),
      ESP_OK);
  ASSERT_NE(first, second);
  ASSERT_EQ(esp_event_post_to(loop, TEST_EVENTS, 1, nullptr, 0, 10), ESP_OK);
  ASSERT_TRUE(seen.wait_for_count(2));
  ASSERT_EQ(esp_event_handler_instance_unregister_with(loop, TEST_EVENTS, 1, first), ESP_OK);
  EXPECT_EQ(esp_event_handler_instance_unregister_with(loop, TEST_EVENTS, 1, first),
            ESP_ERR_INVALID_ARG);
  ASSERT_EQ(esp_event_post_to(loop, TEST_EVENTS, 1, nullptr, 0, 10), ESP_OK);
  ASSERT_TRUE(seen.wait_for_count(3));
  EXPECT_EQ(esp_event_loop_delete(loop), ESP_OK);
  EXPECT_EQ(seen.snapshot().size(), 3U);
}

TEST(EspEventLoop, LoopWithoutTaskQueuesUntilRunAndReportsAFullQueue) {
  esp_event_loop_args_t args = {2, nullptr, 0, 0, 0};
  esp_event_loop_handle_t loop = nullptr;
  ASSERT_EQ(esp_event_loop_create(&args, &loop), ESP_OK);
  Seen seen;
  ASSERT_EQ(
      esp_event_handler_register_with(loop, TEST_EVENTS, ESP_EVENT_ANY_ID, any_id_handler, &seen),
      ESP_OK);
  // Registering again replaces the argument instead of adding a second call.
  ASSERT_EQ(
      esp_event_handler_register_with(loop, TEST_EVENTS, ESP_EVENT_ANY_ID, any_id_handler, &seen),
      ESP_OK);
  ASSERT_EQ(esp_event_post_to(loop, TEST_EVENTS, 1, nullptr, 0, 0), ESP_OK);
  ASSERT_EQ(esp_event_post_to(loop, TEST_EVENTS, 2, nullptr, 0, 0), ESP_OK);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(esp_event_post_to(loop, TEST_EVENTS, 3, nullptr, 0, 50), ESP_ERR_TIMEOUT);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_TRUE(seen.snapshot().empty());
  ASSERT_EQ(esp_event_loop_run(loop, 20), ESP_OK);
  EXPECT_EQ(seen.snapshot(),
            (std::vector<std::string>{"any_id:TEST_EVENTS:1", "any_id:TEST_EVENTS:2"}));
  EXPECT_EQ(seen.threads[0], std::this_thread::get_id());
  EXPECT_EQ(esp_event_loop_delete(loop), ESP_OK);
}

void unregister_self(void* arg, esp_event_base_t base, int32_t id, void* data) {
  (void)data;
  auto* seen = static_cast<Seen*>(arg);
  seen->add(describe("self", base, id, nullptr));
  esp_event_handler_unregister(base, id, unregister_self);
}

TEST(EspEventLoop, HandlerMayUnregisterItselfAndPostFromTheLoop) {
  ASSERT_EQ(esp_event_loop_create_default(), ESP_OK);
  Seen seen;
  ASSERT_EQ(esp_event_handler_register(TEST_EVENTS, 4, unregister_self, &seen), ESP_OK);
  ASSERT_EQ(esp_event_post(TEST_EVENTS, 4, nullptr, 0, 0), ESP_OK);
  ASSERT_EQ(esp_event_post(TEST_EVENTS, 4, nullptr, 0, 0), ESP_OK);
  ASSERT_TRUE(seen.wait_for_count(1));
  EXPECT_EQ(esp_event_loop_delete_default(), ESP_OK);  // drops nothing it should have called
  EXPECT_EQ(seen.snapshot(), (std::vector<std::string>{"self:TEST_EVENTS:4"}));
}

}  // namespace
