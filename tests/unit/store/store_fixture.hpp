// A fresh directory per test and small helpers to read and make files by hand.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "codec/buffer.hpp"
#include "store/sqlite_store.hpp"

namespace portmqtt::store::test {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/portmqtt-store-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "outbox.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static void write_all(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  /// Runs SQL on a database made without the store (a foreign or older file).
  static void make_db(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  static std::shared_ptr<const codec::Buffer> bytes_of(std::string_view text) {
    auto buffer = std::make_shared<codec::Buffer>();
    buffer->append(
        codec::ByteView{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    return buffer;
  }
  static std::string text_of(const session::Store::Record& record) {
    return {reinterpret_cast<const char*>(record.bytes->data()), record.bytes->size()};
  }

  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace portmqtt::store::test
