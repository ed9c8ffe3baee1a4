// esp_log.h: ESP-IDF's line format on stderr and run-time levels per tag.
#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "esp_err.h"
#include "esp_log.h"
#include "esp_transport.h"
#include "portmqtt/log.hpp"

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

TEST_F(EspLogTest, BufferDumpsWriteSixteenBytesPerLineAtTheirLevel) {
  const unsigned char bytes[18] = {0x00, 0x01, 'A', 'b', 0x7f, 0xff, 6,  7,   8,
                                   9,    10,   11,  12,  13,   14,   15, 'y', 'z'};
  testing::internal::CaptureStderr();
  ESP_LOG_BUFFER_HEX("hex", bytes, sizeof bytes);
  ESP_LOG_BUFFER_CHAR("chr", bytes, sizeof bytes);
  ESP_LOG_BUFFER_HEXDUMP("dump", bytes, 3, ESP_LOG_WARN);
  ESP_LOG_BUFFER_HEX_LEVEL("hex", bytes, 2, ESP_LOG_DEBUG);  // below INFO: hidden
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_match(
      out, std::regex("I \\([0-9]+\\) hex: 00 01 41 62 7f ff 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
                      "I \\([0-9]+\\) hex: 79 7a\n"
                      "I \\([0-9]+\\) chr: \\.\\.Ab\\.\\.\\.\\.\\.\\.\\.\\.\\.\\.\\.\\.\\n"
                      "I \\([0-9]+\\) chr: yz\n"
                      "W \\([0-9]+\\) dump: 0x[0-9a-f]+   00 01 41 +\\|\\.\\.A\\|\n")))
      << out;
  esp_log_level_set("hex", ESP_LOG_DEBUG);
  testing::internal::CaptureStderr();
  ESP_LOG_BUFFER_HEX_LEVEL("hex", bytes, 2, ESP_LOG_DEBUG);
  EXPECT_TRUE(std::regex_match(testing::internal::GetCapturedStderr(),
                               std::regex("D \\([0-9]+\\) hex: 00 01\n")));
}

std::string redirected;
int record(const char* format, va_list args) {
  char text[256];
  int n = std::vsnprintf(text, sizeof text, format, args);
  redirected += text;
  return n;
}

TEST_F(EspLogTest, SetVprintfRedirectsEveryLineAndGivesBackThePreviousWriter) {
  redirected.clear();
  vprintf_like_t before = esp_log_set_vprintf(record);
  ASSERT_NE(before, nullptr);
  testing::internal::CaptureStderr();
  ESP_LOGI("redir", "value %" PRIu32, static_cast<uint32_t>(42));
  EXPECT_EQ(esp_log_set_vprintf(before), record);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_TRUE(std::regex_match(redirected, std::regex("I \\([0-9]+\\) redir: value 42\n")))
      << redirected;
}

// With a sink installed through the C++ API, ESP_LOGx lines become its records: the ESP level
// as LogLevel, the tag as category, the message without prefix or newline.
TEST_F(EspLogTest, LinesGoToTheSinkOfTheCppApiWhenOneIsInstalled) {
  std::vector<std::string> records;
  portmqtt::set_log_sink([&records](const portmqtt::LogRecord& r) {
    records.push_back(std::string{portmqtt::to_string(r.level)} + "|" + std::string{r.category} +
                      "|" + std::string{r.text});
  });
  redirected.clear();
  vprintf_like_t before = esp_log_set_vprintf(record);  // the sink takes precedence
  esp_log_level_set("sunk", ESP_LOG_VERBOSE);
  testing::internal::CaptureStderr();
  ESP_LOGE("sunk", "lost %d", 3);
  ESP_LOGW("sunk", "slow");
  ESP_LOGI("sunk", "plain");
  ESP_LOGD("sunk", "detail");
  ESP_LOGV("sunk", "everything");
  ESP_LOGD("other", "hidden: the tag level still decides");
  esp_log_write(ESP_LOG_INFO, "raw", "raw text %s\n", "here");
  ESP_LOG_BUFFER_HEX("hex", "AB", 2);
  portmqtt::set_log_sink({});
  ESP_LOGI("after", "back on stderr");
  esp_log_set_vprintf(before);
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(records,
            (std::vector<std::string>{"error|sunk|lost 3", "warning|sunk|slow", "info|sunk|plain",
                                      "debug|sunk|detail", "verbose|sunk|everything",
                                      "info|raw|raw text here", "info|hex|41 42"}));
  EXPECT_EQ(out, "");
  EXPECT_TRUE(std::regex_match(redirected, std::regex("I \\([0-9]+\\) after: back on stderr\n")))
      << redirected;
}

TEST(EspErr, NamesOfTransportCodes) {
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN),
               "ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN");
  EXPECT_STREQ(esp_err_to_name(ESP_ERR_TCP_TRANSPORT_NO_MEM), "ESP_ERR_TCP_TRANSPORT_NO_MEM");
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
