// Points carried from the base to the data space, for the trajectory plot.
// z ~ base goes through the flow's inverse one layer at a time (the layers of
// the model's chain, last to first). A CNF layer (ffjord) is also stopped at
// intermediate times: its state at time tau is the inverse of the same CNF
// rebuilt over [tau, t1] with the trained parameters. A layer that hides its
// steps (glow) counts as one step.
#pragma once

#include <string>
#include <vector>

#include "trained_model.hpp"

namespace liouville::host {

struct FlowStates {
  std::vector<std::string> labels;  // "base", ..., the last is the data space
  std::vector<Matrix> states;       // each dim x n, the same n points
};

// `cnf_steps`: intermediate stops per CNF layer (plus its end).
FlowStates carry_base_to_data(const TrainedModel& model, Index n, int cnf_steps);

}  // namespace liouville::host
