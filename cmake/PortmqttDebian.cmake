# Debian packages of portmqtt, made by CPack from the install() rules' components:
#
#   component    package                 contents
#   runtime      libportmqtt<SONAME ver>  the shared library (libportmqtt.so.0.2)
#   development  libportmqtt-dev          headers, libportmqtt.so, CMake package, portmqtt.pc
#   tools        portmqtt-tools           the portmqtt program and its man pages
#   idf_runtime  libportmqtt-idf<ver>     the ESP-IDF platform layer's shared library
#   idf          portmqtt-idf             the optional ESP-IDF platform layer (src/idf): its
#                                         headers, libportmqtt_idf.so, main() archive, CMake
#                                         and pkg-config files
#
#   cmake --build build && (cd build && cpack -G DEB)
#
# Packages are made only for components that have install rules, so a component that the
# build leaves out (no tool, no platform layer) simply has no package. Dependencies on shared
# libraries come from dpkg-shlibdeps; each package carries the Debian copyright file and a
# changelog. Use a Release build (and dpkg-buildflags' hardening flags) for packages that
# are published; tests/packaging/run_deb_test checks the packages with lintian.
set(PORTMQTT_PACKAGE_MAINTAINER "portmqtt maintainers <maintainers@portmqtt.invalid>"
    CACHE STRING "Maintainer field of the Debian packages: \"Name <address>\"")

set(portmqtt_deb_release 1)
set(portmqtt_deb_version ${PROJECT_VERSION}-${portmqtt_deb_release})
# The runtime package is named after the SONAME's version (Debian policy 8.1).
set(portmqtt_deb_runtime libportmqtt${portmqtt_soversion})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME portmqtt)
set(CPACK_PACKAGE_VENDOR "the portmqtt authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each component's description below starts with its own summary line. CPackDeb puts
# CPACK_PACKAGE_DESCRIPTION_SUMMARY in front of it unless the summary is CPack's default, so
# it is left at that default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${portmqtt_deb_release})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PORTMQTT_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SOURCE portmqtt)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps must find libportmqtt.so in the package being built (portmqtt-idf links it).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR})

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${portmqtt_deb_runtime})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# shlibs tells dpkg-shlibdeps of applications which package provides the SONAME (any later
# release with the same SONAME is ABI-compatible); the ldconfig trigger updates the linker
# cache. Written here rather than by CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS, which calls
# ldconfig from maintainer scripts, which Debian replaced by the trigger. (CPack still adds
# ldconfig calls to postinst and postrm for a library under /usr/lib; with the trigger they
# are redundant and harmless. Empty scripts of our own would stop them, and lintian flags
# empty scripts as well.)
set(portmqtt_deb_control ${PROJECT_BINARY_DIR}/debian/runtime)
file(WRITE ${portmqtt_deb_control}/shlibs
     "libportmqtt ${portmqtt_soversion} ${portmqtt_deb_runtime} (>= ${PROJECT_VERSION})\n")
file(WRITE ${portmqtt_deb_control}/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${portmqtt_deb_control}/shlibs
    ${portmqtt_deb_control}/triggers)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# First line: the summary; the rest: the long description (lines under 80 columns).
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "MQTT 3.1/3.1.1/5.0 client library with the ESP-MQTT API
portmqtt is an MQTT client library for Linux written in C++20. It
offers a modern C++ API and ESP-IDF's ESP-MQTT C API (mqtt_client.h),
so that code written for ESP-IDF compiles unchanged, over one protocol
core. It speaks MQTT over TCP, TLS, WebSocket and secure WebSocket.
.
This package contains the shared library.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libportmqtt-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "${portmqtt_deb_runtime} (= ${portmqtt_deb_version})")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "MQTT client library with the ESP-MQTT API - development files
portmqtt is an MQTT client library for Linux written in C++20. It
offers a modern C++ API and ESP-IDF's ESP-MQTT C API (mqtt_client.h),
so that code written for ESP-IDF compiles unchanged, over one protocol
core.
.
This package contains the headers of both APIs, the CMake package
(find_package(portmqtt)) and the pkg-config file.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME portmqtt-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION "MQTT publish, subscribe and benchmark tool
portmqtt is one program with the subcommands pub, sub, rr and bench.
pub and sub take the options of mosquitto_pub and mosquitto_sub with
the same meanings and exit codes; bench drives many clients from one
event loop and reports rates and latencies. MQTT 3.1, 3.1.1 and 5.0
over TCP, TLS, WebSocket and secure WebSocket.")

