// Paths and helpers shared by the loader tests.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {

inline std::filesystem::path loader_test_dir() { return LIOUVILLE_LOADER_TEST_DIR; }
inline std::filesystem::path good_plugin() { return loader_test_dir() / "good" / "liouville_loader_test_good.so"; }
inline std::filesystem::path broken_plugin(const std::string& name) {
  return loader_test_dir() / "broken" / ("liouville_loader_test_" + name + ".so");
}
inline std::filesystem::path misbehaving_plugin() {
  return loader_test_dir() / "misbehaving" / "liouville_loader_test_misbehaving.so";
}

// A fresh folder for files a test writes, writable by its owner only (rwxr-xr-x).
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::path(LIOUVILLE_BINARY_DIR) / "tests" / "loader" / "scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  using std::filesystem::perms;
  std::filesystem::permissions(
      dir, perms::owner_all | perms::group_read | perms::group_exec | perms::others_read | perms::others_exec);
  return dir;
}

// The message of the PluginError that loading `path` throws ("" if none is thrown).
inline std::string load_error(Registry& registry, const std::filesystem::path& path) {
  try {
    registry.load_library(path);
  } catch (const PluginError& error) {
    return error.what();
  }
  return "";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace liouville::testing
