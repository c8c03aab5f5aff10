// Small components with known answers for testing core without plugins.
#pragma once

#include <cmath>
#include <numbers>

#include "liouville/core/bijection.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/parameters.hpp"

namespace liouville::test {

// z = exp(s) * x + b per coordinate: logdet = sum(s).
class ElementwiseAffine final : public Bijection {
 public:
  ElementwiseAffine(ParameterStore& store, const std::string& name, Index dim)
      : log_scale_(store.allocate(name + ".log_scale", dim, 1)), shift_(store.allocate(name + ".shift", dim, 1)) {}

  Index dim() const override { return log_scale_.rows(); }
  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    z = (x.array().colwise() * log_scale_.value().col(0).array().exp()).colwise() + shift_.value().col(0).array();
    logdet.setConstant(log_scale_.value().sum());
  }
  void inverse(ConstMatrixRef z, MatrixRef x, VectorRef logdet, Rng&) const override {
    x = (z.array().colwise() - shift_.value().col(0).array()).colwise() *
        (-log_scale_.value().col(0).array()).exp();
    logdet.setConstant(-log_scale_.value().sum());
  }
  void backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    const Eigen::ArrayXd scale = log_scale_.value().col(0).array().exp();
    x_bar = z_bar.array().colwise() * scale;
    log_scale_.in(theta_bar).col(0).array() +=
        (z_bar.array() * x.array()).rowwise().sum() * scale + logdet_bar.sum();
    shift_.in(theta_bar).col(0) += z_bar.rowwise().sum();
  }

 private:
  ParameterSlice log_scale_;
  ParameterSlice shift_;
};

// z = x + a * tanh(x) per coordinate (invertible for a > -1): a nonlinear layer
// whose backward needs its input, so a chain must hand it the right one.
class ElementwiseTanh final : public Bijection {
 public:
  ElementwiseTanh(ParameterStore& store, const std::string& name, Index dim)
      : a_(store.allocate(name + ".a", dim, 1)) {}

  Index dim() const override { return a_.rows(); }
  void forward(ConstMatrixRef x, MatrixRef z, VectorRef logdet, Rng&, std::unique_ptr<Tape>*) const override {
    const Eigen::ArrayXd a = a_.value().col(0).array();
    z = x.array() + (x.array().tanh().colwise() * a);
    logdet = ((1 - x.array().tanh().square()).colwise() * a + 1).log().colwise().sum().transpose();
  }
  void inverse(ConstMatrixRef, MatrixRef, VectorRef, Rng&) const override {
    throw NotSupported("ElementwiseTanh has no inverse");
  }
  void backward(const Tape*, ConstMatrixRef x, ConstMatrixRef, ConstMatrixRef z_bar, ConstVectorRef logdet_bar,
                MatrixRef x_bar, VectorRef theta_bar) const override {
    const Eigen::ArrayXd a = a_.value().col(0).array();
    const Eigen::ArrayXXd t = x.array().tanh();
    const Eigen::ArrayXXd dt = 1 - t.square();           // tanh'
    const Eigen::ArrayXXd jac = (dt.colwise() * a) + 1;  // dz/dx per coordinate
    const Eigen::ArrayXXd w = logdet_bar.transpose().replicate(x.rows(), 1).array();
    // d log(jac)/dx = a * tanh''(x) / jac with tanh'' = -2 t (1 - t^2)
    x_bar = z_bar.array() * jac + w * ((-2 * t * dt).colwise() * a) / jac;
    a_.in(theta_bar).col(0).array() += (z_bar.array() * t).rowwise().sum() + (w * dt / jac).rowwise().sum();
  }

 private:
  ParameterSlice a_;
};

class StandardGaussian final : public Distribution {
 public:
  explicit StandardGaussian(Index dim) : dim_(dim) {}
  Index dim() const override { return dim_; }
  void log_density(ConstMatrixRef z, VectorRef log_p) const override {
    log_p = -0.5 * z.colwise().squaredNorm().transpose().array() - 0.5 * dim_ * std::log(2 * std::numbers::pi);
  }
  void log_density_gradient(ConstMatrixRef z, MatrixRef gradient) const override { gradient = -z; }
  void sample(Rng& rng, MatrixRef z) const override { rng.fill_normal(z); }

 private:
  Index dim_;
};

}  // namespace liouville::test
