#include "store/sqlite_store.hpp"

#include <sqlite3.h>

#include <array>
#include <cstdio>
#include <utility>

#include "store/sqlite_file.hpp"

namespace portmqtt::store {
namespace {

// Schema of each version, reached from the one before by
// kMigrations[static_cast<std::size_t>(version - 1)].
constexpr const char* kCreateV1 =
    "CREATE TABLE outbox(sequence INTEGER PRIMARY KEY, packet_id INTEGER NOT NULL,"
    " type INTEGER NOT NULL, bytes BLOB NOT NULL);";
// Version 2 keeps the inbound QoS 2 ids awaiting PUBREL.
constexpr const char* kMigrateV1toV2 = "CREATE TABLE inbound_qos2(packet_id INTEGER PRIMARY KEY);";
constexpr std::array<const char*, SqliteStore::kSchemaVersion - 1> kMigrations{kMigrateV1toV2};

// Pages of write-ahead log between two checkpoints (see open()), and their size: SQLite's
// default page size, which the store never changes.
constexpr int kWalPages = 128;
constexpr int kPageBytes = 4096;

std::error_code error_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return errc::full;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return errc::corrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return errc::cannot_open;
    default:
      return errc::io_error;
  }
}

std::error_code exec(sqlite3* db, const char* sql, std::string* why = nullptr) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK && why) *why = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return rc == SQLITE_OK ? std::error_code{} : error_of(rc);
}

// Runs a query that yields one value (a PRAGMA); rc in `rc`.
std::string query_text(sqlite3* db, const char* sql, int& rc) {
  sqlite3_stmt* statement = nullptr;
  std::string value;
  rc = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      value = text ? reinterpret_cast<const char*>(text) : "";
      rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(statement);
  return value;
}

struct Probe {
  std::error_code error;
  std::string why;
  int version = 0;  // 0: a store to create
};

// Reads what the file is, through a read-only connection: nothing is written to it.
Probe probe(const std::string& path, int fd) {
  if (detail::is_empty_file(fd)) return {};
  if (!detail::has_sqlite_header(fd)) return {errc::corrupt, "not an SQLite database", 0};
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  Probe result;
  auto fail = [&](std::error_code error, std::string why) {
    result.error = error;
    result.why = std::move(why);
  };
  if (rc != SQLITE_OK) {
    fail(error_of(rc), sqlite3_errstr(rc));
  } else {
    const std::string id = query_text(db, "PRAGMA application_id", rc);
    const std::string version = rc == SQLITE_OK ? query_text(db, "PRAGMA user_version", rc) : "";
    const std::string tables =
        rc == SQLITE_OK ? query_text(db, "SELECT count(*) FROM sqlite_master", rc) : "";
    if (rc != SQLITE_OK) {
      fail(error_of(rc), sqlite3_errmsg(db));
    } else if (std::stoll(id) != static_cast<std::int32_t>(SqliteStore::kApplicationId)) {
      // An empty database (no table, no id) is one we may have created and not yet filled.
      if (std::stoll(id) != 0 || std::stoll(version) != 0 || std::stoll(tables) != 0) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(std::stoll(id)));
        fail(errc::foreign,
             std::string("an SQLite database of another application (application_id ") + hex + ")");
      }
    } else if (std::stoi(version) > SqliteStore::kSchemaVersion) {
      fail(errc::newer_version, "schema version " + version + ", this build reads up to " +
                                    std::to_string(SqliteStore::kSchemaVersion));
    } else {
      result.version = std::stoi(version);
      const std::string check = query_text(db, "PRAGMA quick_check", rc);
      if (rc != SQLITE_OK || check != "ok")
        fail(errc::corrupt,
             "damaged: " + (rc != SQLITE_OK ? std::string(sqlite3_errmsg(db)) : check));
    }
  }
  sqlite3_close(db);
  return result;
}

