#include "liouville/core/density_model.hpp"

#include <algorithm>
#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

DensityModel::DensityModel(std::shared_ptr<Distribution> base, std::shared_ptr<Bijection> flow, ModelLabels labels)
    : base_(std::move(base)), flow_(std::move(flow)), labels_(std::move(labels)) {
  if (base_->dim() != flow_->dim())
    throw ConfigError("the base distribution has dimension " + std::to_string(base_->dim()) +
                      " but the flow has dimension " + std::to_string(flow_->dim()));
}

Vector DensityModel::log_density(ConstMatrixRef x, Rng& noise) const {
  Vector log_p(x.cols());
  for (Index begin = 0; begin < x.cols(); begin += kEvaluationBlock) {
    const Index width = std::min(kEvaluationBlock, x.cols() - begin);
    Matrix z(x.rows(), width);
    Vector logdet(width), base_log_p(width);
    flow_->forward(x.middleCols(begin, width), z, logdet, noise, nullptr);
    base_->log_density(z, base_log_p);
    log_p.segment(begin, width) = base_log_p + logdet;
  }
  return log_p;
}

LikelihoodTerms DensityModel::negative_log_likelihood(ConstMatrixRef x, Rng& noise, VectorRef theta_bar) const {
  const Index n = x.cols();
  Matrix z(x.rows(), n);
  Vector logdet(n);
  std::unique_ptr<Tape> tape;
  flow_->forward(x, z, logdet, noise, &tape);
  Vector log_p(n);
  base_->log_density(z, log_p);
  // L = -(1/n) sum_j [log p_z(z_j) + logdet_j]
  Matrix z_bar(x.rows(), n);
  base_->log_density_gradient(z, z_bar);
  z_bar *= -1.0 / static_cast<Scalar>(n);
  const Vector logdet_bar = Vector::Constant(n, -1.0 / static_cast<Scalar>(n));
  Matrix x_bar(x.rows(), n);
  const Scalar penalty = tape ? tape->penalty : 0;
  if (tape) tape->penalty_bar = 1;
  flow_->backward(tape.get(), x, z, z_bar, logdet_bar, x_bar, theta_bar);
  return {-(log_p + logdet).mean(), 0.5 * z.colwise().squaredNorm().mean(), logdet.mean(), penalty};
}

Matrix DensityModel::sample(Index n, Rng& rng) const {
  Matrix z(dim(), n);
  base_->sample(rng, z);
  Matrix x(dim(), n);
  for (Index begin = 0; begin < n; begin += kEvaluationBlock) {
    const Index width = std::min(kEvaluationBlock, n - begin);
    Vector logdet(width);
    flow_->inverse(z.middleCols(begin, width), x.middleCols(begin, width), logdet, rng);
  }
  return x;
}

}  // namespace liouville
