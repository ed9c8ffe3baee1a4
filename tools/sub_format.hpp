// Output of `portmqtt sub`: payload only, -v ("topic payload"), or -F with mosquitto_sub's
// %, @ and \ sequences.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "portmqtt/event.hpp"

namespace portmqtt::tools {

struct OutputOptions {
  std::string format;  ///< -F; empty: payload only or verbose
  bool verbose = false;
  bool end_of_line = true;  ///< false with -N
  bool pretty = false;      ///< --pretty: indented JSON for %j / %J
};

/// The text printed for one message (with the end-of-line unless -N). `now` is the arrival
/// time used by time codes (%I, %U, %j, @...).
std::string render_message(const OutputOptions& options, const MessageReceived& message,
                           const std::timespec& now);

/// Checks a -F format for unknown sequences; returns an error text or empty.
std::string check_format(std::string_view format);

}  // namespace portmqtt::tools
