// How the reverse pass through a CNF solve is computed, kept apart from the
// forward solve so that gradient methods can be added without touching it.
//   discrete: backpropagate through the accepted steps of the forward solve, the
//             exact gradient of the computed solution (memory grows with steps).
//   adjoint:  solve the adjoint ODE backwards from t1 to t0 (Chen et al. 2018),
//             keeping only y(t1): memory independent of the number of steps, a
//             gradient accurate to the solver's tolerance.
#pragma once

#include <memory>
#include <string_view>

#include "liouville/core/integrate.hpp"

namespace liouville {

// The block [offset, offset + size) of the model's flat parameter vector that a
// solve's system depends on (a vector field's slices are allocated together).
struct ParameterBlock {
  Index offset = 0;
  Index size = 0;
};

// What a recording solve kept for its reverse pass.
class SolveRecord {
 public:
  virtual ~SolveRecord() = default;
};

class SolveGradient {
 public:
  virtual ~SolveGradient() = default;

  // Integrates y from t0 to t1 in place (as integrate()) and keeps what
  // `backward` needs in `record`.
  virtual SolveStats solve(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1, MatrixRef y,
                           const IntegrateOptions& options, std::unique_ptr<SolveRecord>& record) const = 0;

  // y_bar holds the cotangent of y(t1) on entry and that of y(t0) on exit;
  // theta_bar accumulates. `state_dynamics` agrees with `system` on the controlled rows
  // and may leave the others 0 (they never feed back): the adjoint re-integrates
  // y backwards with it, which for a CNF costs f alone instead of f and its trace.
  virtual SolveStats backward(const ODESolver& solver, const OdeSystem& system, const OdeSystem& state_dynamics,
                              const SolveRecord& record, MatrixRef y_bar, VectorRef theta_bar) const = 0;
};

// The method named by Ffjord's `gradient` choice. `parameters` and `seminorm`
// are used by the adjoint only.
std::unique_ptr<SolveGradient> make_solve_gradient(std::string_view method, ParameterBlock parameters,
                                                   bool seminorm);

}  // namespace liouville
