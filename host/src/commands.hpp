// The subcommands of the `liouville` executable. Each returns the process exit
// code: 0 success, 1 a failure while running, 2 a bad config or bad arguments,
// 3 a plugin the config needs could not be loaded.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace liouville::host {

enum ExitCode : int { kSuccess = 0, kRunFailure = 1, kBadInput = 2, kPluginFailure = 3 };

struct ConfigArguments {
  std::filesystem::path config;
  std::vector<std::string> overrides;  // --set key.path=value
};

struct TrainArguments {
  ConfigArguments config;                       // with --resume: no file, only the overrides
  std::optional<std::filesystem::path> out;     // default runs/<config stem>, or the resumed run folder
  std::optional<std::filesystem::path> resume;  // a run folder or checkpoint to continue
  long stop_after = 0;  // stop at the first checkpoint after this many iterations; 0 = run to the end
};

// A trained model: a run folder or a checkpoint file.
struct ModelArguments {
  std::filesystem::path target;
  bool json = false;
  std::optional<long> threads;  // --threads: overrides the config's `threads` (results do not depend on it)
};

int train(const TrainArguments& arguments);
int validate(const ConfigArguments& arguments);
int print_config(const ConfigArguments& arguments);
int evaluate(const ModelArguments& arguments);
int sample(const ModelArguments& arguments, long n, const std::optional<std::filesystem::path>& out);
int density(const ModelArguments& arguments, long points, std::optional<std::vector<double>> range,
            const std::optional<std::filesystem::path>& out);
// Renders RUN_DIR/plots again, or recomputes them (--recompute, or none kept).
int plot(const std::filesystem::path& run, bool recompute);
int list_plugins(const std::vector<std::filesystem::path>& extra, bool markdown);
int describe_plugin(const std::vector<std::filesystem::path>& extra, const std::string& name);

}  // namespace liouville::host
