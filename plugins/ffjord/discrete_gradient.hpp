// Discrete backpropagation ("discretize then optimize"): the forward solve
// records its accepted steps and the reverse pass runs integrate_backward over
// them, with the step sizes held fixed.
#pragma once

#include "solve_gradient.hpp"

namespace liouville {

class DiscreteGradient final : public SolveGradient {
 public:
  SolveStats solve(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1, MatrixRef y,
                   const IntegrateOptions& options, std::unique_ptr<SolveRecord>& record) const override;

  SolveStats backward(const ODESolver& solver, const OdeSystem& system, const OdeSystem& state_dynamics,
                      const SolveRecord& record, MatrixRef y_bar, VectorRef theta_bar) const override;
};

}  // namespace liouville
