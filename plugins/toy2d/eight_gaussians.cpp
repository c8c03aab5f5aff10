// FFJORD's "8gaussians" (Grathwohl et al. 2019): an equal-weight mixture of 8
// isotropic Gaussians with means 2 sqrt(2) (cos(k pi/4), sin(k pi/4)) and standard
// deviation 1 / (2 sqrt(2)) (FFJORD's scale 4, std 0.5, then division by sqrt(2)).
#include <cmath>
#include <numbers>

#include "generator_dataset.hpp"

namespace liouville {

class EightGaussians final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "8gaussians";
  static constexpr std::string_view kSummary = "FFJORD's mixture of 8 Gaussians on a circle of radius 2 sqrt(2).";
  static constexpr int kComponents = 8;
  static constexpr Scalar kRadius = 2 * std::numbers::sqrt2;
  static constexpr Scalar kStd = 0.5 / std::numbers::sqrt2;

  static void declare(Schema& schema) { declare_size(schema, 10000); }

  EightGaussians(const Params& params, BuildContext&) : GeneratorDataset(params, 2), means_(2, kComponents) {
    for (int k = 0; k < kComponents; ++k) {
      const Scalar angle = k * std::numbers::pi / 4;
      means_.col(k) << kRadius * std::cos(angle), kRadius * std::sin(angle);
    }
  }

  bool has_log_density() const override { return true; }

  // log p(x) = logsumexp_k(-|x - m_k|^2 / (2 s^2)) - log 8 - log(2 pi s^2)
  void log_density(ConstMatrixRef x, VectorRef log_p) const override {
    check_density_batch(x, log_p);
    Matrix exponents(kComponents, x.cols());
    for (int k = 0; k < kComponents; ++k)
      exponents.row(k) = -(x.colwise() - means_.col(k)).colwise().squaredNorm() / (2 * kStd * kStd);
    const Eigen::RowVectorXd largest = exponents.colwise().maxCoeff();
    const Eigen::RowVectorXd sum = (exponents.rowwise() - largest).array().exp().colwise().sum();
    const Scalar constant = -std::log(Scalar{kComponents}) - std::log(2 * std::numbers::pi * kStd * kStd);
    log_p = (largest.array() + sum.array().log() + constant).transpose();
  }

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix component(1, x.cols());
    rng.fill_uniform(component, 0, kComponents);
    rng.fill_normal(x);
    x *= kStd;
    for (Index i = 0; i < x.cols(); ++i) x.col(i) += means_.col(static_cast<Index>(component(0, i)));
  }

  Matrix means_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::EightGaussians)
