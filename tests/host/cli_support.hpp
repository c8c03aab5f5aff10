// Running the built `liouville` executable from a test: exit code, stdout and
// stderr, and scratch folders. (Outside namespace liouville, so that test_cli.cpp
// can call its runner `liouville(...)`.)
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cli_support {

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// An empty folder liouville_cli_<name> in the temporary folder.
inline std::filesystem::path scratch(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() / ("liouville_cli_" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// Runs `liouville ARGS` with an optional environment prefix.
inline Result run(const std::string& arguments, const std::string& environment = "") {
  const auto folder = std::filesystem::temp_directory_path();
  const auto out = folder / "liouville_cli_stdout.txt";
  const auto err = folder / "liouville_cli_stderr.txt";
  const std::string command = environment + " '" LIOUVILLE_EXECUTABLE "' " + arguments + " >'" + out.string() +
                              "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

// Writes `text` to `name` in a fresh scratch folder "configs".
inline std::filesystem::path write_config(const std::string& name, const std::string& text) {
  const auto path = scratch("configs") / name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace cli_support
