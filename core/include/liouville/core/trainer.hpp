// Trainer: runs the training stages of an experiment (e.g. Adam, then L-BFGS)
// on one DensityModel, each stage with the objective its optimizer needs, and
// reports every iteration. A failure inside a stage is re-thrown as a
// TrainingError naming the stage, the iteration and the cause.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "liouville/core/density_model.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/solve_counters.hpp"

namespace liouville {

struct TrainingStage {
  std::string name;  // e.g. "adam"
  std::shared_ptr<Optimizer> optimizer;
  long iterations = 0;
  Index batch_size = 0;     // used by optimizers that take mini-batches; 0 = full batch
  Scalar weight_decay = 0;  // L2 penalty (weight_decay / 2) |theta|^2 added to the loss
};

struct IterationRecord {
  std::size_t stage = 0;  // 0-based
  std::string stage_name;
  long iteration = 0;  // 1-based within the stage
  Scalar loss = 0;
  Scalar gradient_norm = 0;
  long function_evaluations = 0;  // forward + backward right-hand sides since training started
  double seconds = 0;             // since training started
};

struct StageResult {
  std::string name;
  OptimizeResult result;
  double seconds = 0;
  SolveTotals work;  // ODE work done in this stage
};

class TrainingError : public Error {
 public:
  TrainingError(std::size_t stage, const std::string& stage_name, long iteration, const std::string& cause);
  ~TrainingError() override;
  std::size_t stage() const { return stage_; }
  long iteration() const { return iteration_; }

 private:
  std::size_t stage_;
  long iteration_;
};

class Trainer {
 public:
  using Observer = std::function<void(const IterationRecord&)>;

  Trainer(const DensityModel& model, ParameterStore& parameters, const Matrix& data, std::uint64_t seed);

  // Runs stage number `index` (0-based; it selects the stage's random stream).
  // Times and function evaluations in the records count from construction.
  StageResult run_stage(std::size_t index, const TrainingStage& stage, const Observer& observer);

  // Runs the stages in order.
  std::vector<StageResult> run(const std::vector<TrainingStage>& stages, const Observer& observer);

 private:
  using Clock = std::chrono::steady_clock;

  const DensityModel& model_;
  ParameterStore& parameters_;
  const Matrix& data_;
  std::uint64_t seed_;
  Clock::time_point start_;
  SolveTotals work_at_start_;
};

}  // namespace liouville
