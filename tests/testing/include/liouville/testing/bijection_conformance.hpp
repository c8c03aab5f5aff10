// The bijection conformance checks as doctest assertions: the round trip, the
// forward log-determinant against the brute-force Jacobian, and the reverse mode
// against finite differences and Taylor tests (bijection_checks.hpp). Every
// bijection test and the conformance suite run the same sequence through this.
#pragma once

#include <doctest/doctest.h>

#include "liouville/testing/bijection_checks.hpp"

namespace liouville::testing {

struct BijectionTolerances {
  double round_trip = 1e-10;         // |inverse(forward(x)) - x| and |logdet_inverse + logdet_forward|
  double logdet = 1e-8;              // |logdet - log|det J_fd||
  double gradient = 1e-6;            // relative error of the reverse mode
  bool inverse_required = true;      // false: an inverse that throws NotSupported is accepted
  bool parameters_required = false;  // the bijection must have parameters
  BijectionCheckOptions backward;    // finite-difference and Taylor steps
};

inline void check_bijection_conformance(const Bijection& bijection, ParameterStore& store, const Matrix& x,
                                        const Rng& noise, const BijectionTolerances& tolerances = {}) {
  const InverseCheck inverse = check_inverse(bijection, x, noise);
  if (tolerances.inverse_required) REQUIRE(inverse.supported);
  if (inverse.supported) {
    CHECK_MESSAGE(inverse.max_abs_error <= tolerances.round_trip, inverse.report());
    CHECK_MESSAGE(inverse.max_logdet_error <= tolerances.round_trip, inverse.report());
  }
  const LogdetCheck logdet = check_forward_logdet(bijection, x, noise);
  CHECK_MESSAGE(logdet.max_abs_error <= tolerances.logdet, logdet.report());
  const BackwardCheck backward = check_backward(bijection, store, x, noise, tolerances.backward);
  if (tolerances.parameters_required) CHECK(backward.has_parameters);
  CHECK_MESSAGE(backward.passes(tolerances.gradient), backward.report());
}

}  // namespace liouville::testing
