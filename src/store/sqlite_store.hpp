// The durable outbox: session::Store in an SQLite file (WAL mode), so that accepted QoS 1/2
// messages, their state (queued, sent, PUBREC received) and the inbound QoS 2 ids awaiting
// PUBREL survive a crash of the process.
//
// Design:
// - One file, owned by one process: an exclusive flock() on the database file is taken before
//   SQLite touches it and held until the store is closed; a second opener gets errc::locked.
// - A file is checked before it is written: not SQLite (errc::corrupt), another
//   application's database (errc::foreign, by PRAGMA application_id), a newer schema
//   (errc::newer_version) or damaged pages (errc::corrupt, by PRAGMA quick_check) leave the file
//   untouched, unless the caller asked to start fresh: the unusable file is then renamed aside
//   (never deleted) and a new store created.
// - Schema changes go through kMigrations: the file's user_version says where it stands.
// - Per-message durability: put() writes and commits before it returns (the publish is
//   accepted when the record is on disk); other changes join the next commit, or one made by
//   a background thread within `group_interval`.
// - Group commit: changes are queued in memory and a background thread writes and commits
//   them every `group_messages` changes or `group_interval`, whichever comes first, so the
//   publishing thread never waits for the disk (only when the queue is 4 batches long). A
//   failed batch (disk full) is rolled back and its error returned by the next change.
// - Either way a record turned into PUBREL is committed before update() returns, since the
//   PUBREL goes on the wire next and a PUBLISH resent after it would be a new message to the
//   broker (a duplicate).
// - Completed records are deleted; SQLite reuses their pages, and an incremental vacuum at
//   open gives the file system back what a long outage made the file grow by.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "session/output.hpp"
#include "store/errc.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace portmqtt::store {

enum class Durability : std::uint8_t {
  per_message,  ///< put() commits before it returns
  group,        ///< commits in batches; flush() or durable_through() tell when
};

struct SqliteOptions {
  Durability durability = Durability::per_message;
  /// Group commit: the longest a change waits for its commit, and the batch size that
  /// commits at once.
  std::chrono::milliseconds group_interval{10};
  std::size_t group_messages = 1000;
  /// fsync at each commit (survives power loss). false: a commit reaches the operating system
  /// only, which survives a crash of the process but not of the machine.
  bool sync = true;
  /// A corrupt, foreign or newer file is renamed to `<path>.unusable` and a new store created,
  /// instead of failing.
  bool start_fresh = false;
  /// Largest database size in pages of 4 KiB (PRAGMA max_page_count); 0: no limit. Beyond it a
  /// write fails with errc::full, as on a full disk.
  std::uint32_t max_pages = 0;
};

class SqliteStore;

struct OpenResult {
  std::unique_ptr<SqliteStore> store;  ///< null on failure
  std::error_code error;               ///< store::errc
  std::string message;                 ///< names the path and the cause
};

class SqliteStore final : public session::Store {
 public:
  /// Current schema version (PRAGMA user_version).
  static constexpr int kSchemaVersion = 2;
  /// PRAGMA application_id of a portmqtt outbox: "PMQT".
  static constexpr std::uint32_t kApplicationId = 0x504D5154;

  /// Opens or creates the store at `path`. Fails with errc::cannot_open, locked, corrupt,
  /// foreign, newer_version, io_error or full; the message names the path.
  static OpenResult open(const std::string& path, const SqliteOptions& options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::error_code put(const Record& record) override;
  std::error_code update(const Record& record) override;
  std::error_code erase(std::uint64_t sequence) override;
  std::error_code clear() override;
  std::vector<Record> load() override;
  std::error_code put_inbound(std::uint16_t packet_id) override;
  std::error_code erase_inbound(std::uint16_t packet_id) override;
  std::error_code clear_inbound() override;
  std::vector<std::uint16_t> load_inbound() override;

  /// Commits what is pending: every record put before the call is durable when it returns
  /// without error. Any thread.
  std::error_code flush();
  std::error_code sync() override { return flush(); }
  /// Every record with a sequence up to this one is committed. Any thread.
  std::uint64_t durable_through() const;
  /// Commits so far (for measurements).
  std::uint64_t commits() const;
  const std::string& path() const { return path_; }

 private:
  struct Statements;
  /// A change waiting in the group-commit queue.
  struct Change {
    enum class Kind : std::uint8_t {
      put,
      update,
      erase,
      clear,
      put_inbound,
      erase_inbound,
      clear_inbound
    };
    Kind kind{};
    Record record;                ///< put, update; the sequence alone for erase
    std::uint16_t packet_id = 0;  ///< inbound changes
  };
  SqliteStore(std::string path, const SqliteOptions& options, sqlite3* db, int lock_fd);
  bool grouped() const { return options_.durability == Durability::group; }
  /// Group commit: queues `change`; with `wait`, returns once it is committed.
  std::error_code enqueue(Change&& change, bool wait);
  /// Writes and commits a batch in one transaction (rolled back on failure).
  std::error_code write_batch(const std::vector<Change>& batch);
  /// A commit per message: writes `change` in the open transaction (begun if none), and
  /// commits now or leaves it to the flusher.
  std::error_code write_one(const Change& change, bool commit_now);
  /// SQLite rolled the open transaction back because of `why`: forgets it, and notes for the
  /// next flush() that changes of it were lost.
  void forget_transaction_locked(std::error_code why);
  std::error_code apply_locked(const Change& change);
  void group_flusher();
  std::error_code prepare();
  std::error_code begin_locked();
  std::error_code commit_locked();
  std::error_code changed_locked(bool commit_now);
  std::error_code run_locked(sqlite3_stmt* statement);
  void flusher();

  const std::string path_;
  const SqliteOptions options_;
  sqlite3* db_ = nullptr;
  int lock_fd_ = -1;
  std::unique_ptr<Statements> statements_;

  mutable std::mutex mutex_;  // guards everything below and every use of db_
  std::condition_variable wake_;
  bool in_transaction_ = false;
  std::size_t pending_ = 0;     // changes in the open transaction
  std::uint64_t last_put_ = 0;  // highest sequence put
  std::uint64_t durable_ = 0;   // highest sequence committed
  std::uint64_t commits_ = 0;
  std::error_code lost_;  // uncommitted changes rolled back since the last flush
  bool closing_ = false;

  // Group commit queue; queue_mutex_ is never held while waiting for mutex_.
  std::mutex queue_mutex_;
  std::condition_variable queued_;   // wakes the flusher
  std::condition_variable written_;  // wakes callers waiting for a commit
  std::vector<Change> queue_;
  std::vector<Change> spare_;        // the last batch, kept for its capacity
  std::uint64_t queued_count_ = 0;   // changes queued so far
  std::uint64_t written_count_ = 0;  // changes written (committed or failed) so far
  bool urgent_ = false;              // someone waits: commit without waiting the interval
  bool closing_queue_ = false;
  std::error_code failure_;  // of the last failed batch, for the next caller

  std::thread thread_;  // commits pending changes every group_interval
};

}  // namespace portmqtt::store