// Creates the schema or brings it up to kSchemaVersion, one version per transaction.
std::error_code build_schema(sqlite3* db, int version, std::string& why) {
  if (version == 0) {
    const std::string sql = std::string("BEGIN; ") + kCreateV1 + " PRAGMA application_id=" +
                            std::to_string(SqliteStore::kApplicationId) +
                            "; PRAGMA user_version=1; COMMIT;";
    if (auto error = exec(db, sql.c_str(), &why)) {
      (void)exec(db, "ROLLBACK");
      return error;
    }
    version = 1;
  }
  for (; version < SqliteStore::kSchemaVersion; ++version) {
    const std::string sql = std::string("BEGIN; ") +
                            kMigrations[static_cast<std::size_t>(version - 1)] +
                            " PRAGMA user_version=" + std::to_string(version + 1) + "; COMMIT;";
    if (auto error = exec(db, sql.c_str(), &why)) {
      (void)exec(db, "ROLLBACK");
      why = "migration to schema " + std::to_string(version + 1) + " failed: " + why;
      return error;
    }
  }
  return {};
}

}  // namespace

struct SqliteStore::Statements {
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* update = nullptr;
  sqlite3_stmt* erase = nullptr;
  sqlite3_stmt* clear = nullptr;
  sqlite3_stmt* load = nullptr;
  sqlite3_stmt* put_inbound = nullptr;
  sqlite3_stmt* erase_inbound = nullptr;
  sqlite3_stmt* clear_inbound = nullptr;
  sqlite3_stmt* load_inbound = nullptr;

  ~Statements() {
    for (sqlite3_stmt* s : {begin, commit, insert, update, erase, clear, load, put_inbound,
                            erase_inbound, clear_inbound, load_inbound})
      sqlite3_finalize(s);
  }
};

OpenResult SqliteStore::open(const std::string& path, const SqliteOptions& options) {
  OpenResult result;
  auto fail = [&](std::error_code error, const std::string& why) {
    result.error = error;
    result.message = "outbox store " + path + ": " + why;
    return std::move(result);
  };
  std::error_code error;
  std::string why;
  int fd = detail::lock_file(path, error, why);
  if (fd < 0) return fail(error, why);
  Probe found = probe(path, fd);
  if (found.error && options.start_fresh && found.error != errc::io_error &&
      found.error != errc::cannot_open) {
    const std::string aside = detail::set_aside(path, why);
    detail::unlock_file(fd);
    if (aside.empty()) return fail(found.error, found.why + "; " + why);
    fd = detail::lock_file(path, error, why);
    if (fd < 0) return fail(error, why);
    found = probe(path, fd);
  }
  if (found.error) {
    detail::unlock_file(fd);
    return fail(found.error, found.why + " (file left untouched)");
  }

  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    detail::unlock_file(fd);
    return fail(error_of(rc), sqlite3_errstr(rc));
  }
  std::string pragmas;
  // auto_vacuum must be chosen before the first table exists.
  if (found.version == 0) pragmas += "PRAGMA auto_vacuum=INCREMENTAL;";
  pragmas += options.sync ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  // The write-ahead log is copied into the database and started over every kWalPages pages
  // instead of SQLite's 1,000 (4 MiB): committed changes that an acknowledgement soon erases
  // otherwise fill a small disk with log while the live records take a few pages (on 1 MiB,
  // at most 100 messages of 200 B waiting: a full disk after 202 with SQLite's default; no
  // difference in the store benchmark's rates). The size limit truncates a larger log, e.g.
  // one a long outage or a large batch left.
  pragmas += "PRAGMA wal_autocheckpoint=" + std::to_string(kWalPages) + ";";
  pragmas += "PRAGMA journal_size_limit=" + std::to_string(kWalPages * kPageBytes) + ";";
  if (options.max_pages != 0)
    pragmas += "PRAGMA max_page_count=" + std::to_string(options.max_pages) + ";";
  const std::string mode = query_text(db, "PRAGMA journal_mode=WAL", rc);
  if (rc != SQLITE_OK || mode != "wal") {
    why = rc != SQLITE_OK ? sqlite3_errmsg(db) : "cannot switch to WAL mode (" + mode + ")";
    error = rc != SQLITE_OK ? error_of(rc) : make_error_code(errc::io_error);
  } else {
    error = exec(db, pragmas.c_str(), &why);
    if (!error) error = build_schema(db, found.version, why);
    // Pages freed while running are reused; a file grown by a long outage shrinks here.
    if (!error) (void)exec(db, "PRAGMA incremental_vacuum;");
  }
  if (error) {
    sqlite3_close(db);
    detail::unlock_file(fd);
    return fail(error, why);
  }
  result.store.reset(new SqliteStore(path, options, db, fd));
  if (auto failed = result.store->prepare()) {
    result.store.reset();
    return fail(failed, "cannot prepare statements");
  }
  return result;
}

