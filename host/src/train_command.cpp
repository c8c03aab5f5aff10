// `liouville train CONFIG`: builds the pipeline, runs its stages with a progress
// line, and writes the run folder (config, resolved config, checkpoint after
// every stage and every train.checkpoint_every iterations, metrics.csv,
// samples.csv, plots/). `liouville train --resume RUN` continues from a checkpoint.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "atomic_file.hpp"
#include "checkpoint.hpp"
#include "commands.hpp"
#include "config_loading.hpp"
#include "experiment.hpp"
#include "experiment_schema.hpp"
#include "liouville/core/io/csv.hpp"
#include "plots/plots.hpp"
#include "progress.hpp"
#include "resume.hpp"
#include "trained_model.hpp"

namespace liouville::host {
namespace {

std::string optional_number(Scalar value) { return std::isnan(value) ? std::string() : io::format_number(value); }

// One row per iteration; train_nll and val_nll are filled on an epoch's last
// iteration. half_sq_norm and logdet are Glow's two loss parts (seed 003);
// penalty is the flow's regularization (ffjord's RNODE terms), part of loss, not of nll.
std::vector<std::string> metrics_row(const IterationRecord& record) {
  const EpochRecord epoch = record.epoch_end.value_or(EpochRecord{0, kNotAvailable});
  return {std::to_string(record.stage + 1),
          record.stage_name,
          std::to_string(record.iteration),
          std::to_string(record.epoch),
          io::format_number(record.loss),
          io::format_number(record.terms.nll),
          io::format_number(record.terms.half_squared_norm),
          io::format_number(record.terms.logdet),
          io::format_number(record.gradient_norm),
          io::format_number(record.learning_rate_factor),
          std::to_string(record.function_evaluations),
          io::format_number(record.seconds),
          optional_number(epoch.train_nll),
          optional_number(epoch.validation_nll),
          io::format_number(record.terms.penalty)};
}

const std::vector<std::string> kMetricsHeader = {"stage", "optimizer",    "iteration", "epoch",     "loss",
                                                 "nll",   "half_sq_norm", "logdet",    "grad_norm", "lr_factor",
                                                 "nfe",   "seconds",      "train_nll", "val_nll",   "penalty"};

// Thrown past the trainer (it is no liouville::Error) once --stop-after is reached.
struct StopRequested {};

std::map<std::string, Matrix> fixed_tensors(const Experiment& experiment) {
  if (!experiment.standardization) return {};
  return {{kStandardizationMean, experiment.standardization->mean()},
          {kStandardizationScale, experiment.standardization->scale()}};
}

int stopped(const std::filesystem::path& out, long iterations) {
  std::printf("stopped after %ld iterations (--stop-after); continue with: liouville train --resume %s\n",
              iterations, out.string().c_str());
  return kSuccess;
}

}  // namespace

int train(const TrainArguments& arguments) {
  Registry registry;
  std::optional<Checkpoint> resumed;
  std::filesystem::path resumed_path;
  if (arguments.resume) {
    resumed_path =
        std::filesystem::is_directory(*arguments.resume) ? checkpoint_path(*arguments.resume) : *arguments.resume;
    resumed = read_checkpoint(resumed_path);
  }
  auto read_config = [&] {
    if (!resumed) return ConfigDocument::from_file(arguments.config.config);
    auto config = resumed->metadata.find("config");
    if (config == resumed->metadata.end())
      throw DataError("checkpoint '" + resumed_path.string() + "': no config in its metadata");
    return ConfigDocument::from_string(config->second, resumed_path.string() + "#config");
  };
  std::optional<LoadedConfig> loaded = load_config(read_config, arguments.config.overrides, registry);
  if (!loaded) return kBadInput;
  const std::filesystem::path out = arguments.out.value_or(
      resumed ? resumed_path.parent_path() : std::filesystem::path("runs") / arguments.config.config.stem());
  if (!out.empty()) std::filesystem::create_directories(out);

  Experiment experiment = build_experiment(loaded->params, registry);
  RunPosition position;
  std::vector<std::vector<std::string>> metrics;
  if (resumed) {
    check_plugin_versions(*resumed, resumed_path, registry);
    restore_parameters(*resumed, resumed_path, *experiment.parameters);
    position = read_position(*resumed, resumed_path, experiment.stages);
    metrics = read_metrics_rows(resumed_path.parent_path() / "metrics.csv", kMetricsHeader, position.metrics_rows);
  }
  write_file_atomically(out / "config.yaml", loaded->document.to_yaml());
  write_file_atomically(out / "resolved.yaml", to_yaml(loaded->params, experiment_schema(), registry));
  const std::string source = resumed ? resumed_path.string() : arguments.config.config.string();
  std::printf("liouville train: %s%s -> %s (%ld parameters, %ld training points, %ld validation, dim %ld)\n",
              resumed ? "resuming " : "", source.c_str(), out.string().c_str(),
              static_cast<long>(experiment.parameters->size()), static_cast<long>(experiment.training_data.cols()),
              static_cast<long>(experiment.validation_data.cols()), static_cast<long>(experiment.dataset->dim()));
  if (position.progress)
    std::printf("resuming stage %zu at iteration %ld\n", position.stage + 1, position.progress->iteration);

  Progress progress(stdout, stdout_is_terminal(), loaded->params.child("train").get_int("log_every"),
                    experiment.stages.size());
  const long resumed_evaluations = position.function_evaluations;
  const double resumed_seconds = position.seconds;
  long iterations_run = 0;
  auto observer = [&](IterationRecord record) {
    ++iterations_run;
    record.function_evaluations += resumed_evaluations;
    record.seconds += resumed_seconds;
    position.function_evaluations = record.function_evaluations;
    position.seconds = record.seconds;
    metrics.push_back(metrics_row(record));
    progress.report(record, experiment.stages[record.stage].iterations);
  };

  const std::string config_text = loaded->document.to_yaml();
  const std::map<std::string, std::string> plugins = plugin_metadata(registry);
  auto write_metrics = [&] {
    write_file_atomically(out / "metrics.csv", io::table_to_csv(kMetricsHeader, metrics));
  };
  // metrics.csv first: the checkpoint names how many of its rows it covers.
  // Returns whether --stop-after asks to stop here.
  auto save = [&] {
    write_metrics();
    position.metrics_rows = static_cast<long>(metrics.size());
    const std::string optimizer =
        position.stage < experiment.stages.size() ? experiment.stages[position.stage].name : "";
    CheckpointContents contents = describe_position(position, optimizer);
    contents.metadata["config"] = config_text;
    contents.metadata.insert(plugins.begin(), plugins.end());
    std::map<std::string, Matrix> tensors = fixed_tensors(experiment);
    tensors.merge(contents.tensors);
    save_checkpoint(checkpoint_path(out), *experiment.parameters, contents.metadata, tensors);
    return arguments.stop_after > 0 && iterations_run >= arguments.stop_after;
  };

  Trainer trainer(*experiment.model, *experiment.parameters, experiment.training_data, experiment.validation_data,
                  experiment.seed);
  trainer.checkpoint_every(loaded->params.child("train").get_int("checkpoint_every"),
                           [&](std::size_t stage, const StageProgress& stage_progress) {
                             position.stage = stage;
                             position.progress = stage_progress;
                             if (save()) throw StopRequested{};
                           });
  for (std::size_t s = position.stage; s < experiment.stages.size(); ++s) {
    // Stages run one at a time so a checkpoint lands after each.
    const std::optional<StageProgress> resume = std::move(position.progress);
    position.progress.reset();
    try {
      const StageResult result = trainer.run_stage(s, experiment.stages[s], observer, resume ? &*resume : nullptr);
      progress.end_line();
      std::printf("stage %zu (%s): %s; %.3f s, nfe %ld forward + %ld backward\n", s + 1, result.name.c_str(),
                  result.summary().c_str(), result.seconds, result.work.forward.function_evaluations,
                  result.work.backward.function_evaluations);
    } catch (const TrainingError&) {
      progress.end_line();
      // The last checkpoint stays; the metrics show the failure.
      write_metrics();
      throw;
    } catch (const StopRequested&) {
      progress.end_line();
      return stopped(out, iterations_run);
    }
    position.stage = s + 1;
    position.progress.reset();
    if (save() && s + 1 < experiment.stages.size()) return stopped(out, iterations_run);
  }

  Rng sampling = experiment.stream(Stream::kSampling);
  const Matrix samples = experiment.model->sample(loaded->params.child("eval").get_int("samples"), sampling);
  write_file_atomically(out / "samples.csv", io::samples_to_csv(samples));
  std::printf("wrote %s\n", out.string().c_str());
  plot_after_training(out);
  return kSuccess;
}

}  // namespace liouville::host
