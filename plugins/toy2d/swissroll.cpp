// FFJORD's "swissroll" (Grathwohl et al. 2019): scikit-learn's swiss roll with noise
// 1 seen from above and divided by 5: (t cos t + e1, t sin t + e2) / 5 with
// t ~ U[1.5 pi, 4.5 pi), e ~ N(0, I).
#include <numbers>

#include "generator_dataset.hpp"

namespace liouville {

class Swissroll final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "swissroll";
  static constexpr std::string_view kSummary = "FFJORD's swiss roll: a noisy spiral t (cos t, sin t) / 5.";
  static constexpr Scalar kStart = 1.5 * std::numbers::pi;
  static constexpr Scalar kEnd = 4.5 * std::numbers::pi;
  static constexpr Scalar kScale = 5;

  static void declare(Schema& schema) { declare_size(schema, 10000); }

  Swissroll(const Params& params, BuildContext&) : GeneratorDataset(params, 2) {}

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix t(1, x.cols());
    rng.fill_uniform(t, kStart, kEnd);
    rng.fill_normal(x);
    const auto angle = t.row(0).array();
    x.row(0) = ((angle * angle.cos() + x.row(0).array()) / kScale).matrix();
    x.row(1) = ((angle * angle.sin() + x.row(1).array()) / kScale).matrix();
  }
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::Swissroll)
