// InvertibleNetworks.jl's banana (sample_banana, c = [c1, c2]): with z ~ N(0, I),
//   x1 = z1 / c1,   x2 = c1 z2 + c1 c2 (z1^2 + c1^2).
// The map z -> x is triangular with diagonal (1 / c1, c1), so its Jacobian is 1 and
//   log p(x) = log N(z1; 0, 1) + log N(z2; 0, 1),  z1 = c1 x1,
//   z2 = x2 / c1 - c2 (z1^2 + c1^2):
// the entropy, and so the best possible NLL, is log(2 pi e) = 2.838 nats for all c.
// With the default c = [1, 4]: x1 = z1, x2 = z2 + 4 (z1^2 + 1).
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "generator_dataset.hpp"

namespace liouville {

class Banana final : public GeneratorDataset {
 public:
  static constexpr std::string_view kName = "banana";
  static constexpr std::string_view kSummary =
      "InvertibleNetworks.jl's banana: x1 = z1 / c1, x2 = c1 z2 + c1 c2 (z1^2 + c1^2), with its exact density.";

  static void declare(Schema& schema) {
    declare_size(schema, 60000);
    schema.real_list("c")
        .default_value(std::vector<double>{1.0, 4.0})
        .min_size(2)
        .max_size(2)
        .doc("[c1, c2]: c1 > 0 scales x1 by 1 / c1 and x2 by c1; c2 is the curvature.");
    schema.check([](const Params& params) -> std::optional<std::string> {
      const double c1 = params.get_real_list("c")[0];
      if (c1 > 0) return std::nullopt;
      return "c[0] must be > 0, got " + std::to_string(c1);
    });
  }

  Banana(const Params& params, BuildContext&)
      : GeneratorDataset(params, 2), c1_(params.get_real_list("c")[0]), c2_(params.get_real_list("c")[1]) {}

  bool has_log_density() const override { return true; }

  void log_density(ConstMatrixRef x, VectorRef log_p) const override {
    check_density_batch(x, log_p);
    const auto z1 = (c1_ * x.row(0).array()).eval();
    const auto z2 = (x.row(1).array() / c1_ - c2_ * (z1.square() + c1_ * c1_)).eval();
    log_p = (-0.5 * (z1.square() + z2.square()) - std::log(2 * std::numbers::pi)).transpose().matrix();
  }

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    rng.fill_normal(x);
    const auto z1 = x.row(0).array().eval();
    x.row(0) = (z1 / c1_).matrix();
    x.row(1) = (c1_ * x.row(1).array() + c1_ * c2_ * (z1.square() + c1_ * c1_)).matrix();
  }

  Scalar c1_;
  Scalar c2_;
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::Banana)
