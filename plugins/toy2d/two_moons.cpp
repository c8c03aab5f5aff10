// flowjax's two moons (flowjax.tasks.two_moons): with an angle a ~ U[0, 2 pi), the
// point (2 cos a - 1, 2 sin a) on the upper moon (a < pi) or (2 cos a + 1, 2 sin a)
// on the lower one (a > pi), plus N(0, noise^2 I). Two arcs of radius 2 centred at
// (-1, 0) and (1, 0).
#include <numbers>

#include "generator_dataset.hpp"

namespace liouville {

class TwoMoons final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "two_moons";
  static constexpr std::string_view kSummary = "flowjax's two moons: two interleaved noisy half circles.";
  static constexpr Scalar kRadius = 2;
  static constexpr Scalar kShift = 1;

  static void declare(Schema& schema) {
    declare_size(schema, 5000);
    schema.real("noise").default_value(0.2).min(0).doc("Standard deviation of the Gaussian noise.");
  }

  TwoMoons(const Params& params, BuildContext&) : GeneratorDataset(params, 2), noise_(params.get_real("noise")) {}

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix angle(1, x.cols());
    rng.fill_uniform(angle, 0, 2 * std::numbers::pi);
    rng.fill_normal(x);
    const auto a = angle.row(0).array();
    const auto shift = (kShift * (2 * (a > std::numbers::pi).cast<Scalar>() - 1)).eval();
    x.row(0) = (kRadius * a.cos() + shift + noise_ * x.row(0).array()).matrix();
    x.row(1) = (kRadius * a.sin() + noise_ * x.row(1).array()).matrix();
  }

  Scalar noise_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::TwoMoons)
