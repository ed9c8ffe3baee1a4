/**
 * \file
 * portmqtt's version, for C and C++.
 *
 * The numbers below are the one place the version is written: CMakeLists.txt reads them for
 * project(), the SONAME, the CMake package and portmqtt.pc.
 *
 * Versioning rules (semantic versioning): a PATCH release fixes bugs and keeps the ABI; a
 * MINOR release adds API and keeps the ABI from 1.0 on; a MAJOR release may change both.
 * Before 1.0 the ABI may change with any MINOR release, so the SONAME carries MAJOR.MINOR
 * (libportmqtt.so.0.1); from 1.0 on it carries MAJOR alone.
 *
 * The macros tell what a program was compiled against; portmqtt_version() (and
 * portmqtt::version() in C++) tell which library it runs with.
 */
#ifndef PORTMQTT_VERSION_H
#define PORTMQTT_VERSION_H

#define PORTMQTT_VERSION_MAJOR 0
#define PORTMQTT_VERSION_MINOR 2
#define PORTMQTT_VERSION_PATCH 0
#define PORTMQTT_VERSION_STRING "0.2.0"

/** The version as one comparable number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define PORTMQTT_VERSION_NUMBER \
  (PORTMQTT_VERSION_MAJOR * 10000 + PORTMQTT_VERSION_MINOR * 100 + PORTMQTT_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/** The version of the library the program runs with, as "MAJOR.MINOR.PATCH". */
const char* portmqtt_version(void);

/** The same as PORTMQTT_VERSION_NUMBER, for the library the program runs with. */
int portmqtt_version_number(void);

#ifdef __cplusplus
}  // extern "C"

#include <string_view>

namespace portmqtt {

/** The version of the library the program runs with, as "MAJOR.MINOR.PATCH". */
inline std::string_view version() noexcept {
  return ::portmqtt_version();
}

}  // namespace portmqtt
#endif

#endif  // PORTMQTT_VERSION_H
