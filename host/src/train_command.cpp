// `liouville train CONFIG`: builds the pipeline, runs its stages with a progress
// line, and writes the run folder (config, resolved config, checkpoint after
// every stage, metrics.csv, samples.csv, plots/).
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

std::map<std::string, Matrix> fixed_tensors(const Experiment& experiment) {
  if (!experiment.standardization) return {};
  return {{kStandardizationMean, experiment.standardization->mean()},
          {kStandardizationScale, experiment.standardization->scale()}};
}

}  // namespace

int train(const TrainArguments& arguments) {
  Registry registry;
  std::optional<LoadedConfig> loaded = load_config(arguments.config, registry);
  if (!loaded) return kBadInput;
  const std::filesystem::path out =
      arguments.out.value_or(std::filesystem::path("runs") / arguments.config.config.stem());
  std::filesystem::create_directories(out);

  Experiment experiment = build_experiment(loaded->params, registry);
  write_file_atomically(out / "config.yaml", loaded->document.to_yaml());
  write_file_atomically(out / "resolved.yaml", to_yaml(loaded->params, experiment_schema(), registry));
  std::printf("liouville train: %s -> %s (%ld parameters, %ld training points, %ld validation, dim %ld)\n",
              arguments.config.config.string().c_str(), out.string().c_str(),
              static_cast<long>(experiment.parameters->size()), static_cast<long>(experiment.training_data.cols()),
              static_cast<long>(experiment.validation_data.cols()), static_cast<long>(experiment.dataset->dim()));

  std::vector<std::vector<std::string>> metrics;
  Progress progress(stdout, stdout_is_terminal(), loaded->params.child("train").get_int("log_every"),
                    experiment.stages.size());
  auto observer = [&](const IterationRecord& record) {
    metrics.push_back(metrics_row(record));
    progress.report(record, experiment.stages[record.stage].iterations);
  };

  const std::string config_text = loaded->document.to_yaml();
  auto write_metrics = [&] {
    write_file_atomically(out / "metrics.csv", io::table_to_csv(kMetricsHeader, metrics));
  };
  auto save = [&](std::size_t stages_done) {
    save_checkpoint(checkpoint_path(out), *experiment.parameters,
                    {{"config", config_text}, {"stages_completed", std::to_string(stages_done)}},
                    fixed_tensors(experiment));
    write_metrics();
  };

  Trainer trainer(*experiment.model, *experiment.parameters, experiment.training_data, experiment.validation_data,
                  experiment.seed);
  for (std::size_t s = 0; s < experiment.stages.size(); ++s) {
    // Stages run one at a time so a checkpoint lands after each.
    try {
      const StageResult result = trainer.run_stage(s, experiment.stages[s], observer);
      progress.end_line();
      std::printf("stage %zu (%s): %s; %.3f s, nfe %ld forward + %ld backward\n", s + 1, result.name.c_str(),
                  result.summary().c_str(), result.seconds, result.work.forward.function_evaluations,
                  result.work.backward.function_evaluations);
    } catch (const TrainingError&) {
      progress.end_line();
      // The checkpoint of the last completed stage stays; the metrics show the failure.
      write_metrics();
      throw;
    }
    save(s + 1);
  }

  Rng sampling = experiment.stream(Stream::kSampling);
  const Matrix samples = experiment.model->sample(loaded->params.child("eval").get_int("samples"), sampling);
  write_file_atomically(out / "samples.csv", io::samples_to_csv(samples));
  std::printf("wrote %s\n", out.string().c_str());
  plot_after_training(out);
  return kSuccess;
}

}  // namespace liouville::host
