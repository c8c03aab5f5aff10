// Atomic writes: the target holds the new bytes, and temporaries left by
// killed writers are cleared, never those of a live one.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "atomic_file.hpp"
#include "cli_support.hpp"

using namespace liouville::test;

namespace {

// The pid of a process that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return pid;
}

void touch(const std::filesystem::path& path) { std::ofstream(path) << "partial"; }

}  // namespace

TEST_CASE("an atomic write replaces the file and removes temporaries of dead writers only") {
  const auto folder = scratch("atomic_file");
  const auto target = folder / "checkpoint.safetensors";
  const auto stale = folder / (".checkpoint.safetensors.tmp." + std::to_string(dead_pid()) + ".abc123");
  const auto live = folder / (".checkpoint.safetensors.tmp." + std::to_string(::getpid()) + ".def456");
  const auto other = folder / (".metrics.csv.tmp." + std::to_string(dead_pid()) + ".ghi789");
  touch(stale);
  touch(live);
  touch(other);

  liouville::host::write_file_atomically(target, "first");
  liouville::host::write_file_atomically(target, "second");

  CHECK(slurp(target) == "second");
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(live));   // a writer still running
  CHECK(std::filesystem::exists(other));  // another file's temporary
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++files;
  CHECK(files == 3);  // target, live, other: no temporary of this writer left
}
