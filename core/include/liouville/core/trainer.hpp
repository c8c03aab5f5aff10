// Trainer: runs the training stages of an experiment (e.g. Adam, then L-BFGS)
// on one DensityModel, each stage with the objective its optimizer needs, and
// reports every iteration. A failure inside a stage is re-thrown as a
// TrainingError naming the stage, the iteration and the cause.
//
// Epochs: a stochastic stage passes over the training set in reshuffled
// mini-batches (an epoch is floor(n / batch) iterations); a full-batch stage's
// every iteration is an epoch. At the end of each epoch the trainer records the
// epoch's training NLL and, given validation data, the validation NLL (with the
// same noise every epoch), on which early stopping and keep-best act.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "liouville/core/density_model.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/learning_rate_schedule.hpp"
#include "liouville/core/nonfinite.hpp"
#include "liouville/core/optimizer.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/solve_counters.hpp"
#include "liouville/core/training_state.hpp"

namespace liouville {

inline constexpr Scalar kNotAvailable = std::numeric_limits<Scalar>::quiet_NaN();

struct EarlyStopping {
  long patience = 0;     // epochs without improvement before the stage stops; 0 = never
  Scalar min_delta = 0;  // an improvement lowers the best validation NLL by more than this
};

struct TrainingStage {
  std::string name;  // e.g. "adam"
  std::shared_ptr<Optimizer> optimizer;
  long iterations = 0;            // at most
  Index batch_size = 0;           // used by optimizers that take mini-batches; 0 = full batch
  Scalar weight_decay = 0;        // L2 penalty (weight_decay / 2) |theta|^2 added to the loss
  Scalar clip_gradient_norm = 0;  // 0 = no clipping (stochastic optimizers only)
  LearningRateSchedule schedule;  // optimizers with a learning rate only
  EarlyStopping early_stopping;   // needs validation data
  bool keep_best = false;         // end with the parameters of the best validation epoch
  // A non-finite loss or gradient: stop, or skip the step (stochastic optimizers;
  // a deterministic stage stops, as its objective would give the same value again).
  NonFinitePolicy on_nonfinite = NonFinitePolicy::kStop;
  long max_consecutive_skips = 10;
};

struct EpochRecord {
  long epoch = 0;                         // 1-based within the stage
  Scalar train_nll = 0;                   // mean NLL of the epoch's mini-batches
  Scalar validation_nll = kNotAvailable;  // without validation data: NaN
  bool best = false;                      // the stage's best validation NLL so far
};

struct IterationRecord {
  std::size_t stage = 0;  // 0-based
  std::string stage_name;
  long iteration = 0;  // 1-based within the stage
  long epoch = 0;      // 1-based epoch the iteration belongs to
  Scalar loss = 0;     // the optimizer's loss (NLL + penalty)
  Scalar gradient_norm = 0;
  Scalar learning_rate_factor = 1;
  LikelihoodTerms terms;                 // of the objective's latest evaluation
  long function_evaluations = 0;         // forward + backward right-hand sides since training started
  double seconds = 0;                    // since training started
  std::optional<EpochRecord> epoch_end;  // set on the last iteration of an epoch
};

struct StageResult {
  std::string name;
  OptimizeResult result;
  double seconds = 0;
  SolveTotals work;     // ODE work done in this stage
  long epochs = 0;      // completed epochs
  long best_epoch = 0;  // 0 without validation data
  Scalar best_validation_nll = kNotAvailable;
  bool early_stopped = false;
  bool restored_best = false;   // the parameters are those of best_epoch
  long skipped_steps = 0;       // mini-batches skipped for a non-finite loss or gradient
  std::string summary() const;  // one line: why it stopped, and the best epoch
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
  // Receives the state of stage `stage` with the store holding the current iterate.
  using Checkpointer = std::function<void(std::size_t stage, const StageProgress&)>;

  Trainer(const DensityModel& model, ParameterStore& parameters, const Matrix& data, std::uint64_t seed);
  // With a validation set (kept by reference, like `data`).
  Trainer(const DensityModel& model, ParameterStore& parameters, const Matrix& data, const Matrix& validation,
          std::uint64_t seed);

  // Every `every` iterations inside a stage (after the observer, not after a
  // stage's last iteration) the trainer hands its state to `checkpointer`;
  // every = 0 turns this off. An optimizer that reports no state then throws NotSupported.
  void checkpoint_every(long every, Checkpointer checkpointer);

  // Runs stage number `index` (0-based; it selects the stage's random stream),
  // or continues it from `resume` (a state given to the checkpointer, with the
  // store holding that iterate). Times and function evaluations in the records
  // count from construction.
  StageResult run_stage(std::size_t index, const TrainingStage& stage, const Observer& observer,
                        const StageProgress* resume = nullptr);

  // Runs the stages in order.
  std::vector<StageResult> run(const std::vector<TrainingStage>& stages, const Observer& observer);

 private:
  using Clock = std::chrono::steady_clock;

  void check_stage(const TrainingStage& stage) const;
  Scalar validation_nll(ConstVectorRef theta);

  const DensityModel& model_;
  ParameterStore& parameters_;
  const Matrix& data_;
  const Matrix* validation_ = nullptr;
  std::uint64_t seed_;
  Clock::time_point start_;
  SolveTotals work_at_start_;
  long checkpoint_every_ = 0;
  Checkpointer checkpointer_;
};

}  // namespace liouville
