// The command-line parsing of the tools: arbitrary argument lists through the connection
// options (CLI11 + make_plan: repeated -h and -L broker lists, --proxy, -D properties, TLS
// flags, versions, ids), -L and --proxy URLs alone, and topic filters. Whatever the input, the
// only way out is a result or a UsageError/CLI11 error (put in mosquitto's words); anything
// else escaping is a crash.
// The input is the arguments separated by NUL bytes. Run:
//   fuzz_options corpus/options -dict=options.dict -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "options.hpp"
#include "proxy_url.hpp"
#include "topics.hpp"
#include "url.hpp"
#include "usage_words.hpp"

namespace {

using namespace portmqtt;
using namespace portmqtt::tools;

std::vector<std::string> split_arguments(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{""};
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0)
      args.emplace_back();
    else
      args.back().push_back(static_cast<char>(data[i]));
  }
  return args;
}

// make_plan reads the files that --cafile, --cert and --key name: keep the fuzzer away from
// device files that never end.
bool names_special_files(const std::vector<std::string>& args) {
  for (const auto& arg : args)
    if (arg.find("/dev") != std::string::npos || arg.find("/proc") != std::string::npos ||
        arg.find("/sys") != std::string::npos)
      return true;
  return false;
}

void parse_connection_options(const std::vector<std::string>& args) {
  CLI::App app{"fuzz"};
  ConnectionOptions options;
  options.quiet = true;
  add_connection_options(app, options);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
  try {
    app.parse(reversed);
    options.quiet = true;  // no warnings on stderr while fuzzing
    (void)make_plan(options, "fuzz");
  } catch (const CLI::ParseError& error) {
    (void)usage_message(error, app);  // mosquitto's words for it: must not fail either
  } catch (const CLI::Error&) {
  } catch (const UsageError&) {
  }
}

void parse_url_alone(const std::string& text) {
  try {
    const auto parts = parse_url(text);
    if (parts.host.empty() || parts.port < 0 || parts.port > 65535) std::abort();
  } catch (const UsageError&) {
  }
}

// A proxy URL that parses is usable and means the same once written for the library.
void parse_proxy_alone(const std::string& text) {
  try {
    const auto proxy = parse_proxy_url(text);
    if (proxy.host.empty() || proxy.port < 1 || proxy.port > 65535) std::abort();
    const auto again = parse_proxy_url(proxy_uri(proxy));
    if (again.scheme != proxy.scheme || again.host != proxy.host || again.port != proxy.port ||
        again.username != proxy.username || again.password != proxy.password)
      std::abort();
  } catch (const UsageError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto args = split_arguments(data, size);
  if (!names_special_files(args)) parse_connection_options(args);
  parse_url_alone(args.front());
  parse_proxy_alone(args.front());
  if (valid_filter(args.front()) && args.size() > 1) (void)topic_matches(args[0], args[1]);
  return 0;
}
