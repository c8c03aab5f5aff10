#include "unit_constraint.hpp"

#include <algorithm>
#include <cmath>

namespace liouville::planar_cnf {
namespace {

Scalar softplus(Scalar t) { return std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))); }
Scalar sigmoid(Scalar t) { return 1.0 / (1.0 + std::exp(-t)); }

// m(t) = -1 + log(1 + softplus(t)), m'(t) = sigmoid(t) / (1 + softplus(t)).
Scalar m(Scalar t) { return -1.0 + std::log1p(softplus(t)); }
Scalar m_slope(Scalar t) { return sigmoid(t) / (1.0 + softplus(t)); }

}  // namespace

void constrain_units(UnitConstraint constraint, ConstMatrixRef u, ConstMatrixRef w, MatrixRef u_hat) {
  u_hat = u;
  if (constraint == UnitConstraint::kNone) return;
  for (Index i = 0; i < u.cols(); ++i) {
    const Scalar n = w.col(i).squaredNorm();
    if (n == 0) continue;
    const Scalar t = w.col(i).dot(u.col(i));
    u_hat.col(i) += (m(t) - t) / n * w.col(i);
  }
}

// Through u_hat = u + k w with k(t, n): k_bar = u_hat_bar.w, then
// dk/dt = (m'(t) - 1) / n, dk/dn = -k / n, t = w.u, n = w.w.
void constrain_units_backward(UnitConstraint constraint, ConstMatrixRef u, ConstMatrixRef w,
                              ConstMatrixRef u_hat_bar, MatrixRef u_bar, MatrixRef w_bar) {
  u_bar += u_hat_bar;
  if (constraint == UnitConstraint::kNone) return;
  for (Index i = 0; i < u.cols(); ++i) {
    const Scalar n = w.col(i).squaredNorm();
    if (n == 0) continue;
    const Scalar t = w.col(i).dot(u.col(i));
    const Scalar k = (m(t) - t) / n;
    const Scalar k_bar = u_hat_bar.col(i).dot(w.col(i));
    const Scalar t_bar = k_bar * (m_slope(t) - 1.0) / n;
    const Scalar n_bar = -k_bar * k / n;
    u_bar.col(i) += t_bar * w.col(i);
    w_bar.col(i) += k * u_hat_bar.col(i) + t_bar * u.col(i) + 2.0 * n_bar * w.col(i);
  }
}

}  // namespace liouville::planar_cnf
