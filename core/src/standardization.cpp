#include "liouville/core/standardization.hpp"

#include <cmath>
#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

Standardization::Standardization(Vector mean, Vector scale) : mean_(std::move(mean)), scale_(std::move(scale)) {
  if (mean_.size() != scale_.size() || mean_.size() == 0)
    throw ConfigError("standardization: mean has " + std::to_string(mean_.size()) + " entries and scale " +
                      std::to_string(scale_.size()));
  for (Index i = 0; i < scale_.size(); ++i)
    if (!(scale_[i] > 0 && std::isfinite(scale_[i])) || !std::isfinite(mean_[i]))
      throw ConfigError("standardization: coordinate " + std::to_string(i) + " has mean " +
                        std::to_string(mean_[i]) + " and scale " + std::to_string(scale_[i]) +
                        " (the scale must be positive and both finite)");
  log_abs_det_ = -scale_.array().log().sum();
}

std::shared_ptr<Standardization> Standardization::fit(ConstMatrixRef data) {
  if (data.cols() < 2)
    throw DataError("standardization needs at least 2 training samples, got " + std::to_string(data.cols()));
  Vector mean = data.rowwise().mean();
  Vector scale = ((data.colwise() - mean).array().square().rowwise().mean()).sqrt();
  for (Index i = 0; i < scale.size(); ++i)
    if (!(scale[i] > 0))
      throw DataError("standardization: coordinate " + std::to_string(i) +
                      " is constant over the training set (its standard deviation is 0)");
  return std::make_shared<Standardization>(std::move(mean), std::move(scale));
}

void Standardization::forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&,
                              std::unique_ptr<Tape>*) const {
  z = (x.colwise() - mean_).array().colwise() / scale_.array();
  logdet.setConstant(log_abs_det_);
}

void Standardization::inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const {
  x = (z.array().colwise() * scale_.array()).matrix().colwise() + mean_;
  logdet.setConstant(-log_abs_det_);
}

void Standardization::backward(const Tape*, ConstMatrixRef, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef,
                               MatrixRef x_bar, VectorRef) const {
  x_bar = z_bar.array().colwise() / scale_.array();
}

}  // namespace liouville
