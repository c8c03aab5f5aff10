// Rebuilding a trained experiment from its checkpoint alone: the checkpoint's
// metadata holds the config, so no config file is needed. Stochastic trace
// estimators are replaced by the exact trace, so evaluation is deterministic.
#pragma once

#include <filesystem>
#include <optional>

#include "experiment.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::host {

// The checkpoint tensors of the model's fitted standardization (model.standardize).
inline constexpr const char* kStandardizationMean = "fixed.standardization.mean";
inline constexpr const char* kStandardizationScale = "fixed.standardization.scale";

struct TrainedModel {
  Registry registry;  // declared first: the objects below pin its libraries
  Experiment experiment;
  std::filesystem::path checkpoint;
};

// `target` is a run folder (its checkpoint.safetensors) or a checkpoint file;
// `threads`, when given, replaces the config's. Throws DataError, ConfigErrors
// or PluginError.
void load_trained_model(const std::filesystem::path& target, TrainedModel& model,
                        std::optional<long> threads = std::nullopt);

std::filesystem::path checkpoint_path(const std::filesystem::path& run_folder);

}  // namespace liouville::host
