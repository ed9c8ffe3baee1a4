// Where a message payload comes from: a file (-f) or all of stdin (-s).
#pragma once

#include <string>

namespace portmqtt::tools {

/// The whole file; throws UsageError ("Unable to open file ...") when it cannot be read.
std::string read_file_payload(const std::string& path);

/// All of stdin, up to end of file.
std::string read_stdin_payload();

}  // namespace portmqtt::tools
