// planar_cnf: the continuous planar flow of Chen et al. 2018 (section 4.1, eq. 10),
// with time gates:
//
//   f(t, z) = sum_i g_i(t) phi_i(z),  phi_i(z) = u_i h(w_i.z + b_i)  (+ z with include_identity),
//
// i = 1..units, g_i a scalar network of t (gate_bank.hpp). include_identity
// gates flowjax's planar transform z + u_i h(...) instead of the update alone:
// the seed's variant. u_i may be reparameterized as flowjax does (unit_constraint.hpp).
//
// Its divergence has a closed form: with a_i = w_i.z + b_i,
//   div f = sum_i g_i(t) h'(a_i) (w_i.u_i)  (+ dim sum_i g_i(t) with include_identity),
// which the exact trace estimator uses instead of dim JVPs.
//
// Parameters: "<path>.u" and "<path>.w" (dim x units, unit i in column i),
// "<path>.b" (units x 1), then the gates' slices.
#pragma once

#include <liouville/plugin.hpp>
#include <string>

#include "activation.hpp"
#include "gate_bank.hpp"
#include "unit_constraint.hpp"

namespace liouville::planar_cnf {

class PlanarCnf final : public VectorField {
 public:
  static constexpr std::string_view kName = "planar_cnf";
  static constexpr std::string_view kSummary =
      "Planar CNF f(t, z) = sum_i g_i(t) u_i h(w_i.z + b_i) (Chen et al. 2018) with a closed-form divergence.";

  static void declare(Schema& schema);
  PlanarCnf(const Params& params, BuildContext& context);

  Index dim() const override { return dim_; }
  // w_i.z and u_i h(a_i) per unit; the gates depend on t alone.
  double multiply_adds_per_column() const override { return 2.0 * static_cast<double>(units_ * dim_); }
  void evaluate(Scalar t, ConstMatrixRef z, MatrixRef f) const override;
  void jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const override;
  Scalar vjp(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar,
             VectorRef theta_bar) const override;
  Scalar jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar, ConstMatrixRef jv_bar,
                      MatrixRef z_bar, VectorRef theta_bar) const override;
  bool has_divergence() const override { return true; }
  void divergence(Scalar t, ConstMatrixRef z, MatrixRef f, VectorRef div) const override;
  Scalar divergence_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, ConstVectorRef div_bar,
                             MatrixRef z_bar, VectorRef theta_bar) const override;

 private:
  struct Workspace;

  // The gates, u_hat, a = W^T z + b and h(a) with `order` derivatives, and f.
  Workspace& forward(Scalar t, ConstMatrixRef z, int order) const;
  // Reverse mode shared by every pass, from the cotangents of a, u_hat and g
  // (and of the identity term's z): z_bar = W a_bar (+ s f_bar), then theta_bar.
  Scalar backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, Workspace& work, MatrixRef z_bar,
                  VectorRef theta_bar) const;
  void check_block(const char* name, Index rows, Index cols, Index batch) const;
  void check_length(const char* name, Index size, Index batch) const;
  void check_gradient_size(Index size) const;

  std::string path_;
  Index dim_ = 0;
  Index units_ = 0;
  Activation activation_ = Activation::kTanh;
  bool include_identity_ = false;
  UnitConstraint constraint_ = UnitConstraint::kNone;
  ParameterSlice u_;
  ParameterSlice w_;
  ParameterSlice b_;
  GateBank gates_;
  Index parameter_end_ = 0;
};

}  // namespace liouville::planar_cnf
