// The limited memory of L-BFGS: the newest curvature pairs s = x+ - x,
// y = g+ - g, and the two-loop recursion (Nocedal and Wright 2006, Algorithm 7.4)
// applying the inverse-Hessian approximation they define to a vector, with the
// initial scaling H0 = (s'y / y'y) I from the newest pair (N&W eq. 7.20).
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::lbfgs {

class LbfgsMemory {
 public:
  // A pair is skipped when s'y <= kCurvatureTolerance ||s|| ||y||: it would make
  // the approximation indefinite or badly conditioned.
  static constexpr Scalar kCurvatureTolerance = 1e-10;

  LbfgsMemory(Index dim, Index capacity);

  // Stores the pair (dropping the oldest one when full) unless its curvature is
  // too small; returns whether it was stored.
  bool push(ConstVectorRef s, ConstVectorRef y);
  void clear() { size_ = 0; }
  Index size() const { return size_; }
  // The pair `age` steps older than the newest (age < size()).
  Vector s(Index age) const { return s_.col(column(age)); }
  Vector y(Index age) const { return y_.col(column(age)); }

  // out = H v; out = v while the memory is empty.
  void apply_inverse_hessian(ConstVectorRef v, VectorRef out);

 private:
  Index column(Index age) const;  // storage column of the pair `age` steps older than the newest

  Matrix s_;  // dim x capacity, a ring of columns
  Matrix y_;
  Vector rho_;    // 1 / s'y per column
  Vector alpha_;  // two-loop coefficients, per column
  Index newest_ = -1;
  Index size_ = 0;
};

}  // namespace liouville::lbfgs
