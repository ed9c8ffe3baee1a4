// Child processes for tests: own process group, output to files, waits with timeouts.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace portmqtt::test {

class Process {
 public:
  /// Starts argv[0] (an absolute path) with stdout and stderr sent to the given files
  /// (stdin from /dev/null, or from `stdin_file` when set).
  Process(std::vector<std::string> argv, const std::filesystem::path& stdout_file,
          const std::filesystem::path& stderr_file,
          const std::optional<std::filesystem::path>& stdin_file = std::nullopt);
  /// Kills the process group (SIGKILL) if the process still runs, and reaps it.
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  /// Waits for exit; the exit status (or 128+signal), or nothing on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// Sends `signal` to the process (not the group).
  void signal(int signal);
  bool running();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// Reads a whole file (binary).
std::string read_file(const std::filesystem::path& path);
/// Writes a whole file (binary).
void write_file(const std::filesystem::path& path, std::string_view bytes);
/// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace portmqtt::test
