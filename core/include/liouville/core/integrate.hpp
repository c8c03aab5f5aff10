// The integrate driver: fixed-step or adaptive (PI controller) solves over
// [t0, t1], statistics, typed failures, and backpropagation through the accepted
// steps (the exact gradient of the computed solution, step sizes held fixed).
#pragma once

#include <vector>

#include "liouville/core/ode_solver.hpp"

namespace liouville {

struct SolveStats {
  long function_evaluations = 0;  // batch right-hand-side calls (rhs or rhs_backward)
  long accepted_steps = 0;
  long rejected_steps = 0;

  SolveStats& operator+=(const SolveStats& other);
};

// The accepted steps of a solve, kept for the reverse pass.
struct Trajectory {
  struct Step {
    Scalar t0 = 0;
    Scalar h = 0;
    Matrix y0;
    Matrix stages;
  };
  std::vector<Step> steps;
};

struct IntegrateOptions {
  // Rows [0, controlled_rows) enter the error norm; the rest (log-density,
  // regularizers) are left out of step control. -1 means all rows.
  Index controlled_rows = -1;
  // Optional groups of the controlled rows: consecutive row ranges ending at these
  // rows (increasing, the last one controlled_rows). The error norm is then the
  // largest of the groups' scaled RMS norms (a mixed norm, as torchdiffeq uses for
  // adjoints), so a large group cannot dilute the control of a small one. Empty:
  // one group.
  std::vector<Index> norm_group_ends;
  // A solve that is the reverse pass of another (a continuous adjoint): its
  // statistics go to the backward totals of solve_counters.hpp.
  bool reverse_pass = false;
};

// Integrates y from t0 to t1 in place. Throws SolverError on step-size underflow,
// max steps or non-finite values. When `record` is not null the accepted steps
// are appended to it.
SolveStats integrate(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1, MatrixRef y,
                     const IntegrateOptions& options, Trajectory* record);

// Reverse pass over a recorded solve: y_bar holds the cotangent of y(t1) on entry
// and that of y(t0) on exit; theta_bar accumulates.
SolveStats integrate_backward(const ODESolver& solver, const OdeSystem& system, const Trajectory& trajectory,
                              MatrixRef y_bar, VectorRef theta_bar);

}  // namespace liouville
