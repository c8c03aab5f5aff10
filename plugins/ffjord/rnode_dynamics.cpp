#include "rnode_dynamics.hpp"

namespace liouville {

RnodeDynamics::RnodeDynamics(const OdeSystem& cnf, const VectorField& field, ConstMatrixRef probes,
                             RnodeChannels channels)
    : cnf_(cnf), field_(field), probes_(probes), channels_(channels) {}

void RnodeDynamics::rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const {
  const Index dim = field_.dim();
  const Index inner = cnf_.rows();
  cnf_.rhs(t, y.topRows(inner), dy.topRows(inner));
  Index row = inner;
  if (channels_.kinetic) dy.row(row++) = dy.topRows(dim).colwise().squaredNorm();
  if (channels_.jacobian) {
    thread_local Matrix f;
    thread_local Matrix jv;
    f.resize(dim, y.cols());
    jv.resize(dim, y.cols());
    field_.jvp(t, y.topRows(dim), probes_, f, jv);
    dy.row(row) = jv.colwise().squaredNorm();
  }
}

void RnodeDynamics::rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                                 VectorRef theta_bar) const {
  const Index dim = field_.dim();
  const Index inner = cnf_.rows();
  const Index batch = y.cols();
  const Eigen::Ref<const Matrix> z = y.topRows(dim);
  thread_local Matrix f;
  thread_local Matrix jv;
  thread_local Matrix inner_bar;
  f.resize(dim, batch);
  if (channels_.jacobian) {
    jv.resize(dim, batch);
    field_.jvp(t, z, probes_, f, jv);
  } else {
    field_.evaluate(t, z, f);
  }
  inner_bar = dy_bar.topRows(inner);
  Index row = inner;
  if (channels_.kinetic) {
    f.array().rowwise() *= 2 * dy_bar.row(row++).array();
    inner_bar.topRows(dim) += f;
  }
  cnf_.rhs_backward(t, y.topRows(inner), inner_bar, y_bar.topRows(inner), theta_bar);
  if (channels_.jacobian) {
    thread_local Matrix zero_f_bar;
    thread_local Matrix z_bar;
    zero_f_bar.setZero(dim, batch);
    z_bar.resize(dim, batch);
    jv.array().rowwise() *= 2 * dy_bar.row(row).array();
    field_.jvp_backward(t, z, probes_, zero_f_bar, jv, z_bar, theta_bar);
    y_bar.topRows(dim) += z_bar;
  }
  y_bar.bottomRows(channels_.count()).setZero();
}

}  // namespace liouville
