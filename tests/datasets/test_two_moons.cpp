// two_moons against flowjax's definition: arcs of radius 2 centred at (-1, 0)
// (upper moon) and (1, 0) (lower moon), a uniform angle, Gaussian noise.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "dataset_factory.hpp"

using namespace liouville;
using namespace liouville::testing;

TEST_CASE("two_moons without noise lies on its two arcs, uniformly in angle") {
  const auto moons = make_dataset("two_moons", "noise: 0.0");
  Rng rng(3);
  const Matrix x = moons->sample(100000, rng);
  const Eigen::ArrayXd y = x.row(1).transpose();
  const Eigen::ArrayXd upper = (y > 0).cast<double>();
  const Eigen::ArrayXd centre = 1 - 2 * upper;  // -1 for the upper moon, +1 for the lower one
  const Eigen::ArrayXd radius = ((x.row(0).transpose().array() - centre).square() + y.square()).sqrt();
  CHECK((radius - 2).abs().maxCoeff() < 1e-12);

  CHECK(standard_errors_off(upper, 0.5) < 4);
  // E|y| = 2 E|sin a| = 4 / pi for a ~ U[0, 2 pi).
  CHECK(standard_errors_off(y.abs(), 4 / std::numbers::pi) < 4);
  // The upper moon opens downwards: its points' x spread over [-3, 1].
  const Eigen::ArrayXd x_upper = (upper > 0).select(x.row(0).transpose().array(), -1.0);
  CHECK(x_upper.minCoeff() >= -3);
  CHECK(x_upper.maxCoeff() <= 1);
}

TEST_CASE("two_moons noise: second moments 3 + s^2 and 2 + s^2") {
  for (const double noise : {0.2, 0.5}) {
    CAPTURE(noise);
    // 0.2 is flowjax's default noise_std.
    const auto moons = noise == 0.2 ? make_dataset("two_moons") : make_dataset("two_moons", "noise: 0.5");
    Rng rng(4);
    const Matrix x = moons->sample(200000, rng);
    CHECK(standard_errors_off(x.row(0).transpose().array(), 0) < 4);
    CHECK(standard_errors_off(x.row(1).transpose().array(), 0) < 4);
    // x = 2 cos a -+ 1 + s e1 with E[cos a] = 0 on each half: E x^2 = 2 + 1 + s^2.
    CHECK(standard_errors_off(x.row(0).transpose().array().square(), 3 + noise * noise) < 4);
    CHECK(standard_errors_off(x.row(1).transpose().array().square(), 2 + noise * noise) < 4);
  }
}
