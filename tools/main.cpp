// portmqtt: command-line MQTT client (pub, sub) and load generator (bench).
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "options.hpp"
#include "tool_client.hpp"

namespace {

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

int usage_error(const CLI::App& app, const std::string& message) {
  const auto name = chosen_name(app);
  std::fprintf(stderr, "Error: %s\nUse 'portmqtt%s%s --help' to see usage.\n", message.c_str(),
               name.empty() ? "" : " ", name.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"portmqtt: publish, subscribe and benchmark MQTT 3.1/3.1.1/5.0 brokers."};
  app.name("portmqtt");
  app.set_help_flag("--help", "Print this help and exit.");
  app.require_subcommand(1);
  std::function<int()> run;
  portmqtt::tools::add_pub_command(app, run);
  portmqtt::tools::add_sub_command(app, run);
  portmqtt::tools::add_bench_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::Normal).c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    return usage_error(app, error.what());
  } catch (const portmqtt::tools::UsageError& error) {
    return usage_error(app, error.what());
  }
  portmqtt::tools::install_interrupt_handlers();
  try {
    return run ? run() : 0;
  } catch (const portmqtt::tools::UsageError& error) {
    return usage_error(app, error.what());
  }
}
