#include "planar_activation.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "liouville/core/errors.hpp"

namespace liouville::planar {

Activated PlanarActivation::evaluate(const RowArray& a) const {
  Activated out;
  switch (kind_) {
    case Kind::kTanh:
      // tanh' = 1 - tanh^2, tanh'' = -2 tanh tanh'.
      out.h = a.tanh();
      out.one_minus_d1 = out.h.square();
      out.d1 = 1.0 - out.one_minus_d1;
      out.d2 = -2.0 * out.h * out.d1;
      break;
    case Kind::kLeakyRelu:
      out.h = (a >= 0.0).select(a, slope_ * a);
      out.d1 = (a >= 0.0).select(RowArray::Ones(a.size()), slope_);
      out.one_minus_d1 = 1.0 - out.d1;
      out.d2 = RowArray::Zero(a.size());
      break;
  }
  return out;
}

RowArray PlanarActivation::solve(Scalar one_plus_c, const RowArray& r, const std::string& where) const {
  if (kind_ == Kind::kTanh) return solve_tanh(one_plus_c, r, where);
  // h is linear on each side of 0 and the left side is 0 at a = 0, so the sign of
  // r tells the side: a = r / (1 + c) for r >= 0, a = r / (1 + slope c) otherwise.
  const Scalar c = one_plus_c - 1.0;
  return (r >= 0.0).select(r / one_plus_c, r / (1.0 + slope_ * c));
}

// Newton's method on f(a) = a + c tanh(a) - r, safeguarded by bisection: since
// |tanh| < 1, f(r - |c|) <= 0 <= f(r + |c|) brackets the root, every iterate
// shrinks the bracket, and a Newton step leaving it is replaced by its midpoint.
// All columns iterate together; a converged column is frozen.
RowArray PlanarActivation::solve_tanh(Scalar one_plus_c, const RowArray& r, const std::string& where) const {
  constexpr int kMaxIterations = 200;
  constexpr Scalar kEpsilon = std::numeric_limits<Scalar>::epsilon();
  const Scalar c = one_plus_c - 1.0;
  const Eigen::Array<bool, 1, Eigen::Dynamic> not_finite = r.isNaN() || r.isInf();
  RowArray lo = r - std::abs(c);
  RowArray hi = r + std::abs(c);
  // The root of the linearization at 0, (1 + c) a = r, kept inside the bracket.
  RowArray a = (r / one_plus_c).max(lo).min(hi);
  Eigen::Array<bool, 1, Eigen::Dynamic> done = not_finite;
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    const Activated at = evaluate(a);
    const RowArray f = a + c * at.h - r;
    const RowArray step = f / at.determinant(one_plus_c);
    // Converged when the residual is at the rounding level of its terms, or the
    // Newton step is below the spacing of the doubles around a.
    done = done || f.abs() <= 4 * kEpsilon * (a.abs() + std::abs(c) * at.h.abs() + r.abs()) ||
           step.abs() <= 2 * kEpsilon * a.abs();
    if (done.all()) return not_finite.select(r, a);
    lo = (f < 0.0).select(a, lo);
    hi = (f > 0.0).select(a, hi);
    const RowArray newton = a - step;
    const RowArray next = (newton > lo && newton < hi).select(newton, 0.5 * (lo + hi));
    a = done.select(a, next);
  }
  Index column = 0;
  while (done[column]) ++column;
  throw NumericalError(where + ": planar inverse did not converge in " + std::to_string(kMaxIterations) +
                       " iterations at column " + std::to_string(column) +
                       " (solving a + c tanh(a) = r with c = " + std::to_string(c) +
                       ", r = " + std::to_string(r[column]) + ")");
}

}  // namespace liouville::planar
