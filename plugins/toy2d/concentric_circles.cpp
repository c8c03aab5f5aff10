// Noisy concentric circles: a uniform radius r_k from a fixed list, a uniform
// angle, then isotropic Gaussian noise. FFJORD's (Grathwohl et al. 2019) "circles"
// is scikit-learn's make_circles(factor 0.5, noise 0.08) times 3: radii 3 and 1.5,
// noise 0.24; its "rings" has radii 3, 2.25, 1.5, 0.75 and noise 0.08.
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include "generator_dataset.hpp"

namespace liouville {

class ConcentricCircles : public GeneratorDataset {
 protected:
  ConcentricCircles(const Params& params, std::vector<Scalar> radii, Scalar noise)
      : GeneratorDataset(params, 2), radii_(std::move(radii)), noise_(noise) {}

 private:
  void generate(MatrixRef x, Rng& rng) const override {
    Matrix draws(2, x.cols());
    rng.fill_uniform(draws, 0, 1);
    rng.fill_normal(x);
    Eigen::RowVectorXd radius(x.cols());
    for (Index i = 0; i < x.cols(); ++i)
      radius[i] = radii_[static_cast<std::size_t>(static_cast<Scalar>(radii_.size()) * draws(0, i))];
    const auto angle = (2 * std::numbers::pi * draws.row(1).array()).eval();
    x.row(0) = (radius.array() * angle.cos() + noise_ * x.row(0).array()).matrix();
    x.row(1) = (radius.array() * angle.sin() + noise_ * x.row(1).array()).matrix();
  }

  std::vector<Scalar> radii_;
  Scalar noise_;
};

class Circles final : public ConcentricCircles {
 public:
  static constexpr std::string_view kName = "circles";
  static constexpr std::string_view kSummary = "FFJORD's two noisy circles of radii 3 and 1.5.";

  static void declare(Schema& schema) { declare_size(schema, 10000); }

  Circles(const Params& params, BuildContext&) : ConcentricCircles(params, {3.0, 1.5}, 0.24) {}
};

class Rings final : public ConcentricCircles {
 public:
  static constexpr std::string_view kName = "rings";
  static constexpr std::string_view kSummary = "FFJORD's four noisy rings of radii 3, 2.25, 1.5 and 0.75.";

  static void declare(Schema& schema) { declare_size(schema, 10000); }

  Rings(const Params& params, BuildContext&) : ConcentricCircles(params, {3.0, 2.25, 1.5, 0.75}, 0.08) {}
};

}  // namespace liouville

LIOUVILLE_REGISTER(liouville::Dataset, liouville::Circles)
LIOUVILLE_REGISTER(liouville::Dataset, liouville::Rings)
