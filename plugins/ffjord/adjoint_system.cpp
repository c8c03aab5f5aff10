#include "adjoint_system.hpp"

#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

AdjointSystem::AdjointSystem(const OdeSystem& forward, const OdeSystem& state, Index batch, Index controlled,
                             ParameterBlock parameters, Index model_parameters)
    : forward_(forward),
      state_(state),
      rows_(forward.rows()),
      batch_(batch),
      controlled_(controlled),
      parameters_(parameters),
      y_(rows_, batch),
      a_(rows_, batch),
      f_(rows_, batch),
      a_dot_(rows_, batch),
      theta_dot_(Vector::Zero(model_parameters)) {
  if (state.rows() != rows_)
    throw ConfigError("adjoint: the state system has " + std::to_string(state.rows()) + " rows, the dynamics " +
                      std::to_string(rows_));
  if (controlled < 1 || controlled > rows_)
    throw ConfigError("adjoint: " + std::to_string(controlled) + " controlled rows of a system with " +
                      std::to_string(rows_));
  if (parameters.offset < 0 || parameters.size < 0 || parameters.offset + parameters.size > model_parameters)
    throw DataError("adjoint: the system's parameters [" + std::to_string(parameters.offset) + ", " +
                    std::to_string(parameters.offset + parameters.size) + ") lie outside a gradient of " +
                    std::to_string(model_parameters) + " values");
}

std::vector<Index> AdjointSystem::norm_group_ends(bool seminorm) const {
  std::vector<Index> ends{controlled_ * batch_, 2 * controlled_ * batch_};
  if (!seminorm && parameters_.size > 0) ends.push_back(2 * controlled_ * batch_ + parameters_.size);
  return ends;
}

void AdjointSystem::gather(const Scalar* state, Offsets at, Matrix& out) const {
  out.topRows(controlled_) = Eigen::Map<const Matrix>(state + at.controlled, controlled_, batch_);
  out.bottomRows(rows_ - controlled_) = Eigen::Map<const Matrix>(state + at.passive, rows_ - controlled_, batch_);
}

void AdjointSystem::scatter(const Matrix& in, Scalar sign, Offsets at, Scalar* state) const {
  Eigen::Map<Matrix>(state + at.controlled, controlled_, batch_) = sign * in.topRows(controlled_);
  Eigen::Map<Matrix>(state + at.passive, rows_ - controlled_, batch_) = sign * in.bottomRows(rows_ - controlled_);
}

void AdjointSystem::pack(ConstMatrixRef y, ConstMatrixRef a, VectorRef state) const {
  y_ = y;
  a_ = a;
  scatter(y_, 1, y_offsets(), state.data());
  scatter(a_, 1, a_offsets(), state.data());
  state.segment(theta_offset(), parameters_.size).setZero();
}

void AdjointSystem::unpack(ConstVectorRef state, MatrixRef a, VectorRef theta_bar) const {
  // rhs zeroes only the block, so a parameter gradient the system wrote elsewhere
  // (parameters shared with another component) is still here; it would be lost.
  const Index end = parameters_.offset + parameters_.size;
  if (!theta_dot_.head(parameters_.offset).isZero(0) || !theta_dot_.tail(theta_dot_.size() - end).isZero(0))
    throw NotSupported("adjoint: the system has parameters outside its block [" +
                       std::to_string(parameters_.offset) + ", " + std::to_string(end) +
                       ") of the gradient; use gradient: discrete");
  gather(state.data(), a_offsets(), a_);
  a = a_;
  theta_bar.segment(parameters_.offset, parameters_.size) += state.segment(theta_offset(), parameters_.size);
}

// The state is a single contiguous column (rows() x 1), read through raw offsets.
void AdjointSystem::rhs(Scalar t, ConstMatrixRef state, MatrixRef state_dot) const {
  gather(state.data(), y_offsets(), y_);
  gather(state.data(), a_offsets(), a_);
  state_.rhs(t, y_, f_);
  scatter(f_, 1, y_offsets(), state_dot.data());
  auto theta_block = theta_dot_.segment(parameters_.offset, parameters_.size);
  theta_block.setZero();
  forward_.rhs_backward(t, y_, a_, a_dot_, theta_dot_);
  scatter(a_dot_, -1, a_offsets(), state_dot.data());
  state_dot.col(0).segment(theta_offset(), parameters_.size) = -theta_block;
}

void AdjointSystem::rhs_backward(Scalar, ConstMatrixRef, ConstMatrixRef, MatrixRef, VectorRef) const {
  throw NotSupported("adjoint system: the adjoint ODE has no reverse mode (it is not differentiated again)");
}

}  // namespace liouville
