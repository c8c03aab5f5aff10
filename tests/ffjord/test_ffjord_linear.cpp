// ffjord with a linear field f(z) = A z + b, whose flow and log-determinant are
// known in closed form: z(t1) = expm(A T) x and logdet = T tr(A) when b = 0.
#include <doctest/doctest.h>

#include <unsupported/Eigen/MatrixFunctions>

#include "ffjord_test_support.hpp"
#include "liouville/core/bijection.hpp"
#include "liouville/core/trace_estimator.hpp"
#include "liouville/testing/bijection_checks.hpp"

namespace liouville::ffjord_test {
namespace {

Registry& registry() { return plugins({"ffjord", "tsit5", "exact", "hutchinson"}); }

// An ffjord over a LinearField with A ~ 0.5 N(0, 1), b ~ 0.2 N(0, 1).
struct LinearFlow {
  TestContext context;
  std::shared_ptr<Bijection> flow;

  LinearFlow(Index dim, Params solver, Params trace, std::vector<double> tspan = {0.0, 1.0})
      : context(registry(), dim) {
    flow = context.build<Bijection>(
        ffjord_params(registry(), linear_params("flow.vector_field"), std::move(solver), std::move(trace), tspan));
    Rng init(11);
    auto a = context.linear().a().mutable_value();
    auto b = context.linear().b().mutable_value();
    init.fill_normal(a);
    init.fill_normal(b);
    a *= 0.5;
    b *= 0.2;
  }
};

}  // namespace

TEST_CASE("ffjord with a linear field: z(t1) = expm(A T) x and logdet = T tr(A)") {
  struct Span {
    double t0;
    double t1;
  };
  for (const Span span : {Span{0.5, 1.7}, Span{1.0, 0.0}}) {
    CAPTURE(span.t0);
    CAPTURE(span.t1);
    LinearFlow linear(3, tsit5_adaptive(registry(), 1e-10), trace_params(registry(), "exact"), {span.t0, span.t1});
    linear.context.linear().b().mutable_value().setZero();
    const Matrix a = linear.context.linear().a().value();
    const double length = span.t1 - span.t0;

    const Matrix x = random_batch(3, 5, 2);
    Matrix z(3, 5);
    Vector logdet(5);
    Rng noise(3);
    linear.flow->forward(x, z, logdet, noise, nullptr);

    const Matrix expected_z = (a * length).exp() * x;
    const double expected_logdet = length * a.trace();
    INFO("tr(A) T = " << expected_logdet);
    CHECK((z - expected_z).cwiseAbs().maxCoeff() <= 1e-8);
    CHECK((logdet.array() - expected_logdet).abs().maxCoeff() <= 1e-8);

    Matrix back(3, 5);
    Vector inverse_logdet(5);
    linear.flow->inverse(z, back, inverse_logdet, noise);
    CHECK((back - x).cwiseAbs().maxCoeff() <= 1e-8);
    CHECK((inverse_logdet.array() + expected_logdet).abs().maxCoeff() <= 1e-8);
  }
}

TEST_CASE("ffjord conformance with a linear field and the exact trace") {
  const Matrix x = random_batch(3, 4, 5);
  const Rng noise(6);
  SUBCASE("fixed-step tsit5") {
    LinearFlow linear(3, tsit5_fixed(registry(), 0.05), trace_params(registry(), "exact"));
    const auto inverse = testing::check_inverse(*linear.flow, x, noise);
    CHECK(inverse.supported);
    // Fixed steps are not exactly reversible: the round trip is accurate to the method's error.
    CHECK_MESSAGE(inverse.max_abs_error <= 1e-7, inverse.report());
    CHECK_MESSAGE(inverse.max_logdet_error <= 1e-7, inverse.report());
    const auto logdet = testing::check_forward_logdet(*linear.flow, x, noise);
    CHECK_MESSAGE(logdet.max_abs_error <= 1e-7, logdet.report());
    const auto backward = testing::check_backward(*linear.flow, linear.context.parameters(), x, noise);
    CHECK_MESSAGE(backward.passes(1e-6), backward.report());
  }
  SUBCASE("adaptive tsit5 at rtol = atol = 1e-12") {
    LinearFlow linear(3, tsit5_adaptive(registry(), 1e-12), trace_params(registry(), "exact"));
    const auto inverse = testing::check_inverse(*linear.flow, x, noise);
    CHECK_MESSAGE(inverse.max_abs_error <= 1e-9, inverse.report());
    CHECK_MESSAGE(inverse.max_logdet_error <= 1e-9, inverse.report());
    const auto logdet = testing::check_forward_logdet(*linear.flow, x, noise);
    CHECK_MESSAGE(logdet.max_abs_error <= 1e-7, logdet.report());
    const auto backward = testing::check_backward(*linear.flow, linear.context.parameters(), x, noise);
    CHECK_MESSAGE(backward.passes(1e-6), backward.report());
  }
}

TEST_CASE("ffjord with Hutchinson probes: fixed within a solve, drawn from the given generator") {
  LinearFlow linear(16, tsit5_adaptive(registry(), 1e-12), trace_params(registry(), "hutchinson"));
  const auto estimator = linear.context.build<TraceEstimator>(trace_params(registry(), "hutchinson"));
  const Matrix a = linear.context.linear().a().value();
  const Matrix x = random_batch(16, 6, 7);
  Matrix z(16, 6);
  Vector logdet(6);
  Rng noise(8);
  Rng copy = noise;
  linear.flow->forward(x, z, logdet, noise, nullptr);

  // With one probe eps_j per sample for the whole solve, l' = eps_j^T A eps_j is
  // constant, so logdet_j = T eps_j^T A eps_j with the probes drawn from `noise`.
  const Matrix probes = estimator->draw_probes(16, 6, copy);
  const Vector expected = (probes.transpose() * a * probes).diagonal();
  CHECK((logdet - expected).cwiseAbs().maxCoeff() <= 1e-8);

  Matrix z_again(16, 6);
  Vector logdet_again(6);
  Rng same = Rng(8);
  linear.flow->forward(x, z_again, logdet_again, same, nullptr);
  CHECK(z_again == z);
  CHECK(logdet_again == logdet);

  Rng other(9);
  linear.flow->forward(x, z_again, logdet_again, other, nullptr);
  CHECK((z_again - z).cwiseAbs().maxCoeff() <= 1e-8);  // the state does not see the probes
  CHECK((logdet_again - logdet).cwiseAbs().maxCoeff() > 1e-3);

  const Rng fixed(10);
  const auto backward = testing::check_backward(*linear.flow, linear.context.parameters(), x.leftCols(2), fixed);
  CHECK_MESSAGE(backward.passes(1e-6), backward.report());
}

TEST_CASE("ffjord rejects bad configurations and inputs") {
  SUBCASE("tspan must not be empty") {
    const auto& checks = registry().find("Bijection", "ffjord")->schema.checks();
    REQUIRE(checks.size() == 3);
    Params params = ffjord_params(registry(), linear_params("flow.vector_field"), tsit5_fixed(registry(), 0.1),
                                  trace_params(registry(), "exact"), {0.5, 0.5});
    const auto message = checks.front()(params);
    REQUIRE(message.has_value());
    CHECK(message->find("tspan") != std::string::npos);
    params.set("tspan", Value{std::vector<double>{0.5, 0.25}});
    CHECK_FALSE(checks.front()(params).has_value());
  }
  SUBCASE("seminorm needs the adjoint gradient") {
    const auto& checks = registry().find("Bijection", "ffjord")->schema.checks();
    REQUIRE(checks.size() == 3);
    Params params = ffjord_params(registry(), linear_params("flow.vector_field"), tsit5_fixed(registry(), 0.1),
                                  trace_params(registry(), "exact"));
    params.set("seminorm", Value{true});
    const auto message = checks.back()(params);
    REQUIRE(message.has_value());
    CHECK(message->find("gradient: adjoint") != std::string::npos);
    params.set("gradient", Value{std::string("adjoint")});
    CHECK_FALSE(checks.back()(params).has_value());
  }
  SUBCASE("the vector field's dimension must match the flow's") {
    TestContext context(registry(), 3);
    Params field = linear_params("flow.vector_field");
    field.set("dim", Value{2L});
    const Params params =
        ffjord_params(registry(), field, tsit5_fixed(registry(), 0.1), trace_params(registry(), "exact"));
    CHECK_THROWS_WITH_AS(context.build<Bijection>(params), doctest::Contains("flow.vector_field"), ConfigError);
  }
  SUBCASE("shapes and tapes") {
    LinearFlow linear(3, tsit5_fixed(registry(), 0.1), trace_params(registry(), "exact"));
    Rng noise(1);
    Matrix z(3, 4);
    Vector logdet(4);
    CHECK_THROWS_AS(linear.flow->forward(Matrix::Zero(2, 4), z, logdet, noise, nullptr), DataError);
    Vector short_logdet(3);
    CHECK_THROWS_AS(linear.flow->forward(Matrix::Zero(3, 4), z, short_logdet, noise, nullptr), DataError);
    const Matrix x = random_batch(3, 4, 1);
    Matrix x_bar(3, 4);
    Vector theta_bar = Vector::Zero(linear.context.parameters().size());
    CHECK_THROWS_WITH_AS(linear.flow->backward(nullptr, x, z, z, logdet, x_bar, theta_bar),
                         doctest::Contains("tape"), NotSupported);
    std::unique_ptr<Tape> tape;
    linear.flow->forward(x, z, logdet, noise, &tape);
    CHECK_THROWS_AS(linear.flow->backward(tape.get(), x.leftCols(2), z.leftCols(2), z.leftCols(2), logdet.head(2),
                                          x_bar.leftCols(2), theta_bar),
                    DataError);
  }
}

}  // namespace liouville::ffjord_test
