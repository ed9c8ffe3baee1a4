# Installs the ESP-IDF platform layer (src/idf) with libportmqtt, in the CPack component
# "idf": the libraries, include/idf as <includedir>/portmqtt/idf, portmqtt-idf.pc, and the
# target portmqtt::idf in the same CMake package. The targets have their own export file
# (portmqttIdfTargets.cmake, component idf) that portmqttConfig.cmake includes when it is
# installed, so that the runtime and development components stay complete without it.
# Included by PortmqttPackage.cmake.
if(NOT TARGET portmqtt_idf)
  return()
endif()

# Versioned as libportmqtt, whose ABI it follows.
set_target_properties(portmqtt_idf PROPERTIES VERSION ${PROJECT_VERSION}
                                              SOVERSION ${portmqtt_soversion})
target_include_directories(portmqtt_idf PUBLIC
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/portmqtt/idf>)

install(TARGETS portmqtt_idf portmqtt_idf_main portmqtt_idf_api EXPORT portmqttIdfTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT idf_runtime NAMELINK_COMPONENT idf
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT idf)
install(EXPORT portmqttIdfTargets NAMESPACE portmqtt:: DESTINATION ${portmqtt_cmake_dir}
        COMPONENT idf)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/idf/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/portmqtt/idf COMPONENT idf
        FILES_MATCHING PATTERN "*.h")

if(PORTMQTT_SHARED)
  set(portmqtt_idf_pc_private "")
else()
  set(portmqtt_idf_pc_private "Libs.private: -lstdc++ -pthread")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/portmqtt-idf.pc.in ${PROJECT_BINARY_DIR}/portmqtt-idf.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/portmqtt-idf.pc DESTINATION ${portmqtt_pkgconfig_dir}
        COMPONENT idf)
