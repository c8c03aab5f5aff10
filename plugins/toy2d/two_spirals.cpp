// FFJORD's "2spirals" (Grathwohl et al. 2019): with n = 3 pi sqrt(u), u ~ U[0, 1),
// the point s (-n cos n + a1, n sin n + a2) / 3 + 0.1 e with a ~ U[0, 0.5)^2, a
// uniform sign s (one spiral and its mirror image) and e ~ N(0, I).
#include <numbers>

#include "generator_dataset.hpp"

namespace liouville {

class TwoSpirals final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "2spirals";
  static constexpr std::string_view kSummary = "FFJORD's two interleaved spirals.";
  static constexpr Scalar kTurn = 3 * std::numbers::pi;  // 540 degrees
  static constexpr Scalar kJitter = 0.5;
  static constexpr Scalar kScale = 3;
  static constexpr Scalar kNoise = 0.1;

  static void declare(Schema& schema) { declare_size(schema, 10000); }

  TwoSpirals(const Params& params, BuildContext&) : GeneratorDataset(params, 2) {}

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix draws(4, x.cols());
    rng.fill_uniform(draws, 0, 1);
    rng.fill_normal(x);
    const auto n = (kTurn * draws.row(0).array().sqrt()).eval();
    const auto sign = (2 * (2 * draws.row(3).array()).floor() - 1).eval();
    x.row(0) =
        (sign * (-n * n.cos() + kJitter * draws.row(1).array()) / kScale + kNoise * x.row(0).array()).matrix();
    x.row(1) =
        (sign * (n * n.sin() + kJitter * draws.row(2).array()) / kScale + kNoise * x.row(1).array()).matrix();
  }
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::TwoSpirals)
