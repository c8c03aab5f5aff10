// Strong-Wolfe line search (Nocedal and Wright 2006, Algorithms 3.5 and 3.6).
//
// Along a descent direction d from x, with phi(alpha) = f(x + alpha d), finds a
// step alpha > 0 satisfying the strong Wolfe conditions (N&W eq. 3.7)
//   phi(alpha) <= phi(0) + c1 alpha phi'(0)     (sufficient decrease)
//   |phi'(alpha)| <= c2 |phi'(0)|               (curvature)
// Bracketing extrapolates until an interval is known to contain such steps, then
// zoom shrinks it with safeguarded cubic (else quadratic, else bisection)
// interpolation. A non-finite phi or phi' counts as phi = +infinity: the search
// backs off and never accepts such a step.
#pragma once

#include <functional>

#include "liouville/core/types.hpp"

namespace liouville::lbfgs {

// One evaluation of phi: the step, phi(alpha) and phi'(alpha).
struct LinePoint {
  Scalar alpha = 0;
  Scalar value = 0;
  Scalar slope = 0;
};

struct LineSearchOptions {
  Scalar c1 = 1e-4;  // 0 < c1 < c2 < 1
  Scalar c2 = 0.9;
  long max_evaluations = 25;
};

enum class LineSearchOutcome {
  kFound,
  kNotDescent,         // phi'(0) >= 0 or not finite: nothing was evaluated
  kMaxEvaluations,     // no acceptable step within max_evaluations
  kIntervalCollapsed,  // the bracket shrank to round-off
  kStepUnbounded,      // extrapolation overflowed: phi seems unbounded below
};

const char* to_string(LineSearchOutcome outcome);

struct LineSearchResult {
  LineSearchOutcome outcome = LineSearchOutcome::kMaxEvaluations;
  LinePoint point;  // the accepted step when found; it is always the last one evaluated
  long evaluations = 0;
  bool found() const { return outcome == LineSearchOutcome::kFound; }
};

using LineFunction = std::function<LinePoint(Scalar alpha)>;

// `start` is phi at alpha = 0 (finite, with start.slope < 0); `initial_step` > 0
// is the first trial.
LineSearchResult strong_wolfe_line_search(const LineFunction& phi, const LinePoint& start, Scalar initial_step,
                                          const LineSearchOptions& options);

}  // namespace liouville::lbfgs
