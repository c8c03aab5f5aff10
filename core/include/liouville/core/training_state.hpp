// The state of a training stage between two iterations: everything the trainer
// needs to continue it so that the rest of the run is the one it would have been
// without the interruption (single-threaded, same build). A checkpoint stores it
// next to the parameters.
#pragma once

#include <limits>

#include "liouville/core/likelihood_objective.hpp"
#include "liouville/core/optimizer.hpp"

namespace liouville {

struct StageProgress {
  long iteration = 0;  // completed iterations of the stage
  OptimizerState optimizer;
  LikelihoodObjective::State objective;
  // Epoch bookkeeping: early stopping and keep-best.
  long epochs = 0;
  long best_epoch = 0;
  Scalar best_validation_nll = std::numeric_limits<Scalar>::quiet_NaN();
  long epochs_without_improvement = 0;
  Vector best_theta;  // keep_best only; empty before the first best epoch
};

}  // namespace liouville
