# liouville_add_plugin(<name> SOURCES <src>... [VERSION <v>] [OUTPUT_DIRECTORY <dir>] [NO_INSTALL])
#
# Builds a plugin library: a MODULE library with hidden visibility that links only
# the plugin SDK, plus a generated translation unit holding the library's one
# versioned entry point (liouville_plugin_entry_v1). Works in the Liouville tree
# and out of tree after find_package(Liouville).
include_guard(GLOBAL)

set(_LIOUVILLE_ENTRY_TEMPLATE "${CMAKE_CURRENT_LIST_DIR}/plugin_entry.cpp.in")

function(liouville_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_INSTALL" "VERSION;OUTPUT_DIRECTORY" "SOURCES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "liouville_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT ARG_VERSION)
    set(ARG_VERSION "${PROJECT_VERSION}")
  endif()
  set(LIOUVILLE_PLUGIN_NAME "${name}")
  set(LIOUVILLE_PLUGIN_VERSION "${ARG_VERSION}")
  set(entry "${CMAKE_CURRENT_BINARY_DIR}/${name}_plugin_entry.cpp")
  configure_file("${_LIOUVILLE_ENTRY_TEMPLATE}" "${entry}" @ONLY)

  add_library(${name} MODULE ${ARG_SOURCES} "${entry}")
  target_link_libraries(${name} PRIVATE Liouville::plugin_sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX "liouville_"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_features(${name} PRIVATE cxx_std_20)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED LIOUVILLE_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${LIOUVILLE_PLUGIN_OUTPUT_DIRECTORY}")
  endif()
  # The loader refuses a plugin that group or others can write, whatever the umask.
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND chmod go-w "$<TARGET_FILE:${name}>" "$<TARGET_FILE_DIR:${name}>" VERBATIM)
  if(NOT ARG_NO_INSTALL AND DEFINED LIOUVILLE_PLUGIN_SUBDIR)
    set_target_properties(${name} PROPERTIES INSTALL_RPATH "$ORIGIN/../..")
    install(TARGETS ${name} LIBRARY DESTINATION "${LIOUVILLE_PLUGIN_SUBDIR}" COMPONENT plugins)
  endif()
  if(TARGET liouville_plugins)
    add_dependencies(liouville_plugins ${name})
  endif()
endfunction()
