// The training state in a checkpoint, for `liouville train --resume`.
//
// Metadata (all strings): "stage" is the 0-based stage to run next and
// "iteration" its completed iterations (0: the stage has not started);
// "resume.metrics_rows", "resume.nfe" and "resume.seconds" let metrics.csv and
// its counters continue; "plugins" (JSON: library -> version) and "build_tag"
// name the plugin libraries that wrote it. Inside a stage, "state.*" tensors
// (values that must come back bit for bit, so also 1x1 scalars) and
// "resume.*" integers hold the StageProgress:
//   state.optimizer.<name>, state.optimizer_scalar.<name>   OptimizerState
//   state.objective.order, state.objective.nll_sum          batch order, epoch NLL
//   state.trainer.best_validation_nll, state.trainer.best_theta
//   resume.optimizer, resume.rng_key, resume.rng_counter, resume.cursor,
//   resume.nll_count, resume.epochs, resume.best_epoch, resume.epochs_without_improvement
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint.hpp"
#include "liouville/core/trainer.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::host {

// Where training stands when a checkpoint is written.
struct RunPosition {
  std::size_t stage = 0;                  // the stage to run next; the stage count when all are done
  std::optional<StageProgress> progress;  // set inside a stage
  long metrics_rows = 0;                  // rows of metrics.csv so far
  long function_evaluations = 0;          // of the last metrics row
  double seconds = 0;                     // of the last metrics row
};

struct CheckpointContents {
  std::map<std::string, std::string> metadata;
  std::map<std::string, Matrix> tensors;  // "state.*" only
};

// `optimizer` names the stage's optimizer (the key of its state tensors).
CheckpointContents describe_position(const RunPosition& position, const std::string& optimizer);

// Reads the position back; `stages` are the run's stages. Throws DataError naming
// the file and the entry that is missing or does not fit.
RunPosition read_position(const Checkpoint& checkpoint, const std::filesystem::path& path,
                          const std::vector<TrainingStage>& stages);

// The first `rows` rows of a metrics.csv written by the resumed run (cells as
// written). Throws DataError when the file is missing, has another header or
// fewer rows.
std::vector<std::vector<std::string>> read_metrics_rows(const std::filesystem::path& path,
                                                        const std::vector<std::string>& header, long rows);

// "plugins" and "build_tag" metadata for the libraries loaded in `registry`.
std::map<std::string, std::string> plugin_metadata(const Registry& registry);

// Throws DataError when a library the checkpoint names is loaded with another
// version, or the build tag differs. Checkpoints without this metadata pass.
void check_plugin_versions(const Checkpoint& checkpoint, const std::filesystem::path& path,
                           const Registry& registry);

}  // namespace liouville::host
