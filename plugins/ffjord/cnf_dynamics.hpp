// The augmented dynamics of a continuous normalizing flow (Chen et al. 2018;
// FFJORD, Grathwohl et al. 2019, eq. 4), on the state y = [z; l] (dim + 1 rows):
//   dz/dt = f(t, z),   dl/dt = tr(df/dz)(t, z).
// By Liouville's equation (Jacobi's formula), d/dt log|det dz(t)/dz(t0)| =
// tr(df/dz), so integrating from l(t0) = 0 gives l(t1) = log|det dz(t1)/dz(t0)|.
// The trace comes from a TraceEstimator with probes held fixed for the solve.
#pragma once

#include "liouville/core/ode_system.hpp"
#include "liouville/core/trace_estimator.hpp"
#include "liouville/core/vector_field.hpp"

namespace liouville {

class CnfDynamics final : public OdeSystem {
 public:
  // `probes` must outlive the object (the estimator's for one solve, or the
  // columns of them that match the batch chunk this system sees).
  CnfDynamics(const VectorField& field, const TraceEstimator& trace, ConstMatrixRef probes);

  Index rows() const override { return field_.dim() + 1; }

  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override;

  // The l row does not feed back into the dynamics: its cotangent is zero.
  void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override;

 private:
  const VectorField& field_;
  const TraceEstimator& trace_;
  Eigen::Ref<const Matrix> probes_;
};

// dz/dt = f(t, z) on the first dim rows of a CNF state of `rows` rows; the
// others (l and any regularizer channels, which never feed back) get 0. The
// adjoint re-integrates z backwards with it (adjoint_system.hpp): one
// evaluation of f per step instead of f and its trace.
class StateDynamics final : public OdeSystem {
 public:
  // `field` must outlive the object.
  StateDynamics(const VectorField& field, Index rows);

  Index rows() const override { return rows_; }

  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override;

  // Only integrated, never differentiated: throws NotSupported.
  void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override;

 private:
  const VectorField& field_;
  Index rows_;
};

}  // namespace liouville
