#include "cnf_dynamics.hpp"

#include "liouville/core/errors.hpp"

namespace liouville {

CnfDynamics::CnfDynamics(const VectorField& field, const TraceEstimator& trace, ConstMatrixRef probes)
    : field_(field), trace_(trace), probes_(probes) {}

void CnfDynamics::rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const {
  const Index dim = field_.dim();
  thread_local Vector trace;
  trace.resize(y.cols());
  trace_.evaluate(field_, probes_, t, y.topRows(dim), dy.topRows(dim), trace);
  dy.row(dim) = trace.transpose();
}

void CnfDynamics::rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                               VectorRef theta_bar) const {
  const Index dim = field_.dim();
  thread_local Vector trace_bar;
  trace_bar = dy_bar.row(dim).transpose();
  trace_.backward(field_, probes_, t, y.topRows(dim), dy_bar.topRows(dim), trace_bar, y_bar.topRows(dim),
                  theta_bar);
  y_bar.row(dim).setZero();
}

StateDynamics::StateDynamics(const VectorField& field, Index rows) : field_(field), rows_(rows) {}

void StateDynamics::rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const {
  const Index dim = field_.dim();
  field_.evaluate(t, y.topRows(dim), dy.topRows(dim));
  dy.bottomRows(rows_ - dim).setZero();
}

void StateDynamics::rhs_backward(Scalar, ConstMatrixRef, ConstMatrixRef, MatrixRef, VectorRef) const {
  throw NotSupported("ffjord state dynamics: only the adjoint's re-integration of z uses them; no reverse mode");
}

}  // namespace liouville
