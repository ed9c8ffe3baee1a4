// The library's version, compiled in so that a program can tell which library it runs with.
#include "portmqtt/version.h"

extern "C" const char* portmqtt_version(void) {
  return PORTMQTT_VERSION_STRING;
}

extern "C" int portmqtt_version_number(void) {
  return PORTMQTT_VERSION_NUMBER;
}
