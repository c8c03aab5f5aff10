#include "plots/gnuplot.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace liouville::host {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits for `pid`; after the time limit kills it. Returns the wait status, or nothing on timeout.
std::optional<int> wait_with_limit(pid_t pid, double timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return status;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::optional<std::filesystem::path> find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream folders(path);
  for (std::string folder; std::getline(folders, folder, ':');) {
    if (folder.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(folder) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) return candidate;
  }
  return std::nullopt;
}

GnuplotRun run_gnuplot(const std::filesystem::path& gnuplot, const std::filesystem::path& script,
                       double timeout_seconds) {
  const std::filesystem::path folder = std::filesystem::absolute(script).parent_path();
  const std::string script_name = script.filename().string();
  const std::string log_name = script.stem().string() + ".log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, folder.c_str());
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_name.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> words = {gnuplot.string(), script_name};
  std::vector<char*> argv = {words[0].data(), words[1].data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, gnuplot.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return {false, "cannot start " + gnuplot.string() + ": " + std::strerror(spawned)};

  const std::optional<int> status = wait_with_limit(pid, timeout_seconds);
  const std::string messages = read_text(folder / log_name);
  const std::string detail = messages.empty() ? std::string() : ":\n" + messages;
  if (!status)
    return {false, "gnuplot " + script_name + " took longer than " + std::to_string(timeout_seconds) +
                       " s and was stopped" + detail};
  if (WIFSIGNALED(*status))
    return {false,
            "gnuplot " + script_name + " was killed by signal " + std::to_string(WTERMSIG(*status)) + detail};
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
    return {false,
            "gnuplot " + script_name + " exited with status " + std::to_string(WEXITSTATUS(*status)) + detail};
  std::filesystem::remove(folder / log_name);
  return {true, {}};
}

}  // namespace liouville::host
