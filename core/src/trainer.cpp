#include "liouville/core/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "liouville/core/likelihood_objective.hpp"

namespace liouville {
namespace {

long total_evaluations(const SolveTotals& totals) {
  return totals.forward.function_evaluations + totals.backward.function_evaluations;
}

SolveTotals difference(const SolveTotals& after, const SolveTotals& before) {
  auto minus = [](const SolveStats& a, const SolveStats& b) {
    return SolveStats{a.function_evaluations - b.function_evaluations, a.accepted_steps - b.accepted_steps,
                      a.rejected_steps - b.rejected_steps};
  };
  return {minus(after.forward, before.forward), minus(after.backward, before.backward)};
}

// Validation batches are evaluated in chunks so a CNF's solve stays cache-sized.
constexpr Index kValidationChunk = 4096;

// Random streams of a training run (the stage streams are 1000 + stage index).
constexpr std::uint64_t kValidationStream = 998;
constexpr std::uint64_t kInitializationStream = 999;

}  // namespace

TrainingError::TrainingError(std::size_t stage, const std::string& stage_name, long iteration,
                             const std::string& cause)
    : Error("training stage " + std::to_string(stage + 1) + " (" + stage_name + "), iteration " +
            std::to_string(iteration) + ": " + cause),
      stage_(stage),
      iteration_(iteration) {}

TrainingError::~TrainingError() = default;

std::string StageResult::summary() const {
  std::ostringstream out;
  out.precision(6);
  if (early_stopped)
    out << "early stopping after " << epochs << " epochs";
  else
    out << result.message;
  if (best_epoch > 0) {
    out << "; best validation NLL " << best_validation_nll << " at epoch " << best_epoch;
    if (restored_best) out << " (parameters restored)";
  }
  if (skipped_steps > 0) out << "; " << skipped_steps << " steps skipped for a non-finite loss or gradient";
  return out.str();
}

Trainer::Trainer(const DensityModel& model, ParameterStore& parameters, const Matrix& data, std::uint64_t seed)
    : model_(model),
      parameters_(parameters),
      data_(data),
      seed_(seed),
      start_(Clock::now()),
      work_at_start_(solve_totals()) {}

Trainer::Trainer(const DensityModel& model, ParameterStore& parameters, const Matrix& data,
                 const Matrix& validation, std::uint64_t seed)
    : Trainer(model, parameters, data, seed) {
  if (validation.cols() > 0) validation_ = &validation;
}

void Trainer::check_stage(const TrainingStage& stage) const {
  if (!validation_ && stage.early_stopping.patience > 0)
    throw ConfigError("early stopping needs validation data (a validation split)");
  if (!validation_ && stage.keep_best) throw ConfigError("keep_best needs validation data (a validation split)");
  if (!stage.schedule.is_constant() && !stage.optimizer->needs().learning_rate)
    throw ConfigError("a learning-rate schedule needs an optimizer with a learning rate");
}

Scalar Trainer::validation_nll(ConstVectorRef theta) {
  parameters_.values() = theta;
  Scalar sum = 0;
  for (Index begin = 0; begin < validation_->cols(); begin += kValidationChunk) {
    const Index size = std::min(kValidationChunk, validation_->cols() - begin);
    Rng noise(seed_, kValidationStream);
    sum -= model_.log_density(validation_->middleCols(begin, size), noise).sum();
  }
  return sum / static_cast<Scalar>(validation_->cols());
}

void Trainer::checkpoint_every(long every, Checkpointer checkpointer) {
  if (every < 0) throw ConfigError("checkpoint_every is negative (" + std::to_string(every) + ")");
  checkpoint_every_ = every;
  checkpointer_ = std::move(checkpointer);
}

StageResult Trainer::run_stage(std::size_t index, const TrainingStage& stage, const Observer& observer,
                               const StageProgress* resume) {
  long iteration = resume ? resume->iteration : 0;
  StageResult result;
  result.name = stage.name;
  const auto stage_start = Clock::now();
  const SolveTotals work_at_stage_start = solve_totals();
  try {
    check_stage(stage);
    const OptimizerNeeds needs = stage.optimizer->needs();
    LikelihoodObjective::Options options;
    options.deterministic = needs.deterministic_objective;
    options.batch_size = needs.full_batch ? 0 : stage.batch_size;
    options.weight_decay = stage.weight_decay;
    options.clip_gradient_norm = stage.clip_gradient_norm;
    options.on_nonfinite = stage.on_nonfinite;
    options.max_consecutive_skips = stage.max_consecutive_skips;
    LikelihoodObjective objective(model_, parameters_, data_, options, Rng(seed_, 1000 + index));
    const long epoch_length = options.deterministic ? 1 : static_cast<long>(objective.batches_per_epoch());

    // Data-dependent initialization (Glow's actnorm) happens on a flow's first
    // forward pass; it must land in the store before the optimizer copies it.
    // A resumed stage's parameters are past it.
    if (!resume) {
      Rng init_noise(seed_, kInitializationStream);
      const Index init_batch = options.batch_size > 0 ? std::min(options.batch_size, data_.cols()) : data_.cols();
      model_.log_density(data_.leftCols(init_batch), init_noise);
    }

    Vector theta = parameters_.values();
    Vector best_theta;
    long epochs_without_improvement = 0;
    if (resume) {
      objective.restore(resume->objective);
      result.epochs = resume->epochs;
      result.best_epoch = resume->best_epoch;
      result.best_validation_nll = resume->best_validation_nll;
      epochs_without_improvement = resume->epochs_without_improvement;
      best_theta = resume->best_theta;
    }
    auto checkpoint = [&](const IterationReport& report) {
      if (!report.state)
        throw NotSupported("optimizer '" + stage.name +
                           "' reports no state, so it cannot be checkpointed inside a stage (checkpoint_every)");
      parameters_.values() = theta;
      checkpointer_(index, StageProgress{report.iteration, report.state(), objective.state(), result.epochs,
                                         result.best_epoch, result.best_validation_nll, epochs_without_improvement,
                                         best_theta});
    };
    auto callback = [&](const IterationReport& report) {
      iteration = report.iteration;
      IterationRecord record{index,
                             stage.name,
                             report.iteration,
                             (report.iteration - 1) / epoch_length + 1,
                             report.loss,
                             report.gradient_norm,
                             stage.schedule.factor(report.iteration),
                             objective.last_terms(),
                             total_evaluations(difference(solve_totals(), work_at_start_)),
                             std::chrono::duration<double>(Clock::now() - start_).count(),
                             std::nullopt};
      bool go_on = true;
      if (report.iteration % epoch_length == 0) {
        EpochRecord epoch{report.iteration / epoch_length, objective.take_mean_nll()};
        if (options.deterministic) epoch.train_nll = objective.last_terms().nll;
        result.epochs = epoch.epoch;
        if (validation_) {
          epoch.validation_nll = validation_nll(theta);
          if (result.best_epoch == 0 ||
              epoch.validation_nll < result.best_validation_nll - stage.early_stopping.min_delta) {
            epoch.best = true;
            result.best_epoch = epoch.epoch;
            result.best_validation_nll = epoch.validation_nll;
            epochs_without_improvement = 0;
            if (stage.keep_best) best_theta = theta;
          } else if (++epochs_without_improvement >= stage.early_stopping.patience &&
                     stage.early_stopping.patience > 0) {
            result.early_stopped = true;
            go_on = false;
          }
        }
        record.epoch_end = epoch;
      }
      if (observer) observer(record);
      if (go_on && checkpoint_every_ > 0 && report.iteration % checkpoint_every_ == 0 &&
          report.iteration < stage.iterations)
        checkpoint(report);
      return go_on;
    };
    const MinimizeOptions minimize_options{stage.iterations, stage.schedule,
                                           resume ? &resume->optimizer : nullptr};
    try {
      result.result = stage.optimizer->minimize(objective, theta, minimize_options, callback);
    } catch (const NumericalError& error) {
      throw NumericalError(objective.with_location(error.what()));
    }
    result.skipped_steps = objective.skipped_steps();
    if (stage.keep_best && best_theta.size() == theta.size()) {
      result.restored_best = best_theta != theta;
      theta = best_theta;
    }
    parameters_.values() = theta;
  } catch (const Error& error) {
    throw TrainingError(index, stage.name, iteration + 1, error.what());
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - stage_start).count();
  result.work = difference(solve_totals(), work_at_stage_start);
  return result;
}

std::vector<StageResult> Trainer::run(const std::vector<TrainingStage>& stages, const Observer& observer) {
  std::vector<StageResult> results;
  for (std::size_t s = 0; s < stages.size(); ++s) results.push_back(run_stage(s, stages[s], observer));
  return results;
}

}  // namespace liouville
