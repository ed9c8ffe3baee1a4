#include "usage_words.hpp"

#include <array>
#include <string_view>

namespace portmqtt::tools {

namespace {

// What mosquitto's tools call the value each option takes, and the name they give the option
// in "<name> argument given but no <value> specified.". Keyed by the first name of our option
// (its short name when it has one).
struct MissingValue {
  std::string_view option;
  std::string_view shown_as;
  std::string_view value;
};

constexpr std::array kMissingValues{
    MissingValue{"-A", "-A", "address"},
    MissingValue{"-C", "-C", "count"},
    MissingValue{"-e", "-e", "response topic"},
    MissingValue{"-f", "-f", "file"},
    MissingValue{"-F", "-F", "format"},
    MissingValue{"-h", "-h", "host"},
    MissingValue{"-i", "-i", "id"},
    MissingValue{"-I", "-I", "id prefix"},
    MissingValue{"-k", "-k", "keepalive"},
    MissingValue{"-L", "-L", "URL"},
    MissingValue{"-m", "-m", "message"},
    MissingValue{"-p", "-p", "port"},
    MissingValue{"-P", "-P", "password"},
    MissingValue{"-q", "-q", "QoS"},
    MissingValue{"-t", "-t", "topic"},
    MissingValue{"-T", "-T", "topic filter"},
    MissingValue{"-u", "-u", "username"},
    MissingValue{"-U", "-U", "unsubscribe topic"},
    MissingValue{"-V", "--protocol-version", "version"},
    MissingValue{"-W", "-W", "timeout"},
    MissingValue{"-x", "-x", "session expiry interval"},
    MissingValue{"--cafile", "--cafile", "file"},
    MissingValue{"--capath", "--capath", "directory"},
    MissingValue{"--cert", "--cert", "file"},
    MissingValue{"--ciphers", "--ciphers", "ciphers"},
    MissingValue{"--key", "--key", "file"},
    MissingValue{"--keyform", "--keyform", "keyform"},
    MissingValue{"--tls-alpn", "--tls-alpn", "protocol"},
    MissingValue{"--tls-version", "--tls-version", "version"},
    MissingValue{"--proxy", "--proxy", "proxy url"},
    MissingValue{"--psk", "--psk", "key"},
    MissingValue{"--psk-identity", "--psk-identity", "identity"},
    MissingValue{"--will-payload", "--will-payload", "will payload"},
    MissingValue{"--will-qos", "--will-qos", "will QoS"},
    MissingValue{"--will-topic", "--will-topic", "will topic"},
    MissingValue{"--unix", "--unix", "socket path"},
    MissingValue{"--repeat", "--repeat", "count"},
    MissingValue{"--repeat-delay", "--repeat-delay", "time"},
};

// The option CLI11 names at the start of its message ("--topic: 1 required TEXT missing").
const CLI::Option* named_option(const std::string& message, const CLI::App& app) {
  const auto colon = message.find(':');
  if (colon == std::string::npos || colon == 0) return nullptr;
  return app.get_option_no_throw(message.substr(0, colon));
}

// The name mosquitto's tables would use for `option`: "-t" rather than "--topic".
std::string first_name(const CLI::Option& option) {
  if (!option.get_snames().empty()) return "-" + option.get_snames().front();
  if (!option.get_lnames().empty()) return "--" + option.get_lnames().front();
  return option.get_name();
}

std::string missing_value(const CLI::Option& option) {
  const std::string name = first_name(option);
  // Both end in an empty line, as mosquitto's do.
  if (name == "-D") return "--property argument given but not enough arguments specified.\n";
  if (name == "-M") return "-M argument given but max_inflight not specified.\n";
  for (const auto& entry : kMissingValues)
    if (entry.option == name)
      return std::string(entry.shown_as) + " argument given but no " + std::string(entry.value) +
             " specified.\n";
  return name + " argument given but no value specified.\n";
}

// The first argument that no option took. CLI11 keeps them in the order given.
std::string first_extra(const CLI::App& app, const std::string& message) {
  const auto extras = app.remaining();
  if (!extras.empty()) return extras.front();
  // CLI11 lists them last first in its message.
  const auto space = message.find_last_of(' ');
  return space == std::string::npos ? message : message.substr(space + 1);
}

}  // namespace

std::string usage_message(const CLI::ParseError& error, const CLI::App& app) {
  const std::string message = error.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr)
    return "Unknown option '" + first_extra(app, message) + "'.";
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr &&
      message.find(" missing") != std::string::npos) {
    if (const auto* option = named_option(message, app)) return missing_value(*option);
  }
  return message;
}

void take_last_of_repeated_options(CLI::App& app) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

}  // namespace portmqtt::tools
