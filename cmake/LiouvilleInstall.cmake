# Install: bin/liouville, the plugin folder, the SDK headers, the conformance kit
# headers and the CMake package `Liouville` (targets core, registry, plugin_sdk, testing).
include(CMakePackageConfigHelpers)

install(TARGETS liouville_core liouville_registry liouville_plugin_sdk
  EXPORT LiouvilleTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY core/include/ registry/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET liouville_testing)
  install(TARGETS liouville_testing EXPORT LiouvilleTargets)
  install(DIRECTORY tests/testing/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()

set(LIOUVILLE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/Liouville")
install(EXPORT LiouvilleTargets NAMESPACE Liouville:: DESTINATION "${LIOUVILLE_CMAKE_DIR}")
configure_package_config_file(cmake/LiouvilleConfig.cmake.in
  "${PROJECT_BINARY_DIR}/LiouvilleConfig.cmake" INSTALL_DESTINATION "${LIOUVILLE_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/LiouvilleConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/LiouvilleConfig.cmake" "${PROJECT_BINARY_DIR}/LiouvilleConfigVersion.cmake"
  cmake/LiouvilleAddPlugin.cmake cmake/plugin_entry.cpp.in DESTINATION "${LIOUVILLE_CMAKE_DIR}")
