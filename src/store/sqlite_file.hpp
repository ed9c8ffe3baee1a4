// The file under an SQLite store, seen without SQLite: the exclusive lock and setting an
// unusable file aside.
#pragma once

#include <string>
#include <system_error>

namespace portmqtt::store::detail {

/// Opens (creating it when absent) and locks `path` with flock(LOCK_EX | LOCK_NB). Returns the
/// descriptor that holds the lock, or -1 with errc::locked / cannot_open and a reason.
int lock_file(const std::string& path, std::error_code& error, std::string& why);
/// Releases the lock (closes the descriptor).
void unlock_file(int fd);
/// Whether the file is empty (a store to create).
bool is_empty_file(int fd);
/// Whether the file starts with the SQLite header ("SQLite format 3\0").
bool has_sqlite_header(int fd);
/// Renames `path` (and its -wal file) to `<path>.unusable`, removing a stale -shm. Returns the
/// new name, or an empty string with `why` set.
std::string set_aside(const std::string& path, std::string& why);

}  // namespace portmqtt::store::detail
