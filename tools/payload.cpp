#include "payload.hpp"

#include <cstdio>
#include <iostream>
#include <iterator>

#include "options.hpp"

namespace portmqtt::tools {

std::string read_file_payload(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw UsageError("Unable to open file \"" + path + "\".");
  std::string payload;
  char buffer[65536];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    payload.append(buffer, got);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw UsageError("Unable to read file \"" + path + "\".");
  return payload;
}

std::string read_stdin_payload() {
  return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

}  // namespace portmqtt::tools
