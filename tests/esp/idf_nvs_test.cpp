// NVS of portmqtt-idf: typed values per namespace that survive a re-initialisation (the file),
// ESP-IDF's error codes, and the documented recovery from an unreadable file.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "nvs_flash.h"

namespace {

class IdfNvs : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/portmqtt-nvs.XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    file_ = dir_ + "/store.nvs";
    setenv("PORTMQTT_NVS_FILE", file_.c_str(), 1);
  }
  void TearDown() override {
    nvs_flash_deinit();
    unsetenv("PORTMQTT_NVS_FILE");
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::string file_;
};

TEST_F(IdfNvs, ValuesSurviveDeinitAndInitFromTheFile) {
  nvs_handle_t h = 0;
  EXPECT_EQ(nvs_open("app", NVS_READWRITE, &h), ESP_ERR_NVS_NOT_INITIALIZED);
  ASSERT_EQ(nvs_flash_init(), ESP_OK);
  EXPECT_EQ(nvs_open("app", NVS_READONLY, &h), ESP_ERR_NVS_NOT_FOUND);
  ASSERT_EQ(nvs_open("app", NVS_READWRITE, &h), ESP_OK);
  ASSERT_EQ(nvs_set_i32(h, "restarts", -7), ESP_OK);
  ASSERT_EQ(nvs_set_u64(h, "big", 0x1122334455667788ULL), ESP_OK);
  ASSERT_EQ(nvs_set_str(h, "broker", "mqtt://127.0.0.1"), ESP_OK);
  const unsigned char blob[3] = {0, 0xff, 7};
  ASSERT_EQ(nvs_set_blob(h, "blob", blob, sizeof blob), ESP_OK);
  ASSERT_EQ(nvs_commit(h), ESP_OK);
  nvs_close(h);
  ASSERT_TRUE(std::filesystem::exists(file_));
  ASSERT_EQ(nvs_flash_deinit(), ESP_OK);

  ASSERT_EQ(nvs_flash_init(), ESP_OK);
  ASSERT_EQ(nvs_open("app", NVS_READONLY, &h), ESP_OK);
  int32_t restarts = 0;
  EXPECT_EQ(nvs_get_i32(h, "restarts", &restarts), ESP_OK);
  EXPECT_EQ(restarts, -7);
  uint64_t big = 0;
  EXPECT_EQ(nvs_get_u64(h, "big", &big), ESP_OK);
  EXPECT_EQ(big, 0x1122334455667788ULL);
  size_t length = 0;
  ASSERT_EQ(nvs_get_str(h, "broker", nullptr, &length), ESP_OK);
  EXPECT_EQ(length, std::strlen("mqtt://127.0.0.1") + 1);
  char small[4];
  size_t small_length = sizeof small;
  EXPECT_EQ(nvs_get_str(h, "broker", small, &small_length), ESP_ERR_NVS_INVALID_LENGTH);
  char text[64];
  length = sizeof text;
  ASSERT_EQ(nvs_get_str(h, "broker", text, &length), ESP_OK);
  EXPECT_STREQ(text, "mqtt://127.0.0.1");
  unsigned char back[8];
  length = sizeof back;
  ASSERT_EQ(nvs_get_blob(h, "blob", back, &length), ESP_OK);
  EXPECT_EQ(length, 3U);
  EXPECT_EQ(std::memcmp(back, blob, 3), 0);
  EXPECT_EQ(nvs_set_u8(h, "x", 1), ESP_ERR_NVS_READ_ONLY);
  uint8_t wrong = 0;
  EXPECT_EQ(nvs_get_u8(h, "restarts", &wrong), ESP_ERR_NVS_TYPE_MISMATCH);
  EXPECT_EQ(nvs_get_u8(h, "missing", &wrong), ESP_ERR_NVS_NOT_FOUND);
  nvs_close(h);
  EXPECT_EQ(nvs_commit(h), ESP_ERR_NVS_INVALID_HANDLE);
}

TEST_F(IdfNvs, NamesAreCheckedAndKeysErased) {
  ASSERT_EQ(nvs_flash_init(), ESP_OK);
  nvs_handle_t h = 0;
  EXPECT_EQ(nvs_open("a-namespace-too-long", NVS_READWRITE, &h), ESP_ERR_NVS_INVALID_NAME);
  ASSERT_EQ(nvs_open("ns", NVS_READWRITE, &h), ESP_OK);
  EXPECT_EQ(nvs_set_u8(h, "a-key-that-is-too-long", 1), ESP_ERR_NVS_KEY_TOO_LONG);
  EXPECT_EQ(nvs_set_str(h, "long", std::string(4000, 'x').c_str()), ESP_ERR_NVS_VALUE_TOO_LONG);
  ASSERT_EQ(nvs_set_u8(h, "k1", 1), ESP_OK);
  ASSERT_EQ(nvs_set_u8(h, "k2", 2), ESP_OK);
  EXPECT_EQ(nvs_erase_key(h, "k1"), ESP_OK);
  EXPECT_EQ(nvs_erase_key(h, "k1"), ESP_ERR_NVS_NOT_FOUND);
  uint8_t v = 0;
  EXPECT_EQ(nvs_get_u8(h, "k2", &v), ESP_OK);
  EXPECT_EQ(nvs_erase_all(h), ESP_OK);
  EXPECT_EQ(nvs_get_u8(h, "k2", &v), ESP_ERR_NVS_NOT_FOUND);
  nvs_close(h);
}

TEST_F(IdfNvs, UnreadableFileAsksForEraseWhichStartsAfresh) {
  { std::ofstream(file_) << "this is not storage\n"; }
  EXPECT_EQ(nvs_flash_init(), ESP_ERR_NVS_NO_FREE_PAGES);
  ASSERT_EQ(nvs_flash_erase(), ESP_OK);
  EXPECT_FALSE(std::filesystem::exists(file_));
  ASSERT_EQ(nvs_flash_init(), ESP_OK);
  nvs_handle_t h = 0;
  EXPECT_EQ(nvs_open("fresh", NVS_READONLY, &h), ESP_ERR_NVS_NOT_FOUND);
}

}  // namespace
