// The continuous adjoint ("optimize then discretize"; Chen et al. 2018, Alg. 1):
// the forward solve keeps only y(t1), and the reverse pass integrates the adjoint
// system (adjoint_system.hpp) from t1 back to t0 with the same solver and step
// control. Memory does not grow with the number of steps; the gradient is that of
// the exact flow up to the solver's tolerance, not the exact gradient of the
// computed solution (which `discrete` gives).
//
// With `seminorm` the parameter adjoint a_theta is left out of the backward
// solve's error norm (Kidger, Chen and Lyons 2021): it never feeds back into the
// other channels, so its local error does not need controlling, and the backward
// solve usually takes fewer steps.
#pragma once

#include "solve_gradient.hpp"

namespace liouville {

class AdjointGradient final : public SolveGradient {
 public:
  AdjointGradient(ParameterBlock parameters, bool seminorm) : parameters_(parameters), seminorm_(seminorm) {}

  SolveStats solve(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1, MatrixRef y,
                   const IntegrateOptions& options, std::unique_ptr<SolveRecord>& record) const override;

  // Throws SolverError (its detail naming the adjoint solve) when the backward
  // solve fails.
  SolveStats backward(const ODESolver& solver, const OdeSystem& system, const OdeSystem& state_dynamics,
                      const SolveRecord& record, MatrixRef y_bar, VectorRef theta_bar) const override;

 private:
  ParameterBlock parameters_;
  bool seminorm_;
};

}  // namespace liouville
