// The bijection kit on images. Up to 16 dimensions it is the kit itself
// (check_bijection_conformance). Above, where the kit's brute-force Jacobian
// stops, the round trip and the reverse mode (finite differences and Taylor
// tests) are still the kit's, and forward's logdet is compared with log|det J|
// for the Jacobian J assembled row by row from the reverse mode (row i is
// backward with z_bar = e_i), which the finite differences have just checked.
//
// Gradient entries are compared to 1e-6 relative, or 1e-8 absolute below 1e-2
// (gradient_floor): central differences of L = <a, z> + <b, logdet> carry a
// round-off of about ulp(|L|) / h, 1e-9 for the |L| ~ 1e2 of a 64-dimensional
// batch, which no entry much below 1e-3 can meet at 1e-6 relative.
#pragma once

#include <doctest/doctest.h>

#include <Eigen/LU>
#include <memory>

#include "liouville/core/bijection.hpp"
#include "liouville/testing/bijection_conformance.hpp"

namespace liouville::testing {

// max_j |logdet_j - log|det J_j|| with J_j from the reverse mode at sample j.
inline double reverse_mode_logdet_error(const Bijection& bijection, Index parameter_count, const Matrix& x) {
  const Index dim = x.rows();
  double worst = 0;
  for (Index j = 0; j < x.cols(); ++j) {
    const Matrix sample = x.col(j);
    Matrix z(dim, 1);
    Vector logdet(1);
    std::unique_ptr<Tape> tape;
    Rng noise(5);
    bijection.forward(sample, z, logdet, noise, &tape);
    Matrix jacobian(dim, dim);
    Matrix row_bar(dim, 1);
    Vector theta_bar = Vector::Zero(parameter_count);
    const Vector no_logdet_bar = Vector::Zero(1);
    for (Index i = 0; i < dim; ++i) {
      bijection.backward(tape.get(), sample, z, Matrix::Identity(dim, dim).col(i), no_logdet_bar, row_bar,
                         theta_bar);
      jacobian.row(i) = row_bar.col(0).transpose();
    }
    const Eigen::PartialPivLU<Matrix> lu(jacobian);
    worst = std::max(worst, std::abs(logdet(0) - lu.matrixLU().diagonal().cwiseAbs().array().log().sum()));
  }
  return worst;
}

inline void check_image_bijection(const Bijection& bijection, ParameterStore& store, const Matrix& x) {
  BijectionTolerances tolerances;
  tolerances.parameters_required = store.size() > 0;
  tolerances.backward.taylor_step = 1e-3;  // small enough that the O(h^3) term does not skew the ratios
  tolerances.backward.gradient_floor = 1e-2;
  const Rng noise(5);
  if (x.rows() <= 16) {
    check_bijection_conformance(bijection, store, x, noise, tolerances);
    return;
  }
  const InverseCheck inverse = check_inverse(bijection, x, noise);
  REQUIRE(inverse.supported);
  CHECK_MESSAGE(inverse.max_abs_error <= tolerances.round_trip, inverse.report());
  CHECK_MESSAGE(inverse.max_logdet_error <= tolerances.round_trip, inverse.report());
  const BackwardCheck backward = check_backward(bijection, store, x, noise, tolerances.backward);
  CHECK_MESSAGE(backward.passes(tolerances.gradient), backward.report());
  CHECK(reverse_mode_logdet_error(bijection, store.size(), x) <= tolerances.logdet);
}

}  // namespace liouville::testing
