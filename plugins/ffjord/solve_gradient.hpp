// How the reverse pass through a CNF solve is computed, kept apart from the
// forward solve so that gradient methods can be added without touching it.
//   discrete: backpropagate through the accepted steps of the forward solve, the
//             exact gradient of the computed solution (memory grows with steps).
#pragma once

#include <memory>
#include <string_view>

#include "liouville/core/integrate.hpp"

namespace liouville {

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
  // theta_bar accumulates.
  virtual SolveStats backward(const ODESolver& solver, const OdeSystem& system, const SolveRecord& record,
                              MatrixRef y_bar, VectorRef theta_bar) const = 0;
};

// The method named by Ffjord's `gradient` choice.
std::unique_ptr<SolveGradient> make_solve_gradient(std::string_view method);

}  // namespace liouville
