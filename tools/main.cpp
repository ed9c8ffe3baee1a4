// portmqtt: command-line MQTT client (pub, sub, rr) and load generator (bench).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.hpp"
#include "options.hpp"
#include "portmqtt/log.hpp"
#include "portmqtt/version.h"
#include "tool_client.hpp"
#include "usage_words.hpp"

namespace {

// The innermost subcommand the user typed ("bench pub" gives pub's), or `app` itself.
const CLI::App& chosen_command(const CLI::App& app) {
  const CLI::App* chosen = &app;
  while (!chosen->get_subcommands().empty())
    chosen = chosen->get_subcommands().front();
  return *chosen;
}

// The subcommand the user typed, for the usage hint after an error.
std::string chosen_name(const CLI::App& app) {
  for (const auto* sub : app.get_subcommands()) {
    std::string name = sub->get_name();
    for (const auto* inner : sub->get_subcommands())
      name += " " + inner->get_name();
    return name;
  }
  return "";
}

// As mosquitto's tools: the error, an empty line, and where to find the usage.
int usage_error(const CLI::App& app, const std::string& message, bool hint = true) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  if (!hint) return 1;
  const auto name = chosen_name(app);
  std::fprintf(stderr, "\nUse 'portmqtt%s%s --help' to see usage.\n", name.empty() ? "" : " ",
               name.c_str());
  return 1;
}

// Names of the subcommands, "pub, sub, rr or bench".
std::string subcommand_names(CLI::App& app) {
  const auto all = app.get_subcommands([](CLI::App*) { return true; });
  std::string names;
  for (std::size_t i = 0; i < all.size(); ++i)
    names += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + all[i]->get_name();
  return names;
}

// What the first argument asks for before CLI11 sees it: the version, the usage, or a
// subcommand that does not exist. -1 when CLI11 should parse.
int handle_first_argument(CLI::App& app, int argc, char** argv) {
  if (argc < 2) {
    std::fputs(app.help("", CLI::AppFormatMode::Normal).c_str(), stderr);
    return 1;
  }
  const std::string first = argv[1];
  if (first == "--version") {
    std::printf("portmqtt %s\n", std::string(portmqtt::version()).c_str());
    return 0;
  }
  if (first.empty() || first[0] == '-') return -1;
  if (app.get_subcommands([&](CLI::App* sub) { return sub->check_name(first); }).empty()) {
    std::fprintf(stderr,
                 "Error: unknown subcommand %s (use %s).\n\nUse 'portmqtt --help' to see usage.\n",
                 first.c_str(), subcommand_names(app).c_str());
    return 1;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  // The commands report failures in their own words (as mosquitto_pub does); the library's
  // default log lines on stderr would repeat them.
  portmqtt::set_log_level(portmqtt::LogLevel::none);
  CLI::App app{"portmqtt: publish, subscribe, request and benchmark MQTT 3.1/3.1.1/5.0 brokers."};
  app.name("portmqtt");
  app.set_help_flag("--help", "Print this help and exit.");
  bool show_version = false;  // handled before parsing; declared for --help
  app.add_flag("--version", show_version, "Print the version (portmqtt X.Y.Z) and exit.");
  app.require_subcommand(1);
  std::function<int()> run;
  portmqtt::tools::add_pub_command(app, run);
  portmqtt::tools::add_sub_command(app, run);
  portmqtt::tools::add_rr_command(app, run);
  portmqtt::tools::add_bench_command(app, run);
  // Nothing the user types may end in an uncaught exception: every failure below is a message
  // and an exit code.
  try {
    if (const int code = handle_first_argument(app, argc, argv); code >= 0) return code;
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      std::fputs(app.help("", CLI::AppFormatMode::Normal).c_str(), stdout);
      return 0;
    } catch (const CLI::ParseError& error) {
      if (error.get_exit_code() == 0) return app.exit(error);
      return usage_error(app, portmqtt::tools::usage_message(error, chosen_command(app)));
    } catch (const portmqtt::tools::UsageError& error) {
      return usage_error(app, error.what(), error.hint);
    }
    portmqtt::tools::install_interrupt_handlers();
    try {
      return run ? run() : 0;
    } catch (const portmqtt::tools::UsageError& error) {
      return usage_error(app, error.what(), error.hint);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "Error: %s\n", error.what());
    return 1;
  }
}
