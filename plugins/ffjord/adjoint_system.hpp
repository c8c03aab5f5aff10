// The backward system of the continuous adjoint (Chen et al. 2018, Alg. 1) of
// an OdeSystem y' = F(t, y; theta), whose reverse mode rhs_backward gives the
// vector-Jacobian products:
//   dy/dt       =  F(t, y)
//   da/dt       = -(dF/dy)^T a
//   da_theta/dt = -(dF/dtheta)^T a
// Integrated from t1 back to t0 with y(t1) from the forward solve, a(t1) = dL/dy(t1)
// and a_theta(t1) = 0, it ends with a(t0) = dL/dy(t0) and a_theta(t0) = dL/dtheta.
//
// For a CNF (cnf_dynamics.hpp, F = [f; tr df/dz] on y = [z; l], l(t1) = logdet)
// rhs_backward is the vector field's VJP plus the trace estimator's reverse mode
// with the probes of the forward solve, so this is FFJORD's adjoint (Grathwohl
// et al. 2019, with l = -log p):
//   da_z/dt     = -a_z^T df/dz     - a_l d tr/dz
//   da_theta/dt = -a_z^T df/dtheta - a_l d tr/dtheta
//   da_l/dt     =  0 (l never feeds back), so a_l stays logdet_bar,
// and l itself is not re-integrated: dy/dt needs only dz/dt = f, not the trace.
//
// Layout. The driver integrates a rows x batch matrix whose columns are separate
// samples, but a_theta is one vector shared by the batch (the gradient sums over
// it). Replicating it per column would cost P x batch and a per-sample parameter
// VJP. Instead the whole state is ONE column:
//   [ y_c | a_c | a_theta | y_p | a_p ]
// y_c and a_c are the first C rows (the controlled rows of the forward solve) of
// every sample of y and a (C x batch, column-major); a_theta holds the P
// parameters of the system's ParameterBlock; y_p and a_p are the remaining
// passive rows (for a CNF l and a_l). Step control covers a prefix: y_c, a_c
// and a_theta, or with a seminorm (Kidger, Chen and Lyons 2021, "Hey, that's not
// an ODE") only y_c and a_c. The passive rows stay out of control, as in the
// forward solve. The error norm is the largest of the groups' RMS norms (a mixed
// norm, as in torchdiffeq): a flat RMS over all of them would let the P entries
// of a_theta dilute the control of z and a_z when P >> C x batch, and then
// dropping a_theta would take more steps, not fewer.
#pragma once

#include <vector>

#include "liouville/core/ode_system.hpp"
#include "solve_gradient.hpp"

namespace liouville {

class AdjointSystem final : public OdeSystem {
 public:
  // `forward` and `state` must outlive the object. `controlled` is C
  // (1 <= C <= forward.rows()); the passive rows must not feed back (F and its
  // reverse mode never read them), so y's are not re-integrated: `state`, of
  // forward's shape, gives dy/dt on the controlled rows and 0 on the others (a
  // CNF's f without its trace). `model_parameters` is the size of the flat
  // parameter vector the block lies in. rhs works in member buffers: one solve
  // at a time.
  AdjointSystem(const OdeSystem& forward, const OdeSystem& state, Index batch, Index controlled,
                ParameterBlock parameters, Index model_parameters);

  Index rows() const override { return 2 * rows_ * batch_ + parameters_.size; }

  // The error norm's groups (IntegrateOptions::norm_group_ends): y_c, a_c and,
  // unless `seminorm`, a_theta, each with its own RMS norm.
  std::vector<Index> norm_group_ends(bool seminorm) const;

  // state = [y, a, a_theta = 0] from y and a (rows x batch each).
  void pack(ConstMatrixRef y, ConstMatrixRef a, VectorRef state) const;

  // a = the adjoint part of state; theta_bar += a_theta (in the block). Throws
  // NotSupported if the system wrote parameter gradients outside its block.
  void unpack(ConstVectorRef state, MatrixRef a, VectorRef theta_bar) const;

  void rhs(Scalar t, ConstMatrixRef state, MatrixRef state_dot) const override;

  // The adjoint is not differentiated again: throws NotSupported.
  void rhs_backward(Scalar t, ConstMatrixRef state, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override;

 private:
  // Where the controlled and the passive rows of y (or a) start in the column.
  struct Offsets {
    Index controlled;
    Index passive;
  };
  Offsets y_offsets() const { return {0, 2 * controlled_ * batch_ + parameters_.size}; }
  Offsets a_offsets() const {
    return {controlled_ * batch_, 2 * controlled_ * batch_ + parameters_.size + passive_size()};
  }
  Index theta_offset() const { return 2 * controlled_ * batch_; }
  Index passive_size() const { return (rows_ - controlled_) * batch_; }

  void gather(const Scalar* state, Offsets at, Matrix& out) const;
  void scatter(const Matrix& in, Scalar sign, Offsets at, Scalar* state) const;

  const OdeSystem& forward_;
  const OdeSystem& state_;
  Index rows_;
  Index batch_;
  Index controlled_;
  ParameterBlock parameters_;
  mutable Matrix y_;
  mutable Matrix a_;
  mutable Matrix f_;
  mutable Matrix a_dot_;
  mutable Vector theta_dot_;  // the model's layout; only the block is used
};

}  // namespace liouville
