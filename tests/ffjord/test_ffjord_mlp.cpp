// ffjord with the real mlp vector field and tsit5 solver, through the registry:
// the conformance kit on a 1-D flow with the exact trace and a 2-D flow with
// Hutchinson's estimator, and the two estimators' log-determinants compared.
#include <doctest/doctest.h>

#include <cmath>

#include "ffjord_test_support.hpp"
#include "liouville/core/bijection.hpp"
#include "liouville/testing/bijection_checks.hpp"

namespace liouville::ffjord_test {
namespace {

Registry& registry() { return plugins({"ffjord", "tsit5", "exact", "hutchinson", "mlp"}); }

Params mlp_params(std::vector<long> hidden) { return concat_tanh_mlp_params(registry(), std::move(hidden)); }

void run_conformance(Bijection& flow, ParameterStore& store, const Matrix& x, const Rng& noise, bool exact_trace,
                     double inverse_tolerance) {
  const auto inverse = testing::check_inverse(flow, x, noise);
  CHECK(inverse.supported);
  CHECK_MESSAGE(inverse.max_abs_error <= inverse_tolerance, inverse.report());
  CHECK_MESSAGE(inverse.max_logdet_error <= inverse_tolerance, inverse.report());
  if (exact_trace) {
    const auto logdet = testing::check_forward_logdet(flow, x, noise);
    CHECK_MESSAGE(logdet.max_abs_error <= 1e-7, logdet.report());
  }
  const auto backward = testing::check_backward(flow, store, x, noise);
  CHECK_MESSAGE(backward.passes(1e-6), backward.report());
}

}  // namespace

TEST_CASE("ffjord(mlp [3] tanh/tanh, tsit5, exact) in 1-D") {
  const Matrix x = random_batch(1, 5, 21);
  const Rng noise(22);
  SUBCASE("fixed-step tsit5") {
    TestContext context(registry(), 1);
    const auto flow = context.build<Bijection>(ffjord_params(
        registry(), mlp_params({3}), tsit5_fixed(registry(), 0.02), trace_params(registry(), "exact")));
    run_conformance(*flow, context.parameters(), x, noise, true, 1e-8);
  }
  SUBCASE("adaptive tsit5 at rtol = atol = 1e-12") {
    TestContext context(registry(), 1);
    const auto flow = context.build<Bijection>(ffjord_params(
        registry(), mlp_params({3}), tsit5_adaptive(registry(), 1e-12), trace_params(registry(), "exact")));
    run_conformance(*flow, context.parameters(), x, noise, true, 1e-9);
  }
}

TEST_CASE("ffjord(mlp [8, 8], tsit5, hutchinson) in 2-D") {
  const Matrix x = random_batch(2, 4, 31);
  const Rng noise(32);
  SUBCASE("fixed-step tsit5") {
    TestContext context(registry(), 2);
    const auto flow = context.build<Bijection>(ffjord_params(
        registry(), mlp_params({8, 8}), tsit5_fixed(registry(), 0.02), trace_params(registry(), "hutchinson")));
    run_conformance(*flow, context.parameters(), x, noise, false, 1e-8);
  }
  SUBCASE("adaptive tsit5 at rtol = atol = 1e-12") {
    TestContext context(registry(), 2);
    const auto flow =
        context.build<Bijection>(ffjord_params(registry(), mlp_params({8, 8}), tsit5_adaptive(registry(), 1e-12),
                                               trace_params(registry(), "hutchinson")));
    run_conformance(*flow, context.parameters(), x, noise, false, 1e-9);
  }
}

TEST_CASE("ffjord log-determinants: the Hutchinson mean matches the exact trace") {
  // The same point in every column, a different probe in each: the mean of the
  // Hutchinson logdets estimates the exact logdet (the estimate is linear in the
  // integrand, so its expectation is the exact integral up to solver error).
  const Index n = 20000;
  TestContext context(registry(), 2, 41);
  const auto exact = context.build<Bijection>(ffjord_params(
      registry(), mlp_params({8, 8}), tsit5_adaptive(registry(), 1e-9), trace_params(registry(), "exact")));
  // The same architecture in its own store, with the exact flow's parameter values.
  TestContext other(registry(), 2, 41);
  const auto hutchinson = other.build<Bijection>(ffjord_params(
      registry(), mlp_params({8, 8}), tsit5_adaptive(registry(), 1e-9), trace_params(registry(), "hutchinson")));
  REQUIRE(other.parameters().size() == context.parameters().size());
  other.parameters().values() = context.parameters().values();

  const Matrix point = random_batch(2, 1, 42);
  Matrix z(2, 1);
  Vector exact_logdet(1);
  Rng noise(43);
  exact->forward(point, z, exact_logdet, noise, nullptr);

  const Matrix x = point.replicate(1, n);
  Matrix zs(2, n);
  Vector logdets(n);
  hutchinson->forward(x, zs, logdets, noise, nullptr);
  const double mean = logdets.mean();
  const double standard_error = std::sqrt((logdets.array() - mean).square().sum() / (n - 1) / n);
  INFO("exact " << exact_logdet[0] << ", hutchinson mean " << mean << " +- " << standard_error);
  CHECK(standard_error > 0);
  CHECK(std::abs(mean - exact_logdet[0]) <= 4 * standard_error);
  CHECK((zs.colwise() - z.col(0)).cwiseAbs().maxCoeff() <= 1e-7);
}

}  // namespace liouville::ffjord_test
