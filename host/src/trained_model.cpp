#include "trained_model.hpp"

#include "checkpoint.hpp"
#include "exact_trace.hpp"
#include "experiment_schema.hpp"
#include "liouville/core/errors.hpp"
#include "resume.hpp"

namespace liouville::host {

std::filesystem::path checkpoint_path(const std::filesystem::path& run_folder) {
  return run_folder / "checkpoint.safetensors";
}

namespace {

// The standardization fitted at training time, when the checkpoint holds one.
std::shared_ptr<const Standardization> stored_standardization(const Checkpoint& checkpoint,
                                                              const std::filesystem::path& path) {
  auto mean = checkpoint.tensors.find(kStandardizationMean);
  auto scale = checkpoint.tensors.find(kStandardizationScale);
  if (mean == checkpoint.tensors.end() && scale == checkpoint.tensors.end()) return nullptr;
  if (mean == checkpoint.tensors.end() || scale == checkpoint.tensors.end() || mean->second.cols() != 1 ||
      scale->second.cols() != 1)
    throw DataError("checkpoint '" + path.string() + "': the standardization needs both " + kStandardizationMean +
                    " and " + kStandardizationScale + " as column vectors");
  try {
    return std::make_shared<Standardization>(mean->second.col(0), scale->second.col(0));
  } catch (const ConfigError& error) {
    throw DataError("checkpoint '" + path.string() + "': " + error.what());
  }
}

}  // namespace

void load_trained_model(const std::filesystem::path& target, TrainedModel& model, std::optional<long> threads) {
  model.checkpoint = std::filesystem::is_directory(target) ? checkpoint_path(target) : target;
  if (!std::filesystem::exists(model.checkpoint))
    throw DataError("no checkpoint at '" + model.checkpoint.string() +
                    "' (train first, or pass a checkpoint file)");
  const Checkpoint checkpoint = read_checkpoint(model.checkpoint);
  auto config = checkpoint.metadata.find("config");
  if (config == checkpoint.metadata.end())
    throw DataError("checkpoint '" + model.checkpoint.string() + "': no config in its metadata");
  ConfigDocument document = ConfigDocument::from_string(config->second, model.checkpoint.string() + "#config");
  if (threads) document.apply_override("threads=" + std::to_string(*threads));
  Params params = validate(document, model.registry);
  check_plugin_versions(checkpoint, model.checkpoint, model.registry);
  const std::vector<std::string> stochastic = inexact_trace_paths(params, experiment_schema(), model.registry);
  if (!stochastic.empty()) {
    for (const std::string& path : stochastic) document.apply_override(path + "={type: exact}");
    params = validate(document, model.registry);
  }
  model.experiment =
      build_experiment(params, model.registry, stored_standardization(checkpoint, model.checkpoint));
  restore_parameters(checkpoint, model.checkpoint, *model.experiment.parameters);
}

}  // namespace liouville::host
