// Optimizer: minimizes an Objective over the flat parameter vector.
//
// An optimizer declares what it needs: Adam takes a stochastic objective (a new
// mini-batch and new noise at every evaluation); L-BFGS needs a deterministic,
// full-batch objective (Hutchinson probes fixed for the whole stage). The trainer
// builds the objective accordingly.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "liouville/core/component.hpp"
#include "liouville/core/learning_rate_schedule.hpp"
#include "liouville/core/types.hpp"

namespace liouville {

class Objective {
 public:
  Objective() = default;
  Objective(const Objective&) = delete;
  Objective& operator=(const Objective&) = delete;
  virtual ~Objective();

  virtual Index num_parameters() const = 0;
  // Loss at theta; the gradient is written into `gradient`.
  virtual Scalar evaluate(ConstVectorRef theta, VectorRef gradient) = 0;
};

enum class StopReason {
  kMaxIterations,
  kGradientTolerance,
  kNoProgress,         // the loss or the step stopped changing (tolerances met)
  kLineSearchFailure,  // never reported as success
  kCallback,           // the iteration callback asked to stop
};

const char* to_string(StopReason reason);

// What an optimizer needs to continue a minimize() call exactly where it
// stopped (a checkpoint stores it): Adam's moments, for example. An optimizer
// documents its entries; vectors have the parameters' length.
struct OptimizerState {
  long iterations = 0;  // completed iterations
  std::map<std::string, Vector> vectors;
  std::map<std::string, Scalar> scalars;
};

struct IterationReport {
  long iteration = 0;  // 1-based within the stage
  Scalar loss = 0;
  Scalar gradient_norm = 0;
  long evaluations = 0;  // objective evaluations so far in this stage
  // The optimizer's state after this iteration, copied on demand (during the
  // callback only); empty when the optimizer cannot resume.
  std::function<OptimizerState()> state;
};

struct OptimizeResult {
  StopReason reason = StopReason::kMaxIterations;
  long iterations = 0;
  long evaluations = 0;
  Scalar loss = 0;
  Scalar gradient_norm = 0;
  std::string message;  // one line saying why it stopped
  bool converged() const { return reason == StopReason::kGradientTolerance || reason == StopReason::kNoProgress; }
};

// Called after every iteration with the accepted point; return false to stop.
using IterationCallback = std::function<bool(const IterationReport&)>;

struct OptimizerNeeds {
  bool deterministic_objective = false;
  bool full_batch = false;
  bool learning_rate = false;  // has a step size that a LearningRateSchedule may scale
};

struct MinimizeOptions {
  long max_iterations = 0;
  LearningRateSchedule schedule;  // only for optimizers whose needs() say learning_rate
  // Continue from a state reported by an earlier call (same optimizer settings,
  // same objective); iterations are numbered on from resume->iterations.
  const OptimizerState* resume = nullptr;
};

class Optimizer : public Component {
 public:
  static constexpr std::string_view kInterface = "Optimizer";

  virtual OptimizerNeeds needs() const = 0;

  // Minimizes from theta (updated in place) for at most options.max_iterations.
  // An optimizer without a learning rate throws ConfigError for a schedule that
  // is not constant. Every IterationReport carries the optimizer's state, and
  // options.resume continues from one (DataError when it does not fit).
  virtual OptimizeResult minimize(Objective& objective, VectorRef theta, const MinimizeOptions& options,
                                  const IterationCallback& callback) = 0;

  OptimizeResult minimize(Objective& objective, VectorRef theta, long max_iterations,
                          const IterationCallback& callback) {
    return minimize(objective, theta, MinimizeOptions{max_iterations, {}}, callback);
  }
};

}  // namespace liouville
