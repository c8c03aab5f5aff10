// example/rademacher_k: unbiased with 1/k of the one-probe variance, equal to the
// installed hutchinson for k = 1, and its reverse mode against the installed
// kit's finite-difference and Taylor checks (in z, in the field's parameters
// and in t).
#include <doctest/doctest.h>

#include <cmath>
#include <liouville/core/trace_estimator.hpp>
#include <liouville/core/vector_field.hpp>
#include <liouville/testing/gradient_check.hpp>

#include "example_registry.hpp"

namespace example::testing {
namespace {

using liouville::Index;
using liouville::Matrix;
using liouville::ParameterStore;
using liouville::Rng;
using liouville::TraceEstimator;
using liouville::Vector;
using liouville::VectorField;
namespace kit = liouville::testing;

constexpr Index kDim = 3;
const std::string kField = "{type: mlp, hidden: [6], activation: tanh, time_input: concat}";

// The Jacobian of the field at one point, column by column from JVPs.
Matrix jacobian(const VectorField& field, double t, const Vector& point) {
  Matrix j(kDim, kDim);
  Matrix f(kDim, 1);
  Matrix jv(kDim, 1);
  for (Index i = 0; i < kDim; ++i) {
    field.jvp(t, point, Vector::Unit(kDim, i), f, jv);
    j.col(i) = jv;
  }
  return j;
}

}  // namespace

TEST_CASE("example/rademacher_k with k = 1 is the installed hutchinson") {
  ParameterStore store;
  const auto field = build<VectorField>(kField, store, kDim);
  const auto one = build<TraceEstimator>("{type: example/rademacher_k, probes: 1}", store, kDim);
  const auto hutchinson = build<TraceEstimator>("{type: hutchinson}", store, kDim);
  const Matrix z = normal_matrix(kDim, 7, 1);
  Rng rng(2);
  const Matrix probes = one->draw_probes(kDim, 7, rng);
  REQUIRE(probes.cols() == 7);
  CHECK((probes.array().abs() == 1.0).all());
  Matrix f1(kDim, 7), f2(kDim, 7);
  Vector trace1(7), trace2(7);
  one->evaluate(*field, probes, 0.4, z, f1, trace1);
  hutchinson->evaluate(*field, probes, 0.4, z, f2, trace2);
  CHECK((f1 - f2).cwiseAbs().maxCoeff() <= 1e-15);
  CHECK((trace1 - trace2).cwiseAbs().maxCoeff() <= 1e-14);
}

TEST_CASE("example/rademacher_k is unbiased with the Rademacher variance over k") {
  // One point in every column: Var = 2 (|S|_F^2 - sum_i S_ii^2) / k, S = (J + J^T) / 2.
  ParameterStore store;
  const auto field = build<VectorField>(kField, store, kDim);
  const Vector point{{0.3, -0.7, 1.1}};
  const Matrix j = jacobian(*field, 0.2, point);
  const Matrix s = (j + j.transpose()) / 2;
  const double one_probe_variance = 2 * (s.squaredNorm() - s.diagonal().squaredNorm());
  REQUIRE(one_probe_variance > 1e-3);
  const Index n = 20000;
  const Matrix z = point.replicate(1, n);
  for (const long k : {1, 4}) {
    CAPTURE(k);
    const auto estimator =
        build<TraceEstimator>("{type: example/rademacher_k, probes: " + std::to_string(k) + "}", store, kDim);
    Rng rng(3);
    const Matrix probes = estimator->draw_probes(kDim, n, rng);
    REQUIRE(probes.cols() == k * n);
    Matrix f(kDim, n);
    Vector estimate(n);
    estimator->evaluate(*field, probes, 0.2, z, f, estimate);
    const double mean = estimate.mean();
    const double variance = (estimate.array() - mean).square().sum() / (n - 1);
    INFO("mean " << mean << ", tr(J) " << j.trace() << ", variance " << variance << ", expected "
                 << one_probe_variance / k);
    CHECK(std::abs(mean - j.trace()) <= 4 * std::sqrt(variance / n));
    CHECK(std::abs(variance * k / one_probe_variance - 1) <= 0.1);
  }
}

TEST_CASE("example/rademacher_k reverse mode in z, theta and t") {
  // L = <a, f> + <b, trace> at fixed probes.
  const Index batch = 4;
  ParameterStore store;
  const auto field = build<VectorField>(kField, store, kDim);
  const auto estimator = build<TraceEstimator>("{type: example/rademacher_k, probes: 3}", store, kDim);
  Rng rng(5);
  const Matrix probes = estimator->draw_probes(kDim, batch, rng);
  const Matrix z = normal_matrix(kDim, batch, 6);
  const Matrix a = normal_matrix(kDim, batch, 7);
  const Vector b = normal_matrix(batch, 1, 8);
  const double t = 0.3;
  Matrix f(kDim, batch);
  Vector trace(batch);
  const auto loss = [&](double at_t, const Matrix& at_z) {
    estimator->evaluate(*field, probes, at_t, at_z, f, trace);
    return a.cwiseProduct(f).sum() + b.dot(trace);
  };
  loss(t, z);
  const double noise = kit::roundoff(a.cwiseProduct(f).cwiseAbs().sum() + b.cwiseProduct(trace).cwiseAbs().sum());
  Matrix z_bar = Matrix::Constant(kDim, batch, std::nan(""));  // must be overwritten
  Vector theta_bar = Vector::Zero(store.size());
  const double t_bar = estimator->backward(*field, probes, t, z, a, b, z_bar, theta_bar);

  const kit::ScalarFunction in_z = [&](const Vector& flat) { return loss(t, kit::unflatten(flat, kDim, batch)); };
  const auto z_check = kit::check_gradient(in_z, kit::flatten(z), kit::flatten(z_bar), 1e-5);
  CHECK_MESSAGE(z_check.max_relative_error <= 1e-6, z_check.report());
  const auto z_taylor =
      kit::taylor_test(in_z, kit::flatten(z), kit::flatten(z_bar), kit::flatten(normal_matrix(kDim, batch, 9)));
  CHECK_MESSAGE(z_taylor.passes(noise), z_taylor.report());

  const Vector theta = store.values();
  const kit::ScalarFunction in_theta = [&](const Vector& at) {
    store.values() = at;
    return loss(t, z);
  };
  const auto theta_check = kit::check_gradient(in_theta, theta, theta_bar, 1e-5);
  CHECK_MESSAGE(theta_check.max_relative_error <= 1e-6, theta_check.report());
  // A unit direction: the field has ~50 parameters, and a longer step leaves the
  // second-order error dominated by third-order terms.
  const Vector theta_direction = normal_matrix(theta.size(), 1, 10).normalized();
  const auto theta_taylor = kit::taylor_test(in_theta, theta, theta_bar, theta_direction);
  CHECK_MESSAGE(theta_taylor.passes(noise), theta_taylor.report());
  store.values() = theta;

  const kit::ScalarFunction in_t = [&](const Vector& at) { return loss(at[0], z); };
  const auto t_check = kit::check_gradient(in_t, Vector::Constant(1, t), Vector::Constant(1, t_bar), 1e-5);
  CHECK_MESSAGE(t_check.max_relative_error <= 1e-6, t_check.report());
}

TEST_CASE("example/rademacher_k refuses probes drawn for another batch, naming where") {
  ParameterStore store;
  const auto field = build<VectorField>(kField, store, kDim);
  const auto estimator = build<TraceEstimator>("{type: example/rademacher_k, probes: 2}", store, kDim);
  Rng rng(1);
  const Matrix probes = estimator->draw_probes(kDim, 5, rng);
  Matrix f(kDim, 4);
  Vector trace(4);
  CHECK_THROWS_WITH_AS(estimator->evaluate(*field, probes, 0.0, normal_matrix(kDim, 4, 2), f, trace),
                       doctest::Contains("subject: rademacher_k probes are 3 x 10"), liouville::DataError);
  ParameterStore other;
  CHECK_THROWS_WITH_AS(build<TraceEstimator>("{type: example/rademacher_k, probes: 0}", other, kDim),
                       doctest::Contains("subject.probes"), liouville::ConfigError);
}

}  // namespace example::testing
