# The installable library and its package files.
#
# Inside the build every layer is its own static library (src/*/CMakeLists.txt). What users
# install is one library, libportmqtt, holding all of them, plus the headers of both front
# doors, a CMake package (portmqtt::portmqtt, portmqtt::esp) and portmqtt.pc.
#
# Shared by default (PORTMQTT_SHARED): Asio, Beast, Boost.URL and OpenSSL are implementation
# details of the transport and runtime, and a shared library keeps them so. The public headers
# include only the standard library, the exported symbols are just the public C++ API and the
# ESP C functions (portmqtt.map), and an application neither needs Boost or OpenSSL headers
# nor links them itself. The SONAME lets a distribution ship ABI-compatible fixes without
# rebuilding applications. PORTMQTT_SHARED=OFF builds one static archive instead, for
# applications that want a single self-contained binary; its dependencies then reach the
# application through find_dependency() in portmqttConfig.cmake and Libs.private in
# portmqtt.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(portmqtt_layers portmqtt_codec portmqtt_session portmqtt_store portmqtt_transport
    portmqtt_client portmqtt_esp)

if(PORTMQTT_SHARED)
  add_library(portmqtt SHARED)
else()
  add_library(portmqtt STATIC)
endif()
# The name find_package(portmqtt) gives, for projects that add portmqtt's source tree with
# add_subdirectory() or FetchContent.
add_library(portmqtt::portmqtt ALIAS portmqtt)
# The layers' objects, not their archives: a shared library must contain every public
# function whether or not another object of the library calls it.
foreach(layer ${portmqtt_layers})
  target_sources(portmqtt PRIVATE $<TARGET_OBJECTS:${layer}>)
endforeach()
find_package(Boost 1.81 REQUIRED COMPONENTS url)
find_package(OpenSSL 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
target_link_libraries(portmqtt PRIVATE Boost::url OpenSSL::SSL OpenSSL::Crypto SQLite::SQLite3
                                       Threads::Threads)
target_include_directories(portmqtt PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# The public headers use <span>, std::any and designated initialisers.
target_compile_features(portmqtt PUBLIC cxx_std_20)

# Before 1.0 any minor release may change the ABI, so the SONAME carries major.minor
# (libportmqtt.so.0.1); from 1.0 on only the major number.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(portmqtt_soversion ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(portmqtt_soversion ${PROJECT_VERSION_MAJOR})
endif()
set_target_properties(portmqtt PROPERTIES
  VERSION ${PROJECT_VERSION}
  SOVERSION ${portmqtt_soversion}
  EXPORT_NAME portmqtt
  # Built from object files only, so CMake cannot infer the language. It is C++: a C program
  # linking the static archive through the CMake package then links with the C++ driver.
  LINKER_LANGUAGE CXX)
if(PORTMQTT_SHARED)
  # The version script lists what is exported; everything else (the layers below the C++
  # API, Asio and Boost instantiations) stays inside. --no-undefined proves that the library
  # names every library it uses.
  set(portmqtt_map ${CMAKE_CURRENT_LIST_DIR}/portmqtt.map)
  target_link_options(portmqtt PRIVATE "LINKER:--version-script=${portmqtt_map}"
                      "LINKER:--no-undefined")
  set_target_properties(portmqtt PROPERTIES LINK_DEPENDS ${portmqtt_map})
endif()

# portmqtt::esp: the ESP-MQTT headers (mqtt_client.h and the esp_*.h it needs) on the include
# path, so that ESP-IDF code includes them unchanged.
add_library(portmqtt_esp_api INTERFACE)
set_target_properties(portmqtt_esp_api PROPERTIES EXPORT_NAME esp)
target_include_directories(portmqtt_esp_api INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include/esp>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/portmqtt/esp>)
target_link_libraries(portmqtt_esp_api INTERFACE portmqtt)

# --- install ---------------------------------------------------------------------------------
set(portmqtt_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/portmqtt)
set(portmqtt_pkgconfig_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(TARGETS portmqtt portmqtt_esp_api EXPORT portmqttTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/portmqtt/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/portmqtt COMPONENT development
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/esp/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/portmqtt/esp COMPONENT development
        FILES_MATCHING PATTERN "*.h")
install(EXPORT portmqttTargets NAMESPACE portmqtt:: DESTINATION ${portmqtt_cmake_dir}
        COMPONENT development)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/portmqttConfig.cmake.in
  ${PROJECT_BINARY_DIR}/portmqttConfig.cmake INSTALL_DESTINATION ${portmqtt_cmake_dir})
# 0.x: only the same minor version is compatible (see the SONAME above).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(portmqtt_compatibility SameMinorVersion)
else()
  set(portmqtt_compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/portmqttConfigVersion.cmake
  COMPATIBILITY ${portmqtt_compatibility})
install(FILES ${PROJECT_BINARY_DIR}/portmqttConfig.cmake
              ${PROJECT_BINARY_DIR}/portmqttConfigVersion.cmake
        DESTINATION ${portmqtt_cmake_dir} COMPONENT development)

# portmqtt.pc finds its prefix relative to its own place, so an installed tree can be moved
# (or installed with `cmake --install --prefix`) and still work.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(portmqtt_pc_prefix ${CMAKE_INSTALL_PREFIX})
  set(portmqtt_pc_libdir ${CMAKE_INSTALL_FULL_LIBDIR})
  set(portmqtt_pc_includedir ${CMAKE_INSTALL_FULL_INCLUDEDIR})
else()
  file(RELATIVE_PATH portmqtt_pc_up /${portmqtt_pkgconfig_dir} /)
  string(REGEX REPLACE "/$" "" portmqtt_pc_up "${portmqtt_pc_up}")
  set(portmqtt_pc_prefix "\${pcfiledir}/${portmqtt_pc_up}")
  set(portmqtt_pc_libdir "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(portmqtt_pc_includedir "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
if(PORTMQTT_SHARED)
  # libportmqtt.so records its own dependencies (DT_NEEDED).
  set(portmqtt_pc_private "")
else()
  # The archive's users link what its objects use: OpenSSL, SQLite, Boost.URL, the C++ runtime.
  string(CONCAT portmqtt_pc_private "Requires.private: libssl >= 3, libcrypto >= 3, sqlite3\n"
                "Libs.private: -lboost_url -lstdc++ -lm -pthread")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/portmqtt.pc.in ${PROJECT_BINARY_DIR}/portmqtt.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/portmqtt.pc DESTINATION ${portmqtt_pkgconfig_dir}
        COMPONENT development)

# The optional ESP-IDF platform layer (portmqtt::idf, portmqtt-idf.pc), component "idf".
include(PortmqttIdfPackage)
