// FFJORD's "moons" (Grathwohl et al. 2019, toy data): scikit-learn's make_moons with
// noise 0.1, scaled by 2 and shifted by (-1, -0.2). With a ~ U[0, pi], a point lies on
// the upper moon (2 cos a - 1, 2 sin a - 0.2) or the lower one (1 - 2 cos a,
// 0.8 - 2 sin a) with equal chance, plus N(0, noise^2 I); noise 0.2 is make_moons'
// 0.1 after the scaling. make_moons spaces the angles evenly; here they are uniform
// draws, so that every point is independent. Unlike two_moons (flowjax), the arcs'
// centres (-1, -0.2) and (1, 0.8) are one unit apart vertically.
#include <numbers>

#include "generator_dataset.hpp"

namespace liouville {

class Moons final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "moons";
  static constexpr std::string_view kSummary = "FFJORD's moons: scikit-learn's make_moons scaled by 2.";

  static void declare(Schema& schema) {
    declare_size(schema, 10000);
    schema.real("noise").default_value(0.2).min(0).doc("Standard deviation of the Gaussian noise (data units).");
  }

  Moons(const Params& params, BuildContext&) : GeneratorDataset(params, 2), noise_(params.get_real("noise")) {}

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix draws(2, x.cols());  // row 0: the angle, row 1: which moon
    rng.fill_uniform(draws, 0, 1);
    rng.fill_normal(x);
    const auto angle = (std::numbers::pi * draws.row(0).array()).eval();
    const auto sign = (1 - 2 * (draws.row(1).array() < 0.5).cast<Scalar>()).eval();  // -1 upper, +1 lower
    x.row(0) = (sign * (1 - 2 * angle.cos()) + noise_ * x.row(0).array()).matrix();
    x.row(1) = (0.3 + sign * (0.5 - 2 * angle.sin()) + noise_ * x.row(1).array()).matrix();
  }

  Scalar noise_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::Moons)
