// VectorField: f(t, z; theta), the dynamics dz/dt of a continuous flow.
//
// All methods work on a whole batch (z is dim x batch, one column per sample) and
// are const and re-entrant. Derivatives are hand-written; the conformance suite
// checks each against finite differences.
//   jvp:           f and J v, with J = df/dz at each column (v is dim x batch)
//   vjp:           z_bar = J^T f_bar; theta_bar += (df/dtheta)^T f_bar
//   jvp_backward:  reverse mode of (f, J v) with respect to (z, theta) at fixed v,
//                  needed for the gradient of a trace estimate (FFJORD training)
//   divergence:    optional: f and div f = tr(df/dz) per column, exact and
//                  cheaper than dim JVPs (a closed form, or all dim unit tangents
//                  in one pass), which the exact trace estimator uses instead; a
//                  field without one returns false from has_divergence() and
//                  throws NotSupported from divergence and divergence_backward
// Each returns the cotangent of t (summed over the batch), so an end time can be
// learned and the derivative in t checked.
//   multiply_adds_per_column: the cost of evaluate() that grows with the batch,
//                  per column; a CNF sizes its thread chunks by it.
#pragma once

#include <string_view>

#include "liouville/core/component.hpp"
#include "liouville/core/types.hpp"

namespace liouville {

class VectorField : public Component {
 public:
  static constexpr std::string_view kInterface = "VectorField";

  virtual Index dim() const = 0;

  // Multiply-adds of evaluate() per column, leaving out the work done once per
  // call whatever the batch (a network of t alone, say).
  virtual double multiply_adds_per_column() const = 0;

  virtual void evaluate(Scalar t, ConstMatrixRef z, MatrixRef f) const = 0;

  virtual void jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const = 0;

  // Returns t_bar = sum_j f_bar_j . df_j/dt.
  virtual Scalar vjp(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar,
                     VectorRef theta_bar) const = 0;

  // Given cotangents f_bar of f and jv_bar of J v: z_bar is overwritten, theta_bar
  // accumulated. Returns t_bar.
  virtual Scalar jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar,
                              ConstMatrixRef jv_bar, MatrixRef z_bar, VectorRef theta_bar) const = 0;

  // Whether divergence and divergence_backward are available.
  virtual bool has_divergence() const = 0;

  // f = f(t, z) and div(j) = tr(df/dz) at column j.
  virtual void divergence(Scalar t, ConstMatrixRef z, MatrixRef f, VectorRef div) const = 0;

  // Given cotangents f_bar of f and div_bar of div: z_bar is overwritten,
  // theta_bar accumulated. Returns t_bar.
  virtual Scalar divergence_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, ConstVectorRef div_bar,
                                     MatrixRef z_bar, VectorRef theta_bar) const = 0;
};

}  // namespace liouville
