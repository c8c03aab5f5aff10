// Standardization: the fixed affine map z = (x - mean) / scale per coordinate,
// fitted once on a training set and then part of the model, so densities stay in
// data units: log|det dz/dx| = -sum_i log scale_i is counted in every log p(x).
// It has no trainable parameters; a checkpoint stores mean and scale beside the
// parameters.
//
// DIRECTION: forward maps data to standardized coordinates (towards the base).
#pragma once

#include "liouville/core/bijection.hpp"

namespace liouville {

class Standardization final : public Bijection {
 public:
  // Throws ConfigError if the sizes differ or a scale is not positive and finite.
  Standardization(Vector mean, Vector scale);

  // Mean and (population) standard deviation of the columns of `data`; throws
  // DataError if there are fewer than 2 samples or a coordinate is constant.
  static std::shared_ptr<Standardization> fit(ConstMatrixRef data);

  Index dim() const override { return mean_.size(); }
  const Vector& mean() const { return mean_; }
  const Vector& scale() const { return scale_; }
  Scalar log_abs_det() const { return log_abs_det_; }  // of forward: -sum log scale

  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng& noise,
               std::unique_ptr<Tape>* tape) const override;
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng& noise) const override;
  void backward(const Tape* tape, ConstMatrixRef x, ConstMatrixRef z, ConstMatrixRef z_bar,
                ConstVectorRef logdet_bar, MatrixRef x_bar, VectorRef theta_bar) const override;

 private:
  Vector mean_;
  Vector scale_;
  Scalar log_abs_det_;
};

}  // namespace liouville
