// The optional reparameterization of the planar units' u, as flowjax's Planar
// bijection (which the seed's field calls) applies it: for each unit, with
// t = w.u and n = |w|^2,
//   u_hat = u + k w,  k = (m(t) - t) / n,  m(t) = -1 + log(1 + softplus(t)).
// This is the invertibility constraint of Rezende and Mohamed 2015 (appendix A)
// with flowjax's m (the paper's is -1 + softplus(t)). A unit with w = 0 keeps
// u_hat = u (flowjax divides by zero there).
#pragma once

#include "liouville/core/types.hpp"

namespace liouville::planar_cnf {

enum class UnitConstraint { kNone, kFlowjax };

// u_hat from u and w (dim x units each, one unit per column).
void constrain_units(UnitConstraint constraint, ConstMatrixRef u, ConstMatrixRef w, MatrixRef u_hat);

// Reverse mode: given u_hat_bar, accumulates u_bar and w_bar.
void constrain_units_backward(UnitConstraint constraint, ConstMatrixRef u, ConstMatrixRef w,
                              ConstMatrixRef u_hat_bar, MatrixRef u_bar, MatrixRef w_bar);

}  // namespace liouville::planar_cnf