SqliteStore::SqliteStore(std::string path, const SqliteOptions& options, sqlite3* db, int lock_fd)
    : path_(std::move(path)), options_(options), db_(db), lock_fd_(lock_fd) {}

std::error_code SqliteStore::prepare() {
  statements_ = std::make_unique<Statements>();
  Statements& s = *statements_;
  const std::pair<sqlite3_stmt**, const char*> all[] = {
      {&s.begin, "BEGIN IMMEDIATE"},
      {&s.commit, "COMMIT"},
      {&s.insert,
       "INSERT OR REPLACE INTO outbox(sequence, packet_id, type, bytes) VALUES(?,?,?,?)"},
      {&s.update, "UPDATE outbox SET packet_id=?2, type=?3, bytes=?4 WHERE sequence=?1"},
      {&s.erase, "DELETE FROM outbox WHERE sequence=?"},
      {&s.clear, "DELETE FROM outbox"},
      {&s.load, "SELECT sequence, packet_id, type, bytes FROM outbox ORDER BY sequence"},
      {&s.put_inbound, "INSERT OR IGNORE INTO inbound_qos2(packet_id) VALUES(?)"},
      {&s.erase_inbound, "DELETE FROM inbound_qos2 WHERE packet_id=?"},
      {&s.clear_inbound, "DELETE FROM inbound_qos2"},
      {&s.load_inbound, "SELECT packet_id FROM inbound_qos2 ORDER BY packet_id"},
  };
  for (const auto& [target, sql] : all) {
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, target, nullptr);
    if (rc != SQLITE_OK) return error_of(rc);
  }
  thread_ = std::thread([this] { grouped() ? group_flusher() : flusher(); });
  return {};
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  {
    std::lock_guard lock(queue_mutex_);
    closing_queue_ = true;  // the flusher writes what is queued, then ends
  }
  queued_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mutex_);
    if (in_transaction_) (void)commit_locked();
  }
  statements_.reset();
  sqlite3_close(db_);
  // The lock goes last: closing another descriptor of the file would drop SQLite's own locks.
  detail::unlock_file(lock_fd_);
}

std::error_code SqliteStore::run_locked(sqlite3_stmt* statement) {
  const int rc = sqlite3_step(statement);
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
  // Some failures (full disk, I/O) roll the whole transaction back: start a new one next.
  if (in_transaction_ && sqlite3_get_autocommit(db_)) forget_transaction_locked(error_of(rc));
  return error_of(rc);
}

void SqliteStore::forget_transaction_locked(std::error_code why) {
  // Changes written in it and not committed (erases, inbound ids waiting for a sync) are
  // gone: the next flush says so instead of reporting them durable.
  if (pending_ != 0 && !lost_) lost_ = why;
  in_transaction_ = false;
  pending_ = 0;
}

std::error_code SqliteStore::begin_locked() {
  if (in_transaction_) return {};
  if (auto error = run_locked(statements_->begin)) return error;
  in_transaction_ = true;
  return {};
}

std::error_code SqliteStore::commit_locked() {
  if (!in_transaction_) return {};
  if (auto error = run_locked(statements_->commit)) return error;
  in_transaction_ = false;
  pending_ = 0;
  durable_ = last_put_;
  ++commits_;
  return {};
}

std::error_code SqliteStore::changed_locked(bool commit_now) {
  ++pending_;
  if (commit_now || pending_ >= options_.group_messages) return commit_locked();
  if (pending_ == 1) wake_.notify_one();  // the flusher starts the interval
  return {};
}

std::error_code SqliteStore::put(const Record& record) {
  if (grouped()) return enqueue({Change::Kind::put, record, 0}, false);
  return write_one({Change::Kind::put, record, 0}, options_.durability == Durability::per_message);
}

std::error_code SqliteStore::update(const Record& record) {
  // The PUBREL goes out after this returns; it must not be followed, after a crash, by a
  // resent PUBLISH the broker would take for a new message.
  const bool now = record.type == codec::PacketType::pubrel;
  if (grouped()) return enqueue({Change::Kind::update, record, 0}, now);
  return write_one({Change::Kind::update, record, 0}, now);
}

