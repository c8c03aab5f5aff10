// The nonlinearity h of a planar layer, evaluated over a batch of scalar
// pre-activations a = w.x + b, and the scalar equation its inverse solves.
//
// The layer's Jacobian determinant is D = 1 + c h'(a) with c = w.u_hat > -1.
// As c approaches -1 (it rounds to -1 for w.u < -37), D is computed from
// 1 + c (held exactly as softplus(w.u)) as D = (1 - h') + (1 + c) h', a sum of
// nonnegative terms with no cancellation.
#pragma once

#include <string>

#include "liouville/core/types.hpp"

namespace liouville::planar {

using RowArray = Eigen::Array<Scalar, 1, Eigen::Dynamic>;

// h(a), h'(a), h''(a) and 1 - h'(a), element by element.
struct Activated {
  RowArray h, d1, d2, one_minus_d1;

  // D = 1 + c h' from 1 + c.
  RowArray determinant(Scalar one_plus_c) const { return one_minus_d1 + one_plus_c * d1; }
};

class PlanarActivation {
 public:
  enum class Kind { kTanh, kLeakyRelu };

  PlanarActivation(Kind kind, Scalar negative_slope) : kind_(kind), slope_(negative_slope) {}

  // h' lies in (0, 1] for both kinds, which is what makes c > -1 sufficient for
  // invertibility.
  Activated evaluate(const RowArray& a) const;

  // The a solving a + c h(a) = r for every column. With 1 + c > 0 the left side
  // increases strictly (its slope is D > 0), so the root is unique. A non-finite
  // r gives a = r. Throws NumericalError naming `where` when a column does not
  // converge.
  RowArray solve(Scalar one_plus_c, const RowArray& r, const std::string& where) const;

 private:
  RowArray solve_tanh(Scalar one_plus_c, const RowArray& r, const std::string& where) const;

  Kind kind_;
  Scalar slope_;
};

}  // namespace liouville::planar
