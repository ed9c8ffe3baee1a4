// README blocks marked <!-- snippet: designated_config -->: statements that fill a
// portmqtt::Config named config with designated initialisers (and may use it). As the README
// says, g++'s -Wextra warns about every field such an initialiser leaves out; that one warning
// is silenced here, every other stays an error.
#include <cstdio>

#include "portmqtt/client.hpp"
// @includes

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

int main() {
  // @body
  (void)config;
}
