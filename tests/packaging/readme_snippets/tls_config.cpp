// README block marked <!-- snippet: tls_config --> ("TLS and WebSocket", C++): statements that
// fill a portmqtt::Config named config from certificate files. Adds the read_file() helper the
// block calls, and hands the Config to a Client.
#include <fstream>
#include <iterator>
#include <string>

#include "portmqtt/client.hpp"
// @includes

namespace {
std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

int main() {
  // @body
  portmqtt::Client client{config};
}