std::error_code SqliteStore::erase(std::uint64_t sequence) {
  // A completion lost in a crash only makes the message go out once more: no hurry.
  Change change{Change::Kind::erase, Record{sequence, 0, {}, nullptr}, 0};
  if (grouped()) return enqueue(std::move(change), false);
  return write_one(change, false);
}

std::error_code SqliteStore::clear() {
  if (grouped()) return enqueue({Change::Kind::clear, {}, 0}, true);
  return write_one({Change::Kind::clear, {}, 0}, true);
}

std::vector<session::Store::Record> SqliteStore::load() {
  (void)flush();  // a failure is returned by the next change as well
  std::lock_guard lock(mutex_);
  std::vector<Record> records;
  sqlite3_stmt* s = statements_->load;
  while (sqlite3_step(s) == SQLITE_ROW) {
    Record record;
    record.sequence = static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
    record.packet_id = static_cast<std::uint16_t>(sqlite3_column_int(s, 1));
    record.type = static_cast<codec::PacketType>(sqlite3_column_int(s, 2));
    auto bytes = std::make_shared<codec::Buffer>();
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s, 3));
    if (size != 0) {
      bytes->append(
          codec::ByteView{static_cast<const std::uint8_t*>(sqlite3_column_blob(s, 3)), size});
    }
    record.bytes = std::move(bytes);
    last_put_ = std::max(last_put_, record.sequence);
    records.push_back(std::move(record));
  }
  sqlite3_reset(s);
  durable_ = std::max(durable_, last_put_);
  return records;
}

std::error_code SqliteStore::put_inbound(std::uint16_t packet_id) {
  // The session calls sync() before the PUBRECs of a batch of ids go out (one commit per
  // batch): a kept id suppresses a copy sent again before the broker had our PUBREC.
  if (grouped()) return enqueue({Change::Kind::put_inbound, {}, packet_id}, false);
  return write_one({Change::Kind::put_inbound, {}, packet_id}, false);
}

std::error_code SqliteStore::erase_inbound(std::uint16_t packet_id) {
  if (grouped()) return enqueue({Change::Kind::erase_inbound, {}, packet_id}, false);
  return write_one({Change::Kind::erase_inbound, {}, packet_id}, false);
}

std::error_code SqliteStore::clear_inbound() {
  if (grouped()) return enqueue({Change::Kind::clear_inbound, {}, 0}, false);
  return write_one({Change::Kind::clear_inbound, {}, 0}, false);
}

std::vector<std::uint16_t> SqliteStore::load_inbound() {
  (void)flush();
  std::lock_guard lock(mutex_);
  std::vector<std::uint16_t> ids;
  sqlite3_stmt* s = statements_->load_inbound;
  while (sqlite3_step(s) == SQLITE_ROW)
    ids.push_back(static_cast<std::uint16_t>(sqlite3_column_int(s, 0)));
  sqlite3_reset(s);
  return ids;
}

std::error_code SqliteStore::flush() {
  if (!grouped()) {
    std::lock_guard lock(mutex_);
    if (auto error = commit_locked()) return error;
    return std::exchange(lost_, {});
  }
  std::unique_lock queue(queue_mutex_);
  const std::uint64_t ticket = queued_count_;
  if (written_count_ < ticket) {
    urgent_ = true;
    queued_.notify_one();
    written_.wait(queue, [&] { return written_count_ >= ticket; });
  }
  return std::exchange(failure_, {});
}

std::uint64_t SqliteStore::durable_through() const {
  std::lock_guard lock(mutex_);
  return durable_;
}

std::uint64_t SqliteStore::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

void SqliteStore::flusher() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    wake_.wait(lock, [&] { return closing_ || pending_ != 0; });
    if (closing_) break;
    // Changes wait at most one interval for their commit.
    wake_.wait_for(lock, options_.group_interval, [&] { return closing_ || pending_ == 0; });
    if (pending_ == 0 || closing_) continue;
    (void)commit_locked();  // a failure is met again, and reported, by the next change
  }
}

