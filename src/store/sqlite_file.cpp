#include "store/sqlite_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "store/errc.hpp"

namespace portmqtt::store::detail {

int lock_file(const std::string& path, std::error_code& error, std::string& why) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = errc::cannot_open;
    why = std::strerror(errno);
    return -1;
  }
  // flock locks are independent of the POSIX record locks SQLite takes on the same file.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int cause = errno;
    ::close(fd);
    error = cause == EWOULDBLOCK ? errc::locked : errc::cannot_open;
    why = cause == EWOULDBLOCK ? "in use by another process (flock held)" : std::strerror(cause);
    return -1;
  }
  return fd;
}

void unlock_file(int fd) {
  if (fd >= 0) ::close(fd);
}

bool is_empty_file(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && st.st_size == 0;
}

bool has_sqlite_header(int fd) {
  static constexpr char kMagic[16] = "SQLite format 3";  // with its NUL: 16 bytes
  std::array<char, 16> head{};
  return ::pread(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()) &&
         std::memcmp(head.data(), kMagic, head.size()) == 0;
}

std::string set_aside(const std::string& path, std::string& why) {
  const std::string target = path + ".unusable";
  if (std::rename(path.c_str(), target.c_str()) != 0) {
    why = std::string("cannot rename it to ") + target + ": " + std::strerror(errno);
    return {};
  }
  // The journal files belong to the old database: keep the WAL with it, drop the index.
  (void)std::rename((path + "-wal").c_str(), (target + "-wal").c_str());
  (void)std::remove((path + "-shm").c_str());
  return target;
}

}  // namespace portmqtt::store::detail
