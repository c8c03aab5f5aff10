// Running the built `liouville` executable from tests: exit code, stdout, stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace liouville::test {

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

inline std::filesystem::path scratch(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() / ("liouville_cli_" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// Runs `liouville ARGS` with an optional environment prefix.
inline Result run_cli(const std::string& arguments, const std::string& environment = "") {
  const auto folder = std::filesystem::temp_directory_path();
  const std::string id = std::to_string(::getpid());  // test processes may run side by side
  const auto out = folder / ("liouville_cli_stdout_" + id + ".txt");
  const auto err = folder / ("liouville_cli_stderr_" + id + ".txt");
  const std::string command = environment + " '" LIOUVILLE_EXECUTABLE "' " + arguments + " >'" + out.string() +
                              "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

inline std::filesystem::path write_config(const std::string& name, const std::string& text) {
  const auto folder = std::filesystem::temp_directory_path() / "liouville_cli_configs";
  std::filesystem::create_directories(folder);
  const auto path = folder / name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace liouville::test
