// Per-client patterns of `portmqtt bench`: the topic (-t) and the client id (-i) may name the
// client, so that a fleet spreads over topics and every client has its own id.
//
//   %i  the client's index (from --start-number, default 0)
//   %c  the client id (topics only)
//   %u  the user name (-u), empty without one
//   %p  the process id
//   %%  a percent sign
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portmqtt::tools {

/// What the sequences stand for, for one client.
struct PatternValues {
  std::uint64_t index = 0;
  std::string_view client_id;
  std::string_view username;
  std::uint64_t pid = 0;
};

/// Replaces the sequences of `pattern`. `allowed` lists the letters the pattern may use (for
/// example "iup" for client ids); any other `%x` throws UsageError naming `flag`.
std::string expand_pattern(std::string_view pattern, const PatternValues& values,
                           std::string_view allowed, const char* flag);

/// True when `pattern` uses `%<letter>`.
bool pattern_uses(std::string_view pattern, char letter);

}  // namespace portmqtt::tools
