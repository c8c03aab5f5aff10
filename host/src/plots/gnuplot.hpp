// Running gnuplot on a script: found on PATH, started with posix_spawn in the
// script's folder (scripts name their data files relative to it), waited for
// with a time limit. Its messages go to `<script>.log` beside the script.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace liouville::host {

// The first executable `name` in the folders of $PATH.
std::optional<std::filesystem::path> find_on_path(const std::string& name);

struct GnuplotRun {
  bool ok = false;
  std::string error;  // why it failed: exit status, signal, time limit, with gnuplot's messages
};

// Runs `gnuplot SCRIPT` in the script's folder; kills it after `timeout_seconds`.
GnuplotRun run_gnuplot(const std::filesystem::path& gnuplot, const std::filesystem::path& script,
                       double timeout_seconds);

}  // namespace liouville::host
