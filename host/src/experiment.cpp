#include "experiment.hpp"

#include <cmath>
#include <numeric>

#include "experiment_schema.hpp"
#include "liouville/core/chain.hpp"
#include "liouville/core/likelihood_objective.hpp"

namespace liouville::host {
namespace {

// Moves a seeded random `fraction` of the columns of `data` into `validation`.
void split_validation(Matrix& data, double fraction, Rng rng, Matrix& validation) {
  const Index n = data.cols();
  const auto held_out = static_cast<Index>(std::llround(fraction * static_cast<double>(n)));
  if (held_out == 0) return;
  if (n - held_out < 1)
    throw ConfigError("train.validation_fraction " + std::to_string(fraction) +
                      " leaves no training data out of " + std::to_string(n) + " points");
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[static_cast<std::size_t>(rng.next_u64() % i)]);
  validation.resize(data.rows(), held_out);
  Matrix training(data.rows(), n - held_out);
  for (Index j = 0; j < held_out; ++j) validation.col(j) = data.col(order[static_cast<std::size_t>(j)]);
  for (Index j = held_out; j < n; ++j) training.col(j - held_out) = data.col(order[static_cast<std::size_t>(j)]);
  data = std::move(training);
}

LearningRateSchedule read_schedule(const Params& schedule, long iterations) {
  const std::string& type = schedule.get_string("type");
  if (type == "cosine")
    return LearningRateSchedule::cosine(iterations,
                                        schedule.has("final_factor") ? schedule.get_real("final_factor") : 0.0,
                                        schedule.has("warmup") ? schedule.get_int("warmup") : 0);
  if (type == "step")
    return LearningRateSchedule::step(schedule.get_int("every"),
                                      schedule.has("gamma") ? schedule.get_real("gamma") : 0.1);
  return {};
}

// Rules between a stage's settings, its optimizer and the data split.
void check_stage(const Params& stage, const TrainingStage& built, bool has_validation) {
  const OptimizerNeeds needs = built.optimizer->needs();
  const std::string& optimizer = stage.child("optimizer").type();
  if (!built.schedule.is_constant() && !needs.learning_rate)
    throw ConfigError(stage.path() + ".schedule: " + optimizer + " has no learning rate to schedule");
  if (built.clip_gradient_norm > 0 && needs.deterministic_objective)
    throw ConfigError(stage.path() + ".clip_gradient_norm: " + optimizer +
                      " runs a line search on the full objective; clipping would make its gradient "
                      "disagree with its loss");
  if (built.early_stopping.patience > 0 && !has_validation)
    throw ConfigError(stage.path() +
                      ".early_stopping.patience: early stopping needs a validation split "
                      "(set train.validation_fraction)");
}

// "model.base (standard_normal)", then one label per top-level layer of the flow.
ModelLabels model_labels(const Params& model) {
  const auto label = [](const Params& component) { return component.path() + " (" + component.type() + ")"; };
  ModelLabels labels{label(model.child("base")), {}};
  if (model.get_bool("standardize")) labels.layers.push_back(model.path() + ".standardize");
  for (const Params& layer : model.children("flow")) labels.layers.push_back(label(layer));
  return labels;
}

}  // namespace

Params validate(const ConfigDocument& document, Registry& registry) {
  registry.load_search_path(document.plugin_paths());
  return bind(document, experiment_schema(), registry);
}

Experiment build_experiment(const Params& config, const Registry& registry,
                            std::shared_ptr<const Standardization> stored_standardization) {
  Experiment experiment;
  experiment.seed = static_cast<std::uint64_t>(config.get_int("seed"));
  experiment.config = config;
  experiment.parameters = std::make_unique<ParameterStore>();
  Rng init_rng = experiment.stream(Stream::kInitialization);

  {
    RegistryBuildContext data_context(registry, *experiment.parameters, init_rng, 0);
    experiment.dataset = data_context.create<Dataset>(config, "data");
  }
  Rng data_rng = experiment.stream(Stream::kData);
  experiment.training_data = experiment.dataset->training_data(data_rng);
  const Params& train = config.child("train");
  split_validation(experiment.training_data, train.get_real("validation_fraction"),
                   experiment.stream(Stream::kValidationSplit), experiment.validation_data);

  RegistryBuildContext context(registry, *experiment.parameters, init_rng, experiment.dataset->dim(),
                               std::make_shared<ThreadPool>(config.get_int("threads")));
  const Params& model = config.child("model");
  auto base = context.create<Distribution>(model, "base");
  std::vector<std::shared_ptr<Bijection>> layers;
  if (model.get_bool("standardize")) {
    experiment.standardization = stored_standardization ? std::move(stored_standardization)
                                                        : Standardization::fit(experiment.training_data);
    layers.push_back(std::const_pointer_cast<Standardization>(experiment.standardization));
  }
  for (auto& layer : context.create_list<Bijection>(model, "flow")) layers.push_back(std::move(layer));
  const ChainMemory memory = parse_chain_memory(model.get_string("memory"), model.path() + ".memory");
  std::shared_ptr<Bijection> flow =
      layers.size() == 1 ? layers.front() : std::make_shared<Chain>(std::move(layers), memory);
  experiment.model = std::make_unique<DensityModel>(std::move(base), std::move(flow), model_labels(model));

  const Index batch_size = train.get_int("batch_size");
  for (const Params& stage : train.children("stages")) {
    TrainingStage built;
    built.name = stage.child("optimizer").type();
    built.optimizer = context.create<Optimizer>(stage, "optimizer");
    const bool full_batch = built.optimizer->needs().full_batch;
    built.iterations =
        stage.has("epochs")
            ? stage.get_int("epochs") *
                  static_cast<long>(full_batch ? 1
                                               : batches_per_epoch(experiment.training_data.cols(), batch_size))
            : stage.get_int("iterations");
    built.batch_size = batch_size;
    built.weight_decay = train.get_real("weight_decay");
    built.clip_gradient_norm = stage.get_real("clip_gradient_norm");
    built.on_nonfinite = parse_nonfinite_policy(train.get_string("on_nonfinite"), train.path() + ".on_nonfinite");
    built.max_consecutive_skips = train.get_int("max_consecutive_skips");
    built.schedule = read_schedule(stage.child("schedule"), built.iterations);
    built.early_stopping = {stage.child("early_stopping").get_int("patience"),
                            stage.child("early_stopping").get_real("min_delta")};
    const bool has_validation = experiment.validation_data.cols() > 0;
    built.keep_best = stage.get_bool("keep_best") && has_validation;
    check_stage(stage, built, has_validation);
    experiment.stages.push_back(std::move(built));
  }
  return experiment;
}

}  // namespace liouville::host
