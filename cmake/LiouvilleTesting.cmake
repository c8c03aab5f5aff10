# liouville_add_test_suite(<suite> <sources>...): one doctest executable run by CTest,
# with the built plugin folder and the source tree passed in as definitions.
include_guard(GLOBAL)

function(liouville_add_test_suite suite)
  set(target "test_${suite}")
  add_executable(${target} ${ARGN} "${PROJECT_SOURCE_DIR}/tests/testing/doctest_main.cpp")
  target_link_libraries(${target} PRIVATE liouville_testing)
  target_compile_definitions(${target} PRIVATE
    LIOUVILLE_TEST_PLUGIN_DIR="${LIOUVILLE_PLUGIN_OUTPUT_DIRECTORY}"
    LIOUVILLE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    LIOUVILLE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_dependencies(${target} liouville_plugins)
  add_test(NAME ${suite} COMMAND ${target})
endfunction()
