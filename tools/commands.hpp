// The subcommands of the `portmqtt` program. Each registers itself on the top-level CLI11 app
// and, when chosen, stores the function that runs it (returning the exit code).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace portmqtt::tools {

void add_pub_command(CLI::App& parent, std::function<int()>& run);
void add_sub_command(CLI::App& parent, std::function<int()>& run);
void add_rr_command(CLI::App& parent, std::function<int()>& run);
void add_bench_command(CLI::App& parent, std::function<int()>& run);

}  // namespace portmqtt::tools
