// Non-finite losses and gradients during training: the policy (train.on_nonfinite)
// and the search for the component that produced the first NaN or Inf.
//
//   stop  the stage stops with a NumericalError naming the stage, the iteration
//         and the component (a flow layer, the base, or a parameter slice's gradient);
//   skip  the step is not taken: the parameters and the optimizer's state stay as
//         they were and the next mini-batch is drawn; a run of
//         train.max_consecutive_skips non-finite steps in a row stops the stage.
#pragma once

#include <string>
#include <string_view>

#include "liouville/core/density_model.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"

namespace liouville {

enum class NonFinitePolicy { kStop, kSkip };

// "stop" or "skip"; throws ConfigError naming `where` for anything else.
NonFinitePolicy parse_nonfinite_policy(std::string_view name, std::string_view where);

// Re-evaluates the model on the batch x with the noise it was evaluated with and
// names the first place a non-finite value appears, in the order data flows: the
// parameters, the data, each top-level flow layer's output and log-determinant,
// the base log-density, then the gradient of each parameter slice. For example
// "model.flow[3] (planar): its log-determinant is nan for 2 of 64 samples".
std::string locate_nonfinite(const DensityModel& model, const ParameterStore& parameters, ConstMatrixRef x,
                             Rng noise, ConstVectorRef gradient);

}  // namespace liouville
