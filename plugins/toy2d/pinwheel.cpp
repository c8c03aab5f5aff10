// FFJORD's "pinwheel" (Grathwohl et al. 2019, after Johnson et al. 2016): 5 arms;
// f = (1 + 0.3 e1, 0.1 e2), e ~ N(0, I), is rotated by -(2 pi k / 5 + 0.25 exp(f1))
// for a uniform arm k, and scaled by 2.
#include <cmath>
#include <numbers>

#include "generator_dataset.hpp"

namespace liouville {

class Pinwheel final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "pinwheel";
  static constexpr std::string_view kSummary = "FFJORD's pinwheel: 5 curved Gaussian arms.";
  static constexpr int kArms = 5;
  static constexpr Scalar kRadialStd = 0.3;
  static constexpr Scalar kTangentialStd = 0.1;
  static constexpr Scalar kRate = 0.25;

  static void declare(Schema& schema) { declare_size(schema, 10000); }

  Pinwheel(const Params& params, BuildContext&) : GeneratorDataset(params, 2) {}

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix arm(1, x.cols());
    rng.fill_uniform(arm, 0, kArms);
    Matrix f(2, x.cols());
    rng.fill_normal(f);
    const auto radial = (1 + kRadialStd * f.row(0).array()).eval();
    const auto tangential = (kTangentialStd * f.row(1).array()).eval();
    const auto angle = (2 * std::numbers::pi / kArms * arm.row(0).array().floor() + kRate * radial.exp()).eval();
    x.row(0) = (2 * (radial * angle.cos() + tangential * angle.sin())).matrix();
    x.row(1) = (2 * (tangential * angle.cos() - radial * angle.sin())).matrix();
  }
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::Pinwheel)
