// FFJORD's 2-D toy generators against their definitions: exact moments, the
// structure each one draws (squares, rings, arms) and the 8gaussians density.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "dataset_factory.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

constexpr Index kDraws = 200000;
constexpr double kPi = std::numbers::pi;

Matrix draw(const std::string& name, std::uint64_t seed) {
  Rng rng(seed);
  return make_dataset(name)->sample(kDraws, rng);
}

Eigen::ArrayXd squared_norms(const Matrix& x) { return x.colwise().squaredNorm().transpose(); }

// The fraction of points whose norm is nearest to radii[k], for each k.
Eigen::ArrayXd ring_fractions(const Matrix& x, const Eigen::ArrayXd& radii) {
  Eigen::ArrayXd counts = Eigen::ArrayXd::Zero(radii.size());
  for (Index i = 0; i < x.cols(); ++i) {
    Index nearest;
    (radii - x.col(i).norm()).abs().minCoeff(&nearest);
    counts[nearest] += 1;
  }
  return counts / static_cast<double>(x.cols());
}

}  // namespace

TEST_CASE("8gaussians: a normalized mixture density that matches its samples") {
  const auto data = make_dataset("8gaussians");
  const double s = 0.5 / std::numbers::sqrt2;
  const GridIntegrals grid = integrate_on_grid(*data, -6, 6, 0.02, -6, 6, 0.02);
  CHECK(grid.mass == doctest::Approx(1).epsilon(1e-3));

  const Matrix x = draw("8gaussians", 11);
  Vector log_p(x.cols());
  data->log_density(x, log_p);
  CHECK(standard_errors_off(log_p.array(), grid.mean_log_p) < 4);
  // Entropy of a mixture <= log 8 + that of a component, nearly equal for components 6 s apart.
  const double bound = std::log(8 * 2 * kPi * std::numbers::e * s * s);
  CHECK(-grid.mean_log_p < bound);
  CHECK(-grid.mean_log_p > 0.99 * bound);
  // E|x|^2 = R^2 + 2 s^2 with R = 2 sqrt(2).
  CHECK(standard_errors_off(squared_norms(x), 8 + 2 * s * s) < 4);
  // Each component (nearest mean) holds 1/8 of the points.
  Eigen::ArrayXd counts = Eigen::ArrayXd::Zero(8);
  for (Index i = 0; i < x.cols(); ++i) {
    const double angle = std::atan2(x(1, i), x(0, i));
    counts[static_cast<Index>(std::lround(angle / (kPi / 4)) + 8) % 8] += 1;
  }
  const double se = std::sqrt(1.0 / 8 * 7 / 8 / kDraws);
  CHECK((counts / kDraws - 1.0 / 8).abs().maxCoeff() < 4 * se);
}

TEST_CASE("checkerboard: uniform on the 8 even squares of side 2 in [-4, 4)^2") {
  const Matrix x = draw("checkerboard", 12);
  CHECK(x.minCoeff() >= -4);
  CHECK(x.maxCoeff() < 4);
  Eigen::ArrayXXd counts = Eigen::ArrayXXd::Zero(4, 4);
  for (Index i = 0; i < x.cols(); ++i) {
    const Index column = static_cast<Index>(std::floor(x(0, i) / 2)) + 2;
    const Index row = static_cast<Index>(std::floor(x(1, i) / 2)) + 2;
    counts(row, column) += 1;
  }
  const double se = std::sqrt(1.0 / 8 * 7 / 8 / kDraws);
  for (Index row = 0; row < 4; ++row)
    for (Index column = 0; column < 4; ++column) {
      CAPTURE(row);
      CAPTURE(column);
      if ((row + column) % 2 == 0)
        CHECK(std::abs(counts(row, column) / kDraws - 1.0 / 8) < 4 * se);
      else
        CHECK(counts(row, column) == 0);
    }
  // Uniform within a square: the offset from its lower-left corner has mean 1 and variance 1/3.
  const Eigen::ArrayXd offset = (x.row(0).array() / 2 - (x.row(0).array() / 2).floor()).transpose() * 2;
  CHECK(standard_errors_off(offset, 1) < 4);
  CHECK(standard_errors_off((offset - 1).square(), 1.0 / 3) < 4);
}

TEST_CASE("circles and rings: equal shares of noisy circles with the stated radii") {
  struct Case {
    const char* name;
    Eigen::ArrayXd radii;
    double noise;
  };
  Eigen::ArrayXd circles(2), rings(4);
  circles << 3, 1.5;
  rings << 3, 2.25, 1.5, 0.75;
  for (const Case& c : {Case{"circles", circles, 0.24}, Case{"rings", rings, 0.08}}) {
    CAPTURE(c.name);
    const Matrix x = draw(c.name, 13);
    CHECK(standard_errors_off(x.row(0).transpose().array(), 0) < 4);
    CHECK(standard_errors_off(x.row(1).transpose().array(), 0) < 4);
    // E|x|^2 = mean(r_k^2) + 2 noise^2.
    CHECK(standard_errors_off(squared_norms(x), c.radii.square().mean() + 2 * c.noise * c.noise) < 4);
    const double share = 1.0 / static_cast<double>(c.radii.size());
    const double se = std::sqrt(share * (1 - share) / kDraws);
    // Circles' noise (0.24) is a third of the gap between the radii, so ~0.1% cross over.
    const double cross_over = c.noise > 0.1 ? 0.003 : 0;
    CHECK((ring_fractions(x, c.radii) - share).abs().maxCoeff() < 4 * se + cross_over);
  }
}

