// README blocks marked <!-- snippet: client_body -->: statements that use a portmqtt::Client
// named client. Adds the client (default configuration) and main() around them; the program is
// compiled and linked, not run.
#include <chrono>
#include <cstdio>
#include <future>
#include <string>

#include "portmqtt/client.hpp"
// @includes

int main() {
  portmqtt::Client client{portmqtt::Config{}};
  // @body
}
