// Output of `portmqtt sub`: payload only, -v ("topic payload"), or -F with mosquitto_sub's
// %, @ and \ sequences.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "portmqtt/event.hpp"

namespace portmqtt::tools {

struct OutputOptions {
  std::optional<std::string> format;  ///< -F (an empty one prints just the end of line)
  bool verbose = false;
  bool end_of_line = true;  ///< false with -N
  bool pretty = false;      ///< --pretty: indented JSON for %j / %J
};

/// The text printed for one message (with the end-of-line unless -N). As in mosquitto_sub, an
/// empty payload prints nothing without -F, and "<topic> (null)" with -v unless -N. `now` is the
/// arrival time used by time codes (%I, %U, %j, @...). Messages for stderr (a %J payload that is
/// not JSON) are appended to `errors`.
std::string render_message(const OutputOptions& options, const MessageReceived& message,
                           const std::timespec& now, std::string& errors);

/// Checks a -F format for unknown or unfinished sequences; returns an error text or empty.
std::string check_format(std::string_view format);

}  // namespace portmqtt::tools
