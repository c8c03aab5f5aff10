// RNODE's regularizers (Finlay et al. 2020, "How to train your neural ODE",
// eqs. 4-5) as extra channels of a CNF's state. The state of the wrapped system
// (cnf_dynamics.hpp, y = [z; l]) gains a row per active regularizer, in order:
//   dE/dt = |f(t, z)|^2        kinetic energy
//   dJ/dt = |(df/dz) eps|^2    Jacobian Frobenius norm (Hutchinson estimate)
// with E(t0) = J(t0) = 0, so E(t1) = int |f|^2 dt and J(t1) = int |df/dz eps|^2 dt.
// RNODE writes eps^T df/dz (a VJP); |A eps|^2 has the same expectation |A|_F^2 for
// any probe with E[eps eps^T] = I (Gaussian or Rademacher), and its reverse mode is
// the vector field's jvp_backward, which the interface provides.
// Nothing feeds back from E or J, so they stay out of step control: they change
// neither the z trajectory nor the accepted steps.
#pragma once

#include "liouville/core/ode_system.hpp"
#include "liouville/core/vector_field.hpp"

namespace liouville {

// Which channels are on; the weights themselves enter only the loss.
struct RnodeChannels {
  bool kinetic = false;
  bool jacobian = false;

  Index count() const { return Index{kinetic} + Index{jacobian}; }
};

class RnodeDynamics final : public OdeSystem {
 public:
  // `cnf` computes [f; tr] on its rows, whose first field.dim() rows are z.
  // `probes` (dim x batch) are the Jacobian channel's; unused without it. Both
  // must outlive the object.
  RnodeDynamics(const OdeSystem& cnf, const VectorField& field, ConstMatrixRef probes, RnodeChannels channels);

  Index rows() const override { return cnf_.rows() + channels_.count(); }

  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override;

  // The cotangent of dE/dt reaches f as 2 E_bar f, that of dJ/dt reaches
  // (df/dz) eps as 2 J_bar (df/dz) eps; the E and J rows get a zero cotangent.
  void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override;

 private:
  const OdeSystem& cnf_;
  const VectorField& field_;
  Eigen::Ref<const Matrix> probes_;
  RnodeChannels channels_;
};

}  // namespace liouville
