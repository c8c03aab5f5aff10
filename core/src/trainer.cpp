#include "liouville/core/trainer.hpp"

#include <algorithm>

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

}  // namespace

TrainingError::TrainingError(std::size_t stage, const std::string& stage_name, long iteration,
                             const std::string& cause)
    : Error("training stage " + std::to_string(stage + 1) + " (" + stage_name + "), iteration " +
            std::to_string(iteration) + ": " + cause),
      stage_(stage),
      iteration_(iteration) {}

TrainingError::~TrainingError() = default;

Trainer::Trainer(const DensityModel& model, ParameterStore& parameters, const Matrix& data, std::uint64_t seed)
    : model_(model),
      parameters_(parameters),
      data_(data),
      seed_(seed),
      start_(Clock::now()),
      work_at_start_(solve_totals()) {}

StageResult Trainer::run_stage(std::size_t index, const TrainingStage& stage, const Observer& observer) {
  const OptimizerNeeds needs = stage.optimizer->needs();
  LikelihoodObjective::Options options;
  options.deterministic = needs.deterministic_objective;
  options.batch_size = needs.full_batch ? 0 : stage.batch_size;
  options.weight_decay = stage.weight_decay;
  LikelihoodObjective objective(model_, parameters_, data_, options, Rng(seed_, 1000 + index));

  const auto stage_start = Clock::now();
  const SolveTotals work_at_stage_start = solve_totals();
  long iteration = 0;
  auto callback = [&](const IterationReport& report) {
    iteration = report.iteration;
    if (observer) {
      const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
      observer(IterationRecord{index, stage.name, report.iteration, report.loss, report.gradient_norm,
                               total_evaluations(difference(solve_totals(), work_at_start_)), seconds});
    }
    return true;
  };
  StageResult result;
  result.name = stage.name;
  try {
    // Data-dependent initialization (Glow's actnorm) happens on a flow's first
    // forward pass; it must land in the store before the optimizer copies it.
    Rng init_noise(seed_, 999);
    const Index init_batch = options.batch_size > 0 ? std::min(options.batch_size, data_.cols()) : data_.cols();
    model_.log_density(data_.leftCols(init_batch), init_noise);
    Vector theta = parameters_.values();
    result.result = stage.optimizer->minimize(objective, theta, stage.iterations, callback);
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
