// What /proc/self/status says about this process: the idle-memory peers report it before
// their clients exist and once they are connected and idle.
#pragma once

#include <cstdio>

namespace portmqtt::bench {

/// One numeric field of /proc/self/status (`pattern` as for sscanf, e.g. "VmRSS: %ld kB"),
/// or -1 when it cannot be read.
inline long process_status_field(const char* pattern) {
  long value = -1;
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f) != nullptr) {
      if (std::sscanf(line, pattern, &value) == 1) break;
    }
    std::fclose(f);
  }
  return value;
}

/// The resident set (VmRSS) in KiB.
inline long resident_kib() {
  return process_status_field("VmRSS: %ld kB");
}

/// The anonymous part of the resident set (RssAnon) in KiB: heap, stacks and other private
/// memory, without the pages of program and library code that the first connection touches.
inline long resident_anonymous_kib() {
  return process_status_field("RssAnon: %ld kB");
}

/// The number of threads of this process (the entries of /proc/self/task).
inline long thread_count() {
  return process_status_field("Threads: %ld");
}

}  // namespace portmqtt::bench
