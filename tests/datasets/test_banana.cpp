// banana against InvertibleNetworks.jl's sample_banana: moments of the samples,
// a normalized exact density, and the NLL optimum log(2 pi e) = 2.838 nats.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "dataset_factory.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

const double kEntropy = std::log(2 * std::numbers::pi * std::numbers::e);  // of N(0, I_2), Jacobian 1

}  // namespace

TEST_CASE("banana with c = [1, 4]: x1 = z1, x2 = z2 + 4 (z1^2 + 1)") {
  const auto banana = make_dataset("banana");
  Rng rng(5);
  const Matrix x = banana->training_data(rng);
  REQUIRE(x.cols() == 60000);
  const Eigen::ArrayXd x1 = x.row(0).transpose();
  const Eigen::ArrayXd x2 = x.row(1).transpose();
  CHECK(standard_errors_off(x1, 0) < 4);
  CHECK(standard_errors_off(x1.square(), 1) < 4);
  CHECK(standard_errors_off(x2, 8) < 4);                          // 4 (E[x1^2] + 1)
  CHECK(standard_errors_off(x2 - 4 * (x1.square() + 1), 0) < 4);  // = z2 ~ N(0, 1)
  CHECK(standard_errors_off((x2 - 4 * (x1.square() + 1)).square(), 1) < 4);
  CHECK(x2.minCoeff() > 4 - 6);  // z2 > -6 over 60 000 draws
}

TEST_CASE("banana: the density integrates to 1 and its mean over samples is -log(2 pi e)") {
  struct Case {
    const char* fields;
    double c1, c2;
  };
  for (const Case& c : {Case{"", 1.0, 4.0}, Case{"c: [2.0, 0.5]", 2.0, 0.5}, Case{"c: [0.7, -1.5]", 0.7, -1.5}}) {
    CAPTURE(c.fields);
    const auto banana = make_dataset("banana", c.fields);
    // z within 7 standard deviations: x1 = z1 / c1, x2 = c1 z2 + c1 c2 (z1^2 + c1^2).
    const double x1_span = 7 / c.c1;
    const double curve_low = c.c1 * c.c2 * (c.c2 > 0 ? c.c1 * c.c1 : 49 + c.c1 * c.c1);
    const double curve_high = c.c1 * c.c2 * (c.c2 > 0 ? 49 + c.c1 * c.c1 : c.c1 * c.c1);
    // Cells of a tenth of the standard deviations of x1 and of x2 given x1.
    const GridIntegrals grid = integrate_on_grid(*banana, -x1_span, x1_span, 0.1 / c.c1, curve_low - 7 * c.c1,
                                                 curve_high + 7 * c.c1, 0.1 * c.c1);
    CHECK(grid.mass == doctest::Approx(1).epsilon(1e-3));
    CHECK(grid.mean_log_p == doctest::Approx(-kEntropy).epsilon(1e-3));

    Rng rng(6);
    const Matrix x = banana->sample(100000, rng);
    Vector log_p(x.cols());
    banana->log_density(x, log_p);
    CHECK(standard_errors_off(log_p.array(), -kEntropy) < 4);
    // E[x2] = c1 c2 (E[z1^2] + c1^2).
    CHECK(standard_errors_off(x.row(1).transpose().array(), c.c1 * c.c2 * (1 + c.c1 * c.c1)) < 4);
  }
}
