// CLI11's parse errors in the words of mosquitto_pub / mosquitto_sub / mosquitto_rr, so that a
// script that reads their messages reads ours the same way.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace portmqtt::tools {

/// The message (without "Error: ") for a parse error of subcommand `app`, as mosquitto's tools
/// word it: "Unknown option '-z'." for an argument no option takes, "-t argument given but no
/// topic specified." plus an empty line for an option without its value. Other errors keep
/// CLI11's text.
std::string usage_message(const CLI::ParseError& error, const CLI::App& app);

/// Makes every option of `app` added after this call take the last of repeated values, as
/// mosquitto's tools do (`-p 1 -p 2` connects to port 2); list options still collect them all.
void take_last_of_repeated_options(CLI::App& app);

}  // namespace portmqtt::tools
