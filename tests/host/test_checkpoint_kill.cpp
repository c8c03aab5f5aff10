// A training run killed (SIGKILL) at random instants while it writes a
// checkpoint every iteration: the checkpoint under the final name always loads,
// and the next run resumes from it.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "checkpoint.hpp"
#include "cli_support.hpp"

using namespace liouville::test;

namespace {

const std::string kLongConfig = R"(liouville: 1
seed: 6
data: {type: two_moons, n: 400}
model:
  flow: [{type: planar}, {type: planar}]
train:
  batch_size: 50
  checkpoint_every: 1
  log_every: 100000
  stages:
    - optimizer: {type: adam, learning_rate: 1.0e-3}
      iterations: 1000000
eval: {n: 200, samples: 10}
)";

// Starts `liouville ARGS...` with its output discarded.
pid_t start(const std::vector<std::string>& arguments) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(LIOUVILLE_EXECUTABLE)};
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(LIOUVILLE_EXECUTABLE, argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

TEST_CASE("a run killed at 20 random instants always leaves a checkpoint that loads and resumes") {
  const auto config = write_config("kill.yaml", kLongConfig);
  const auto run = scratch("kill");
  const auto checkpoint = run / "checkpoint.safetensors";
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> delay_ms(30, 400);
  long last_iteration = 0;
  int resumed = 0;
  for (int kill = 0; kill < 20; ++kill) {
    const bool has_checkpoint = std::filesystem::exists(checkpoint);
    const pid_t pid = has_checkpoint ? start({"train", "--resume", run.string()})
                                     : start({"train", config.string(), "--out", run.string()});
    resumed += has_checkpoint;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    REQUIRE(::kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    // Killed, not finished (a million iterations) and not failed.
    CHECK_MESSAGE(WIFSIGNALED(status), "attempt " << kill << " exited with " << WEXITSTATUS(status));
    if (!std::filesystem::exists(checkpoint)) continue;  // killed before its first checkpoint

    const liouville::host::Checkpoint loaded = liouville::host::read_checkpoint(checkpoint);
    const long iteration = std::stol(loaded.metadata.at("iteration"));
    CHECK(iteration >= last_iteration);  // a resumed run never goes back
    last_iteration = iteration;
    const Result eval = run_cli("eval '" + run.string() + "'");
    CHECK_MESSAGE(eval.code == 0, "attempt " << kill << ": " << eval.err);
  }
  CHECK(last_iteration > 0);
  CHECK(resumed >= 10);
  // Only whole files carry the final names; a kill inside a write may leave a
  // temporary (".checkpoint.safetensors.tmp.PID.XXXXXX"), never a partial file under the final name.
  const auto is_temporary = [](const std::string& name) {
    return name.starts_with(".") && name.find(".tmp.") != std::string::npos;
  };
  for (const auto& entry : std::filesystem::directory_iterator(run)) {
    const std::string name = entry.path().filename().string();
    CHECK_MESSAGE((is_temporary(name) || name == "checkpoint.safetensors" || name == "metrics.csv" ||
                   name == "config.yaml" || name == "resolved.yaml"),
                  name);
  }
  // The next run that writes clears the temporaries of the killed ones.
  const Result finished = run_cli("train --resume '" + run.string() + "' --stop-after 1");
  REQUIRE_MESSAGE(finished.code == 0, finished.err);
  for (const auto& entry : std::filesystem::directory_iterator(run))
    CHECK_MESSAGE(!is_temporary(entry.path().filename().string()), entry.path());
}
