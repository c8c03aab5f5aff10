// The `normal` data set and the `standard_normal` base density: sample moments,
// normalization of the densities, factorization over coordinates and gradients.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "ffjord_test_support.hpp"
#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/testing/gradient_check.hpp"

namespace liouville::ffjord_test {
namespace {

Registry& registry() { return plugins({"normal", "standard_normal"}); }

Params normal_params(std::vector<double> mean, std::vector<double> sigma) {
  return component_params(registry(), "Dataset", "normal", "data",
                          {{"mean", Value{std::move(mean)}}, {"std", Value{std::move(sigma)}}});
}

// Trapezoid rule of exp(log p) over [-span, span] in 1-D.
template <class LogDensity>
double integrate_density(const LogDensity& log_density, double center, double span) {
  const Index points = 20001;
  Matrix x(1, points);
  for (Index k = 0; k < points; ++k) x(0, k) = center - span + 2 * span * k / (points - 1);
  Vector log_p(points);
  log_density(x, log_p);
  const Vector p = log_p.array().exp();
  return (p.sum() - (p[0] + p[points - 1]) / 2) * (2 * span / (points - 1));
}

}  // namespace

TEST_CASE("normal data set: sizes, moments, density") {
  TestContext context(registry(), 3);
  const auto data = context.build<Dataset>(normal_params({1.0, -2.0, 0.5}, {0.5, 2.0, 1.0}));
  REQUIRE(data->dim() == 3);
  CHECK(data->can_sample());
  CHECK(data->has_log_density());
  Rng rng(3);
  CHECK(data->training_data(rng).rows() == 3);
  CHECK(data->training_data(rng).cols() == 100);

  const Index n = 200000;
  const Matrix x = data->sample(n, rng);
  const Vector mean{{1.0, -2.0, 0.5}};
  const Vector sigma{{0.5, 2.0, 1.0}};
  const Vector sample_mean = x.rowwise().mean();
  const Vector sample_variance = (x.colwise() - sample_mean).rowwise().squaredNorm() / (n - 1);
  for (Index i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(std::abs(sample_mean[i] - mean[i]) <= 4 * sigma[i] / std::sqrt(double(n)));
    // Var of the sample variance of a Gaussian: 2 sigma^4 / (n - 1).
    CHECK(std::abs(sample_variance[i] - sigma[i] * sigma[i]) <=
          4 * sigma[i] * sigma[i] * std::sqrt(2.0 / (n - 1)));
  }
  const Matrix cross = (x.colwise() - sample_mean) * (x.colwise() - sample_mean).transpose() / (n - 1);
  CHECK(std::abs(cross(0, 1)) <= 4 * sigma[0] * sigma[1] / std::sqrt(double(n)));

  // log p factorizes into the 1-D densities, each of which integrates to one.
  Vector log_p(5);
  data->log_density(x.leftCols(5), log_p);
  Vector sum = Vector::Zero(5);
  for (Index i = 0; i < 3; ++i) {
    TestContext single(registry(), 1);
    const auto coordinate = single.build<Dataset>(normal_params({mean[i]}, {sigma[i]}));
    CHECK(integrate_density([&](const Matrix& at, VectorRef out) { coordinate->log_density(at, out); }, mean[i],
                            12 * sigma[i]) == doctest::Approx(1.0).epsilon(1e-9));
    Vector part(5);
    coordinate->log_density(x.row(i).leftCols(5), part);
    sum += part;
  }
  CHECK((log_p - sum).cwiseAbs().maxCoeff() <= 1e-12);
  // The density peaks at the mean.
  Vector at_mean(1);
  data->log_density(mean, at_mean);
  CHECK((log_p.array() < at_mean[0]).all());

  CHECK_THROWS_AS(data->log_density(x.topRows(2).leftCols(5), log_p), DataError);
}

TEST_CASE("normal data set: schema rules") {
  const auto& checks = registry().find("Dataset", "normal")->schema.checks();
  REQUIRE(checks.size() == 1);
  const auto message = checks.front()(normal_params({0.0, 1.0}, {1.0}));
  REQUIRE(message.has_value());
  CHECK(message->find("std") != std::string::npos);
  CHECK_FALSE(checks.front()(normal_params({0.0, 1.0}, {1.0, 2.0})).has_value());
}

TEST_CASE("standard normal base: density, gradient, samples") {
  TestContext context(registry(), 2);
  const auto base =
      context.build<Distribution>(component_params(registry(), "Distribution", "standard_normal", "base"));
  REQUIRE(base->dim() == 2);
  Rng rng(4);
  Matrix z(2, 7);
  rng.fill_normal(z);

  // log N(z; 0, I) = sum of two 1-D standard normal log densities.
  Vector log_p(7);
  base->log_density(z, log_p);
  const Vector expected =
      (-0.5 * z.array().square() - 0.5 * std::log(2 * std::numbers::pi)).colwise().sum().transpose();
  CHECK((log_p - expected).cwiseAbs().maxCoeff() <= 1e-12);

  Matrix gradient(2, 7);
  base->log_density_gradient(z, gradient);
  const testing::ScalarFunction total = [&](const Vector& flat) {
    Vector values(7);
    base->log_density(testing::unflatten(flat, 2, 7), values);
    return values.sum();
  };
  const auto check = testing::check_gradient(total, testing::flatten(z), testing::flatten(gradient));
  CHECK_MESSAGE(check.max_relative_error <= 1e-6, check.report());

  TestContext line(registry(), 1);
  const auto base_1d =
      line.build<Distribution>(component_params(registry(), "Distribution", "standard_normal", "base"));
  CHECK(integrate_density([&](const Matrix& at, VectorRef out) { base_1d->log_density(at, out); }, 0.0, 12.0) ==
        doctest::Approx(1.0).epsilon(1e-9));

  const Index n = 200000;
  Matrix samples(2, n);
  base->sample(rng, samples);
  CHECK(samples.rowwise().mean().cwiseAbs().maxCoeff() <= 4 / std::sqrt(double(n)));
  const Vector second_moment = samples.rowwise().squaredNorm() / n;
  CHECK((second_moment.array() - 1).abs().maxCoeff() <= 4 * std::sqrt(2.0 / n));

  Matrix wrong(3, 7);
  CHECK_THROWS_WITH_AS(base->sample(rng, wrong), doctest::Contains("base"), DataError);
  CHECK_THROWS_AS(base->log_density(wrong, log_p), DataError);
}

}  // namespace liouville::ffjord_test
