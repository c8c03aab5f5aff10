// Process-wide totals of ODE work, for progress lines and benchmarks: every
// integrate() adds its statistics to the forward total, and every
// integrate_backward() or integrate() with options.reverse_pass (an adjoint
// solve) to the backward total. Thread-safe.
#pragma once

#include "liouville/core/integrate.hpp"

namespace liouville {

struct SolveTotals {
  SolveStats forward;
  SolveStats backward;
};

void add_forward_solve(const SolveStats& stats);
void add_backward_solve(const SolveStats& stats);
SolveTotals solve_totals();

}  // namespace liouville