# The platform layer's shared library in a package named after its SONAME, with its own shlibs
# and ldconfig trigger, as the main library's; portmqtt-idf holds what builds against it.
set(portmqtt_deb_idf_runtime libportmqtt-idf${portmqtt_soversion})
set(CPACK_DEBIAN_IDF_RUNTIME_PACKAGE_NAME ${portmqtt_deb_idf_runtime})
set(CPACK_DEBIAN_IDF_RUNTIME_PACKAGE_SECTION libs)
set(portmqtt_deb_idf_control ${PROJECT_BINARY_DIR}/debian/idf_runtime)
file(WRITE ${portmqtt_deb_idf_control}/shlibs
     "libportmqtt_idf ${portmqtt_soversion} ${portmqtt_deb_idf_runtime} (>= ${PROJECT_VERSION})\n")
file(WRITE ${portmqtt_deb_idf_control}/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_IDF_RUNTIME_PACKAGE_CONTROL_EXTRA ${portmqtt_deb_idf_control}/shlibs
    ${portmqtt_deb_idf_control}/triggers)
set(CPACK_DEBIAN_IDF_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_IDF_RUNTIME_DESCRIPTION "ESP-IDF platform layer for portmqtt - shared library
FreeRTOS tasks, queues and semaphores on POSIX threads, nvs_flash,
esp_netif, esp_system and example_connect(), so that ESP-IDF MQTT
applications run on Linux with portmqtt.
.
This package contains the shared library.")

set(CPACK_DEBIAN_IDF_PACKAGE_NAME portmqtt-idf)
set(CPACK_DEBIAN_IDF_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_IDF_PACKAGE_DEPENDS
    "libportmqtt-dev (= ${portmqtt_deb_version}), ${portmqtt_deb_idf_runtime} (= ${portmqtt_deb_version})")
set(CPACK_DEBIAN_IDF_DESCRIPTION "ESP-IDF platform layer for portmqtt
The ESP-IDF headers that MQTT applications include besides
mqtt_client.h (FreeRTOS tasks, queues and semaphores on POSIX threads,
nvs_flash, esp_netif, esp_system, example_connect() and an app_main
runner), so that ESP-IDF MQTT applications build and run on Linux with
portmqtt.")

# Packages only for the components this build installs, in this order.
get_cmake_property(portmqtt_installed_components COMPONENTS)
set(CPACK_COMPONENTS_ALL "")
foreach(component runtime development tools idf_runtime idf)
  if(component IN_LIST portmqtt_installed_components)
    list(APPEND CPACK_COMPONENTS_ALL ${component})
  endif()
endforeach()

# /usr/share/doc/PACKAGE/{copyright,changelog.Debian.gz} in every package. EXCLUDE_FROM_ALL:
# only a component install (as CPack does) puts them in, not a plain `cmake --install`.
string(TIMESTAMP portmqtt_deb_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in
               ${PROJECT_BINARY_DIR}/debian/changelog.Debian @ONLY)
execute_process(COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/debian/changelog.Debian
                RESULT_VARIABLE portmqtt_gzip_result)
if(NOT portmqtt_gzip_result EQUAL 0)
  message(WARNING "portmqtt: gzip failed, the Debian packages will lack their changelog")
endif()
foreach(component ${CPACK_COMPONENTS_ALL})
  string(TOUPPER ${component} upper)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright
                ${PROJECT_BINARY_DIR}/debian/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${CPACK_DEBIAN_${upper}_PACKAGE_NAME}
          COMPONENT ${component} EXCLUDE_FROM_ALL)
endforeach()

include(CPack)
