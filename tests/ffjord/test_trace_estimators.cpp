// The exact and Hutchinson trace estimators on their own: values against tr(A)
// and the Jacobian, sample statistics of the probes, and reverse mode against
// finite differences in z and in the field's parameters.
#include <doctest/doctest.h>

#include <cmath>

#include "ffjord_test_support.hpp"
#include "liouville/core/trace_estimator.hpp"
#include "liouville/testing/bijection_checks.hpp"

namespace liouville::ffjord_test {
namespace {

Registry& registry() { return plugins({"exact", "hutchinson", "mlp"}); }

// L = <f_weight, f> + <trace_weight, trace> at (z, theta) and its reverse mode,
// checked against central differences in z and theta and by Taylor tests.
// The finite-difference step 1e-5 balances rounding against truncation error.
constexpr double kStep = 1e-5;

void check_trace_backward(const TraceEstimator& estimator, const VectorField& field, ParameterStore& store,
                          const Matrix& probes, const Matrix& z, Scalar t) {
  const Index dim = z.rows();
  const Index batch = z.cols();
  Rng draws(99);
  Matrix f_weight(dim, batch);
  Vector trace_weight(batch);
  draws.fill_normal(f_weight);
  draws.fill_normal(trace_weight);
  const auto loss = [&](const Matrix& at) {
    Matrix f(dim, batch);
    Vector trace(batch);
    estimator.evaluate(field, probes, t, at, f, trace);
    return f_weight.cwiseProduct(f).sum() + trace_weight.dot(trace);
  };
  Matrix f(dim, batch);
  Vector trace(batch);
  estimator.evaluate(field, probes, t, z, f, trace);
  const double noise = testing::roundoff(f_weight.cwiseProduct(f).cwiseAbs().sum() +
                                         trace_weight.cwiseProduct(trace).cwiseAbs().sum());
  Matrix z_bar(dim, batch);
  Vector theta_bar = Vector::Zero(store.size());
  estimator.backward(field, probes, t, z, f_weight, trace_weight, z_bar, theta_bar);

  const testing::ScalarFunction in_z = [&](const Vector& flat) {
    return loss(testing::unflatten(flat, dim, batch));
  };
  const auto z_check = testing::check_gradient(in_z, testing::flatten(z), testing::flatten(z_bar), kStep);
  CHECK_MESSAGE(z_check.max_relative_error <= 1e-6, z_check.report());
  Matrix direction(dim, batch);
  draws.fill_normal(direction);
  const auto z_taylor =
      testing::taylor_test(in_z, testing::flatten(z), testing::flatten(z_bar), testing::flatten(direction));
  CHECK_MESSAGE(z_taylor.passes(noise), z_taylor.report());

  const Vector theta = store.values();
  const testing::ScalarFunction in_theta = [&](const Vector& at) {
    store.values() = at;
    return loss(z);
  };
  const auto theta_check = testing::check_gradient(in_theta, theta, theta_bar, kStep);
  CHECK_MESSAGE(theta_check.max_relative_error <= 1e-6, theta_check.report());
  Vector theta_direction(theta.size());
  draws.fill_normal(theta_direction);
  const auto theta_taylor = testing::taylor_test(in_theta, theta, theta_bar, theta_direction);
  CHECK_MESSAGE(theta_taylor.passes(noise), theta_taylor.report());
  store.values() = theta;
}

Params mlp_params(std::vector<long> hidden) {
  return component_params(registry(), "VectorField", "mlp", "field",
                          {{"hidden", Value{std::move(hidden)}}, {"time_input", Value{std::string("concat")}}});
}

// tr(df/dz) at column j by central differences of f.
Vector finite_difference_trace(const VectorField& field, Scalar t, const Matrix& z) {
  Vector trace = Vector::Zero(z.cols());
  Matrix up = z;
  Matrix down = z;
  Matrix f_up(z.rows(), z.cols());
  Matrix f_down(z.rows(), z.cols());
  const double h = 1e-5;
  for (Index i = 0; i < z.rows(); ++i) {
    up.row(i).array() += h;
    down.row(i).array() -= h;
    field.evaluate(t, up, f_up);
    field.evaluate(t, down, f_down);
    trace += ((f_up.row(i) - f_down.row(i)) / (2 * h)).transpose();
    up.row(i) = z.row(i);
    down.row(i) = z.row(i);
  }
  return trace;
}

}  // namespace

TEST_CASE("exact trace: tr(A) for a linear field, the Jacobian's trace for an mlp") {
  TestContext context(registry(), 4);
  const auto exact = context.build<TraceEstimator>(trace_params(registry(), "exact"));
  CHECK_FALSE(exact->is_stochastic());
  Rng rng(1);
  CHECK(exact->draw_probes(4, 3, rng).size() == 0);

  Matrix z(4, 3);
  rng.fill_normal(z);
  Matrix f(4, 3);
  Vector trace(3);
  SUBCASE("linear") {
    const auto field = context.build<VectorField>(linear_params("field"));
    rng.fill_normal(context.parameters().values());
    exact->evaluate(*field, Matrix(), 0.3, z, f, trace);
    const Matrix a = context.linear().a().value();
    CHECK((trace.array() - a.trace()).abs().maxCoeff() <= 1e-12);
    Matrix expected_f(4, 3);
    field->evaluate(0.3, z, expected_f);
    CHECK((f - expected_f).cwiseAbs().maxCoeff() <= 1e-14);
    check_trace_backward(*exact, *field, context.parameters(), Matrix(), z, 0.3);
  }
  SUBCASE("mlp") {
    const auto field = context.build<VectorField>(mlp_params({5, 5}));
    exact->evaluate(*field, Matrix(), 0.3, z, f, trace);
    CHECK((trace - finite_difference_trace(*field, 0.3, z)).cwiseAbs().maxCoeff() <= 1e-8);
    check_trace_backward(*exact, *field, context.parameters(), Matrix(), z, 0.3);
  }
}

TEST_CASE("hutchinson: unbiased with the variance of its probe distribution") {
  // One probe per column: the sample mean over n columns estimates tr(A). For
  // S = (A + A^T) / 2: Var = 2 |S|_F^2 (Gaussian), 2 (|S|_F^2 - sum_i S_ii^2) (Rademacher).
  const Index dim = 16;
  const Index n = 100000;
  TestContext context(registry(), dim);
  const auto field = context.build<VectorField>(linear_params("field"));
  Rng rng(2);
  rng.fill_normal(context.parameters().values());
  const Matrix a = context.linear().a().value();
  const Matrix s = (a + a.transpose()) / 2;
  const Matrix z = Matrix::Zero(dim, n);
  Matrix f(dim, n);
  Vector trace(n);
  for (const std::string distribution : {"rademacher", "gaussian"}) {
    CAPTURE(distribution);
    const auto hutchinson = context.build<TraceEstimator>(
        trace_params(registry(), "hutchinson", {{"distribution", Value{distribution}}}));
    CHECK(hutchinson->is_stochastic());
    const Matrix probes = hutchinson->draw_probes(dim, n, rng);
    hutchinson->evaluate(*field, probes, 0.0, z, f, trace);
    const double mean = trace.mean();
    const double variance = (trace.array() - mean).square().sum() / (n - 1);
    const double standard_error = std::sqrt(variance / n);
    INFO("mean " << mean << ", tr(A) " << a.trace() << ", standard error " << standard_error);
    CHECK(std::abs(mean - a.trace()) <= 4 * standard_error);
    const bool gaussian = distribution == "gaussian";
    const double expected_variance = 2 * (s.squaredNorm() - (gaussian ? 0.0 : s.diagonal().squaredNorm()));
    INFO("variance " << variance << ", expected " << expected_variance);
    CHECK(std::abs(variance / expected_variance - 1) <= 0.05);
  }
}

TEST_CASE("hutchinson: reverse mode and probe checks") {
  TestContext context(registry(), 3);
  const auto hutchinson = context.build<TraceEstimator>(trace_params(registry(), "hutchinson"));
  Rng rng(4);
  Matrix z(3, 5);
  rng.fill_normal(z);
  const Matrix probes = hutchinson->draw_probes(3, 5, rng);
  CHECK((probes.array().abs() == 1.0).all());
  SUBCASE("linear") {
    const auto field = context.build<VectorField>(linear_params("field"));
    rng.fill_normal(context.parameters().values());
    check_trace_backward(*hutchinson, *field, context.parameters(), probes, z, 0.7);
  }
  SUBCASE("mlp") {
    const auto field = context.build<VectorField>(mlp_params({6}));
    check_trace_backward(*hutchinson, *field, context.parameters(), probes, z, 0.7);
    Matrix f(3, 5);
    Vector trace(5);
    CHECK_THROWS_WITH_AS(hutchinson->evaluate(*field, probes.leftCols(4), 0.7, z, f, trace),
                         doctest::Contains("flow.trace"), DataError);
  }
}

TEST_CASE("exact and hutchinson traces agree on average for an mlp") {
  // The same point in every column, a different probe in each.
  const Index n = 50000;
  TestContext context(registry(), 3);
  const auto field = context.build<VectorField>(mlp_params({8, 8}));
  const auto exact = context.build<TraceEstimator>(trace_params(registry(), "exact"));
  const auto hutchinson = context.build<TraceEstimator>(trace_params(registry(), "hutchinson"));
  Rng rng(5);
  Vector point(3);
  rng.fill_normal(point);
  const Matrix z = point.replicate(1, n);
  Matrix f(3, n);
  Vector exact_trace(n);
  Vector estimate(n);
  exact->evaluate(*field, Matrix(), 0.2, z, f, exact_trace);
  hutchinson->evaluate(*field, hutchinson->draw_probes(3, n, rng), 0.2, z, f, estimate);
  const double mean = estimate.mean();
  const double standard_error = std::sqrt((estimate.array() - mean).square().sum() / (n - 1) / n);
  INFO("exact " << exact_trace[0] << ", hutchinson mean " << mean << " +- " << standard_error);
  CHECK(standard_error > 0);
  CHECK(std::abs(mean - exact_trace[0]) <= 4 * standard_error);
}

}  // namespace liouville::ffjord_test