std::error_code SqliteStore::enqueue(Change&& change, bool wait) {
  std::unique_lock queue(queue_mutex_);
  if (failure_) return std::exchange(failure_, {});
  // Bounded: a disk slower than the publisher makes the publisher wait here.
  const std::size_t limit = 4 * options_.group_messages;
  if (queue_.size() >= limit) {
    urgent_ = true;
    queued_.notify_one();
    written_.wait(queue, [&] { return queue_.size() < limit; });
  }
  queue_.push_back(std::move(change));
  const std::uint64_t ticket = ++queued_count_;
  if (wait) urgent_ = true;
  if (wait || queue_.size() == 1 || queue_.size() >= options_.group_messages) queued_.notify_one();
  if (!wait) return {};
  written_.wait(queue, [&] { return written_count_ >= ticket; });
  return std::exchange(failure_, {});
}

void SqliteStore::group_flusher() {
  std::unique_lock queue(queue_mutex_);
  for (;;) {
    queued_.wait(queue, [&] { return closing_queue_ || !queue_.empty(); });
    if (queue_.empty()) break;  // closing, and everything written
    // A change waits at most one interval; a full batch or a waiting caller goes at once.
    queued_.wait_for(queue, options_.group_interval, [&] {
      return closing_queue_ || urgent_ || queue_.size() >= options_.group_messages;
    });
    std::vector<Change> batch = std::move(spare_);
    batch.swap(queue_);
    const std::uint64_t through = queued_count_;
    urgent_ = false;
    written_.notify_all();  // room in the queue
    queue.unlock();
    const std::error_code error = write_batch(batch);
    batch.clear();
    queue.lock();
    spare_ = std::move(batch);
    if (error && !failure_) failure_ = error;
    written_count_ = through;
    written_.notify_all();
  }
}

std::error_code SqliteStore::write_batch(const std::vector<Change>& batch) {
  std::lock_guard lock(mutex_);
  std::error_code error = begin_locked();
  std::uint64_t highest = last_put_;
  for (const Change& change : batch) {
    if (error) break;
    error = apply_locked(change);
    if (change.kind == Change::Kind::put) highest = std::max(highest, change.record.sequence);
  }
  if (!error) {
    last_put_ = highest;
    return commit_locked();
  }
  // A batch is all or nothing: what it wrote before the failure goes too (its callers hear of
  // the failure through failure_, so nothing is noted for flush()).
  if (in_transaction_ && !sqlite3_get_autocommit(db_)) (void)exec(db_, "ROLLBACK");
  in_transaction_ = false;
  pending_ = 0;
  return error;
}

std::error_code SqliteStore::write_one(const Change& change, bool commit_now) {
  std::lock_guard lock(mutex_);
  if (auto error = begin_locked()) return error;
  if (auto error = apply_locked(change)) return error;
  if (change.kind == Change::Kind::put) last_put_ = std::max(last_put_, change.record.sequence);
  return changed_locked(commit_now);
}

std::error_code SqliteStore::apply_locked(const Change& change) {
  Statements& s = *statements_;
  const Record& r = change.record;
  auto bind_record = [&](sqlite3_stmt* statement) {
    sqlite3_bind_int64(statement, 1, static_cast<sqlite3_int64>(r.sequence));
    sqlite3_bind_int(statement, 2, r.packet_id);
    sqlite3_bind_int(statement, 3, static_cast<int>(r.type));
    if (r.bytes) {
      sqlite3_bind_blob(statement, 4, r.bytes->data(), static_cast<int>(r.bytes->size()),
                        SQLITE_STATIC);
    } else {
      sqlite3_bind_zeroblob(statement, 4, 0);
    }
    return run_locked(statement);
  };
  switch (change.kind) {
    case Change::Kind::put:
      return bind_record(s.insert);
    case Change::Kind::update:
      return bind_record(s.update);
    case Change::Kind::erase:
      sqlite3_bind_int64(s.erase, 1, static_cast<sqlite3_int64>(r.sequence));
      return run_locked(s.erase);
    case Change::Kind::clear:
      return run_locked(s.clear);
    case Change::Kind::put_inbound:
      sqlite3_bind_int(s.put_inbound, 1, change.packet_id);
      return run_locked(s.put_inbound);
    case Change::Kind::erase_inbound:
      sqlite3_bind_int(s.erase_inbound, 1, change.packet_id);
      return run_locked(s.erase_inbound);
    case Change::Kind::clear_inbound:
      return run_locked(s.clear_inbound);
  }
  return {};
}

}  // namespace portmqtt::store