TEST_CASE("swissroll: (t cos t, t sin t) / 5 plus noise, t ~ U[1.5 pi, 4.5 pi)") {
  const Matrix x = draw("swissroll", 14);
  const double a = 1.5 * kPi, b = 4.5 * kPi;
  // E|5 x|^2 = E[t^2] + 2 = (a^2 + a b + b^2) / 3 + 2.
  CHECK(standard_errors_off(squared_norms(x), ((a * a + a * b + b * b) / 3 + 2) / 25) < 4);
  // The radius fixes the angle: 5 x / t = (cos t, sin t) with t ~ 5 |x|. The noise (1 in
  // units of t) turns the angle by about N(0, 1), so the mean of cos(turn) is near
  // exp(-1/2) = 0.61; a wrong orientation of the roll would give about 0.
  const Eigen::ArrayXd t = 5 * squared_norms(x).sqrt();
  const Eigen::ArrayXd along =
      (5 * x.row(0).transpose().array() * t.cos() + 5 * x.row(1).transpose().array() * t.sin()) / t;
  CHECK(along.mean() > 0.5);
}

TEST_CASE("2spirals: two mirrored spirals, n = 3 pi sqrt(u)") {
  const Matrix x = draw("2spirals", 15);
  CHECK(standard_errors_off(x.row(0).transpose().array(), 0) < 4);
  CHECK(standard_errors_off(x.row(1).transpose().array(), 0) < 4);
  // With density 2n / (9 pi^2) on [0, 3 pi]: E[n^2] = 9 pi^2 / 2 and
  // E[n (sin n - cos n)] = 2 (9 pi^2 - 4 + 6 pi) / (9 pi^2). The jitter a ~ U[0, 0.5)
  // adds E|a|^2 = 1/6 and the cross term 2 E[a1] E[n (sin n - cos n)].
  const double cross = 2 * (9 * kPi * kPi - 4 + 6 * kPi) / (9 * kPi * kPi);
  const double expected = (9 * kPi * kPi / 2 + 1.0 / 6 + 0.5 * cross) / 9 + 2 * 0.01;
  CHECK(standard_errors_off(squared_norms(x), expected) < 4);
}

TEST_CASE("pinwheel: five arms of radius 2 |f|, f ~ N((1, 0), diag(0.09, 0.01))") {
  const Matrix x = draw("pinwheel", 16);
  CHECK(standard_errors_off(x.row(0).transpose().array(), 0) < 4);
  CHECK(standard_errors_off(x.row(1).transpose().array(), 0) < 4);
  CHECK(standard_errors_off(squared_norms(x), 4 * (1 + 0.09 + 0.01)) < 4);
  // The angle of a point is -(2 pi k / 5 + 0.25 exp(f1)) + atan(f2 / f1): with
  // f1 ~ |x| / 2 it falls near one of the five arm curves.
  const Eigen::ArrayXd r = squared_norms(x).sqrt() / 2;
  Index near_an_arm = 0;
  for (Index i = 0; i < x.cols(); ++i) {
    const double phase = -std::atan2(x(1, i), x(0, i)) - 0.25 * std::exp(r[i]);
    const double off = std::remainder(phase, 2 * kPi / 5);
    near_an_arm += std::abs(off) < 0.3;
  }
  CHECK(static_cast<double>(near_an_arm) / kDraws > 0.95);
}

TEST_CASE("moons: FFJORD's make_moons x 2 + (-1, -0.2), arcs centred at (-1, -0.2) and (1, 0.8)") {
  Rng rng(13);
  const Matrix exact = make_dataset("moons", "noise: 0.0")->sample(kDraws, rng);
  const Eigen::ArrayXd x = exact.row(0).transpose();
  const Eigen::ArrayXd y = exact.row(1).transpose();
  const Eigen::ArrayXd upper_radius = ((x + 1).square() + (y + 0.2).square()).sqrt();
  const Eigen::ArrayXd lower_radius = ((x - 1).square() + (y - 0.8).square()).sqrt();
  const Eigen::ArrayXd upper = ((upper_radius - 2).abs() < 1e-12).cast<double>();
  CHECK((upper_radius - 2).abs().min((lower_radius - 2).abs()).maxCoeff() < 1e-12);
  CHECK(standard_errors_off(upper, 0.5) < 4);
  // The upper arc is the top half of its circle, the lower arc the bottom half of its own.
  CHECK((upper > 0).select(y, 0.0).minCoeff() >= -0.2 - 1e-12);
  CHECK((upper > 0).select(0.0, y).maxCoeff() <= 0.8 + 1e-12);

  // With a ~ U[0, pi]: E cos a = 0, E sin a = 2 / pi, E cos^2 a = E sin^2 a = 1 / 2.
  const double s = 0.2;
  const Matrix noisy = draw("moons", 14);
  const Eigen::ArrayXd u = noisy.row(0).transpose();
  const Eigen::ArrayXd v = noisy.row(1).transpose();
  CHECK(standard_errors_off(u, 0) < 4);
  CHECK(standard_errors_off(v, 0.3) < 4);
  CHECK(standard_errors_off(u.square(), 3 + s * s) < 4);
  // E y^2 = (E(2 sin a - 0.2)^2 + E(0.8 - 2 sin a)^2) / 2 = 2.34 - 4 / pi.
  CHECK(standard_errors_off(v.square(), 2.34 - 4 / kPi + s * s) < 4);
}
