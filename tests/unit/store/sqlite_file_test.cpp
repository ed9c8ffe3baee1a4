// Files the store must refuse, leaving them as they were: not a database, another
// application's database, a newer schema, a store another process holds.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store_fixture.hpp"

namespace portmqtt::store::test {
namespace {

TEST_F(StoreTest, ACorruptFileIsRefusedAndLeftUntouched) {
  const std::string garbage = "this is not a database at all\n" + std::string(5000, '\x17');
  write_all(path_, garbage);
  OpenResult opened = SqliteStore::open(path_);
  EXPECT_FALSE(opened.store);
  EXPECT_EQ(opened.error, errc::corrupt);
  EXPECT_NE(opened.message.find(path_), std::string::npos) << opened.message;
  EXPECT_EQ(read_all(path_), garbage);
}

TEST_F(StoreTest, ADamagedDatabaseIsRefused) {
  {
    OpenResult opened = SqliteStore::open(path_, {.sync = false});
    ASSERT_TRUE(opened.store);
    for (std::uint64_t i = 1; i <= 200; ++i)
      ASSERT_FALSE(opened.store->put(session::Store::Record{i, 1, codec::PacketType::publish,
                                                            bytes_of(std::string(300, 'd'))}));
  }
  // Overwrite pages past the header with noise: the header still says SQLite.
  std::string bytes = read_all(path_);
  ASSERT_GT(bytes.size(), 3u * 4096);
  for (std::size_t i = 4096; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>(i * 7);
  write_all(path_, bytes);
  OpenResult opened = SqliteStore::open(path_);
  EXPECT_FALSE(opened.store);
  EXPECT_EQ(opened.error, errc::corrupt) << opened.message;
  EXPECT_EQ(read_all(path_), bytes);
}

TEST_F(StoreTest, AForeignDatabaseIsRefusedAndLeftUntouched) {
  make_db(path_, "CREATE TABLE customers(name TEXT); INSERT INTO customers VALUES('ada');");
  const std::string before = read_all(path_);
  OpenResult opened = SqliteStore::open(path_);
  EXPECT_FALSE(opened.store);
  EXPECT_EQ(opened.error, errc::foreign);
  EXPECT_NE(opened.message.find(path_), std::string::npos) << opened.message;
  EXPECT_NE(opened.message.find("another application"), std::string::npos) << opened.message;
  EXPECT_EQ(read_all(path_), before);
}

TEST_F(StoreTest, ANewerSchemaIsRefused) {
  const std::string sql = "PRAGMA application_id=" + std::to_string(SqliteStore::kApplicationId) +
                          "; PRAGMA user_version=99; CREATE TABLE outbox(x);";
  make_db(path_, sql.c_str());
  OpenResult opened = SqliteStore::open(path_);
  EXPECT_FALSE(opened.store);
  EXPECT_EQ(opened.error, errc::newer_version) << opened.message;
}

TEST_F(StoreTest, StartFreshSetsAnUnusableFileAsideAndStartsEmpty) {
  const std::string garbage(5000, 'g');
  write_all(path_, garbage);
  OpenResult opened = SqliteStore::open(path_, {.start_fresh = true});
  ASSERT_TRUE(opened.store) << opened.message;
  EXPECT_TRUE(opened.store->load().empty());
  EXPECT_EQ(read_all(path_ + ".unusable"), garbage);  // kept, never deleted
}

TEST_F(StoreTest, ASecondProcessIsRefusedWhileTheFirstHoldsTheStore) {
  int ready[2];
  int release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    OpenResult held = SqliteStore::open(path_);
    char c = held.store ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);  // until the parent has tried
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  OpenResult second = SqliteStore::open(path_);
  EXPECT_FALSE(second.store);
  EXPECT_EQ(second.error, errc::locked);
  EXPECT_NE(second.message.find(path_), std::string::npos) << second.message;
  EXPECT_NE(second.message.find("another process"), std::string::npos) << second.message;
  ASSERT_EQ(::write(release[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  OpenResult after = SqliteStore::open(path_);  // the lock went with the process
  EXPECT_TRUE(after.store) << after.message;
  for (int fd : {ready[0], ready[1], release[0], release[1]})
    ::close(fd);
}

}  // namespace
}  // namespace portmqtt::store::test
