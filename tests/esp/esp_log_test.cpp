// esp_log.h: ESP-IDF's line format on stderr and run-time levels per tag.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "esp_err.h"
#include "esp_log.h"

namespace {

class EspLogTest : public ::testing::Test {
 protected:
  void TearDown() override { esp_log_level_set("*", ESP_LOG_INFO); }
};

TEST_F(EspLogTest, LinesHaveLevelLetterTimestampTagAndMessage) {
  testing::internal::CaptureStderr();
  ESP_LOGE("net", "lost %d packets", 3);
  ESP_LOGW("net", "slow");
  ESP_LOGI("net", "plain");
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_match(out, std::regex("E \\([0-9]+\\) net: lost 3 packets\n"
                                               "W \\([0-9]+\\) net: slow\n"
                                               "I \\([0-9]+\\) net: plain\n")))
      << out;
}

TEST_F(EspLogTest, DefaultLevelIsInfoAndEachTagCanBeChangedAtRunTime) {
  EXPECT_EQ(esp_log_level_get("anything"), ESP_LOG_INFO);
  esp_log_level_set("chatty", ESP_LOG_VERBOSE);
  esp_log_level_set("quiet", ESP_LOG_ERROR);
  EXPECT_EQ(esp_log_level_get("chatty"), ESP_LOG_VERBOSE);
  testing::internal::CaptureStderr();
  ESP_LOGD("other", "hidden: debug is below the default INFO");
  ESP_LOGV("chatty", "shown");
  ESP_LOGW("quiet", "hidden: below ERROR for this tag");
  ESP_LOGE("quiet", "shown too");
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_match(out, std::regex("V \\([0-9]+\\) chatty: shown\n"
                                               "E \\([0-9]+\\) quiet: shown too\n")))
      << out;
  // "*" sets the default and drops the per-tag levels.
  esp_log_level_set("*", ESP_LOG_NONE);
  EXPECT_EQ(esp_log_level_get("chatty"), ESP_LOG_NONE);
  testing::internal::CaptureStderr();
  ESP_LOGE("chatty", "hidden");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST_F(EspLogTest, LongMessagesAreNotCut) {
  std::string long_text(2000, 'x');
  testing::internal::CaptureStderr();
  ESP_LOGI("long", "%s", long_text.c_str());
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find(long_text + "\n"), std::string::npos);
}

TEST(EspErr, NamesOfCodes) {
  EXPECT_STREQ(esp_err_to_name(ESP_OK), "ESP_OK");
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_INVALID_ARG), "ESP_ERR_INVALID_ARG");
  EXPECT_STREQ(esp_err_to_name(0x8004), "ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST");
  EXPECT_STREQ(esp_err_to_name(0x7777), "UNKNOWN ERROR");
  char buf[64];
  EXPECT_STREQ(esp_err_to_name_r(ESP_ERR_TIMEOUT, buf, sizeof buf), "ESP_ERR_TIMEOUT");
  EXPECT_STREQ(esp_err_to_name_r(0x7777, buf, sizeof buf), "UNKNOWN ERROR 0x7777(30583)");
}

}  // namespace
