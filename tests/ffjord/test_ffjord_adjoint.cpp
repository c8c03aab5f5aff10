// ffjord with `gradient: adjoint`: the continuous adjoint against discrete
// backpropagation and finite differences, with the exact trace in 1-D and 2-D
// and Hutchinson's estimator in 2-D; the seminorm's effect on the backward solve;
// typed failures of the backward solve.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "ffjord_test_support.hpp"
#include "liouville/core/bijection.hpp"
#include "liouville/core/solve_counters.hpp"
#include "liouville/testing/bijection_conformance.hpp"

namespace liouville::ffjord_test {
namespace {

Registry& registry() { return plugins({"ffjord", "tsit5", "exact", "hutchinson", "mlp"}); }

Params mlp_params(std::vector<long> hidden) { return concat_tanh_mlp_params(registry(), std::move(hidden)); }

// The settings of one ffjord: its gradient method and its children.
struct FlowSpec {
  Index dim = 1;
  std::vector<long> hidden{3};
  std::string trace = "exact";
  double tolerance = 1e-10;
  long max_steps = 100000;
  std::vector<double> tspan{0.0, 1.0};
};

// An ffjord with an mlp field whose parameters come from `seed`, so that flows
// built with the same spec and seed but another gradient method are the same map.
struct Flow {
  TestContext context;
  std::shared_ptr<Bijection> flow;
  ParameterStore* parameters = nullptr;  // the context's

  Flow(const FlowSpec& spec, const std::string& gradient, bool seminorm = false, std::uint64_t seed = 5)
      : context(registry(), spec.dim, seed) {
    Params solver = component_params(
        registry(), "ODESolver", "tsit5", "flow.solver",
        {{"rtol", Value{spec.tolerance}}, {"atol", Value{spec.tolerance}}, {"max_steps", Value{spec.max_steps}}});
    Params params = ffjord_params(registry(), mlp_params(spec.hidden), std::move(solver),
                                  trace_params(registry(), spec.trace), spec.tspan);
    params.set("gradient", Value{gradient});
    params.set("seminorm", Value{seminorm});
    flow = context.build<Bijection>(params);
    parameters = &context.parameters();
  }
};

struct Gradient {
  Matrix x_bar;
  Vector theta_bar;
  SolveTotals work;  // of the reverse pass alone
};

// The gradient of L = <a, z> + <b, logdet> at x, with the noise that fixes the probes.
Gradient gradient(const Flow& flow, const Matrix& x, const Rng& noise) {
  const Index dim = x.rows();
  const Index batch = x.cols();
  Matrix a(dim, batch);
  Vector b(batch);
  Rng draws(77);
  draws.fill_normal(a);
  draws.fill_normal(b);
  Matrix z(dim, batch);
  Vector logdet(batch);
  std::unique_ptr<Tape> tape;
  Rng copy = noise;
  flow.flow->forward(x, z, logdet, copy, &tape);
  Gradient result{Matrix(dim, batch), Vector::Zero(flow.parameters->size()), {}};
  const SolveTotals before = solve_totals();
  flow.flow->backward(tape.get(), x, z, a, b, result.x_bar, result.theta_bar);
  const SolveTotals after = solve_totals();
  result.work.forward.accepted_steps = after.forward.accepted_steps - before.forward.accepted_steps;
  result.work.forward.function_evaluations =
      after.forward.function_evaluations - before.forward.function_evaluations;
  result.work.backward.accepted_steps = after.backward.accepted_steps - before.backward.accepted_steps;
  result.work.backward.rejected_steps = after.backward.rejected_steps - before.backward.rejected_steps;
  return result;
}

// max |g - reference| / max(|reference|_inf, 1) over x_bar and theta_bar.
double relative_gap(const Gradient& g, const Gradient& reference) {
  const double scale =
      std::max({reference.x_bar.cwiseAbs().maxCoeff(), reference.theta_bar.cwiseAbs().maxCoeff(), 1.0});
  return std::max((g.x_bar - reference.x_bar).cwiseAbs().maxCoeff(),
                  (g.theta_bar - reference.theta_bar).cwiseAbs().maxCoeff()) /
         scale;
}

long backward_attempts(const Gradient& g) {
  return g.work.backward.accepted_steps + g.work.backward.rejected_steps;
}

void check_agreement(const FlowSpec& spec, const Matrix& x, const Rng& noise) {
  const Flow discrete(spec, "discrete");
  const Gradient reference = gradient(discrete, x, noise);
  REQUIRE(reference.theta_bar.cwiseAbs().maxCoeff() > 0);
  for (const bool seminorm : {false, true}) {
    CAPTURE(seminorm);
    const Flow adjoint(spec, "adjoint", seminorm);
    REQUIRE(adjoint.parameters->values() == discrete.parameters->values());
    const Gradient g = gradient(adjoint, x, noise);
    const double gap = relative_gap(g, reference);
    INFO("adjoint - discrete: " << gap << " relative; backward steps " << g.work.backward.accepted_steps);
    CHECK(gap <= 1e-6);
    // The adjoint integrates in the reverse pass; its work is counted as backward.
    CHECK(g.work.backward.accepted_steps > 0);
    CHECK(g.work.forward.function_evaluations == 0);
  }
}

// Serves a LinearField allocated before the flow is built, so that its parameters
// lie outside the flow's block (as if tied to another component).
class SharedFieldContext final : public BuildContext {
 public:
  explicit SharedFieldContext(const Registry& registry)
      : registry_(registry), field_(std::make_shared<LinearField>(store_, "shared", 1)) {}

  Index dim() const override { return 1; }
  ParameterStore& parameters() override { return store_; }
  Rng& init_rng() override { return rng_; }
  std::shared_ptr<Component> create_component(std::string_view interface, const Params& params) override {
    if (params.type() == "linear") return field_;
    return registry_.create(interface, params, *this);
  }

 private:
  const Registry& registry_;
  Rng rng_{1};
  ParameterStore store_;
  std::shared_ptr<LinearField> field_;
};

}  // namespace

TEST_CASE("adjoint and discrete gradients agree to 1e-6 at rtol = atol = 1e-10") {
  SUBCASE("1-D, mlp [3], exact trace, tspan [0, 10]") {
    FlowSpec spec;
    spec.tspan = {0.0, 10.0};
    check_agreement(spec, random_batch(1, 6, 1), Rng(2));
  }
  SUBCASE("2-D, mlp [8, 8], exact trace") {
    FlowSpec spec;
    spec.dim = 2;
    spec.hidden = {8, 8};
    check_agreement(spec, random_batch(2, 5, 3), Rng(4));
  }
  SUBCASE("2-D, mlp [8, 8], hutchinson trace (the same probes forward and backward)") {
    FlowSpec spec;
    spec.dim = 2;
    spec.hidden = {8, 8};
    spec.trace = "hutchinson";
    check_agreement(spec, random_batch(2, 5, 5), Rng(6));
  }
}

TEST_CASE("adjoint gradient: conformance and finite differences at rtol = atol = 1e-10") {
  testing::BijectionTolerances tolerances;
  tolerances.round_trip = 1e-9;
  tolerances.logdet = 1e-7;
  tolerances.parameters_required = true;
  SUBCASE("1-D, exact trace") {
    FlowSpec spec;
    spec.tspan = {0.0, 2.0};
    Flow flow(spec, "adjoint");
    testing::check_bijection_conformance(*flow.flow, *flow.parameters, random_batch(1, 4, 7), Rng(8), tolerances);
  }
  SUBCASE("2-D, hutchinson trace, seminorm") {
    FlowSpec spec;
    spec.dim = 2;
    spec.hidden = {6};
    spec.trace = "hutchinson";
    Flow flow(spec, "adjoint", true);
    const testing::BackwardCheck check =
        testing::check_backward(*flow.flow, *flow.parameters, random_batch(2, 3, 9), Rng(10));
    CHECK_MESSAGE(check.passes(1e-6), check.report());
  }
}

TEST_CASE("seminorm: fewer backward steps, the same gradient to the tolerance") {
  // The 1-D seed's mlp size (with a time input) over tspan [0, 10] at the default tolerances.
  FlowSpec spec;
  spec.tspan = {0.0, 10.0};
  spec.tolerance = 1e-6;
  const Matrix x = random_batch(1, 20, 11);
  const Rng noise(12);
  const Gradient full = gradient(Flow(spec, "adjoint", false), x, noise);
  const Gradient semi = gradient(Flow(spec, "adjoint", true), x, noise);
  INFO("backward attempts: full norm " << backward_attempts(full) << ", seminorm " << backward_attempts(semi));
  CHECK(backward_attempts(semi) < backward_attempts(full));
  CHECK(relative_gap(semi, full) <= 1e-3);
}

TEST_CASE("a failure of the adjoint's backward solve is a typed SolverError") {
  FlowSpec spec;
  spec.tspan = {0.0, 10.0};
  spec.tolerance = 1e-8;
  const Matrix x = random_batch(1, 4, 13);
  SUBCASE("a non-finite cotangent") {
    const Flow flow(spec, "adjoint");
    Matrix z(1, 4);
    Vector logdet(4);
    std::unique_ptr<Tape> tape;
    Rng noise(1);
    flow.flow->forward(x, z, logdet, noise, &tape);
    Matrix z_bar = Matrix::Ones(1, 4);
    z_bar(0, 2) = std::numeric_limits<double>::quiet_NaN();
    Matrix x_bar(1, 4);
    Vector theta_bar = Vector::Zero(flow.parameters->size());
    try {
      flow.flow->backward(tape.get(), x, z, z_bar, logdet, x_bar, theta_bar);
      FAIL("no SolverError");
    } catch (const SolverError& error) {
      CHECK(error.failure() == SolverFailure::kNonFinite);
      CHECK(std::string(error.what()).find("adjoint solve from t = 10 back to t = 0") != std::string::npos);
      CHECK(error.detail().find("the initial state is nan") != std::string::npos);
    }
  }
  SUBCASE("max_steps enough for the forward solve but not for the backward one") {
    // Measure both solves, then allow exactly the forward solve's attempts.
    const SolveTotals before = solve_totals();
    const Gradient measured = gradient(Flow(spec, "adjoint"), x, Rng(1));
    const SolveTotals after = solve_totals();
    const long forward = (after.forward.accepted_steps - before.forward.accepted_steps) +
                         (after.forward.rejected_steps - before.forward.rejected_steps);
    REQUIRE(backward_attempts(measured) > forward);
    spec.max_steps = forward;
    const Flow limited(spec, "adjoint");
    Matrix z(1, 4);
    Vector logdet(4);
    std::unique_ptr<Tape> tape;
    Rng noise(1);
    REQUIRE_NOTHROW(limited.flow->forward(x, z, logdet, noise, &tape));
    Matrix x_bar(1, 4);
    Vector theta_bar = Vector::Zero(limited.parameters->size());
    try {
      limited.flow->backward(tape.get(), x, z, Matrix::Ones(1, 4), Vector::Ones(4), x_bar, theta_bar);
      FAIL("no SolverError");
    } catch (const SolverError& error) {
      CHECK(error.failure() == SolverFailure::kMaxSteps);
      CHECK(std::string(error.what()).find("adjoint solve") != std::string::npos);
      CHECK(std::string(error.what()).find("max_steps") != std::string::npos);
    }
  }
}

TEST_CASE("adjoint gradient: an empty batch leaves the gradient unchanged") {
  // With a seminorm and no samples nothing would be left in the error norm.
  FlowSpec spec;
  const Flow flow(spec, "adjoint", true);
  const Matrix x(1, 0);
  Matrix z(1, 0);
  Vector logdet(0);
  std::unique_ptr<Tape> tape;
  Rng noise(1);
  flow.flow->forward(x, z, logdet, noise, &tape);
  Matrix x_bar(1, 0);
  Vector theta_bar = Vector::Constant(flow.parameters->size(), 2.0);
  flow.flow->backward(tape.get(), x, z, z, logdet, x_bar, theta_bar);
  CHECK(theta_bar == Vector::Constant(flow.parameters->size(), 2.0));
}

TEST_CASE("adjoint gradient: a tape from another gradient method is refused") {
  // The tape's record type tells the methods apart; the discrete and adjoint flows
  // have the same parameters, so only the record differs.
  FlowSpec spec;
  const Flow discrete(spec, "discrete");
  const Flow adjoint(spec, "adjoint");
  const Matrix x = random_batch(1, 3, 14);
  Matrix z(1, 3);
  Vector logdet(3);
  std::unique_ptr<Tape> tape;
  Rng noise(1);
  discrete.flow->forward(x, z, logdet, noise, &tape);
  Matrix x_bar(1, 3);
  Vector theta_bar = Vector::Zero(adjoint.parameters->size());
  CHECK_THROWS_WITH_AS(adjoint.flow->backward(tape.get(), x, z, z, logdet, x_bar, theta_bar),
                       doctest::Contains("another gradient method"), NotSupported);
}

TEST_CASE("adjoint gradient: parameters outside the flow's block are refused, not dropped") {
  SharedFieldContext context(registry());
  Params params = ffjord_params(registry(), linear_params("flow.vector_field"), tsit5_adaptive(registry(), 1e-8),
                                trace_params(registry(), "exact"));
  params.set("gradient", Value{std::string("adjoint")});
  const auto flow = std::dynamic_pointer_cast<Bijection>(context.create_component("Bijection", params));
  REQUIRE(flow != nullptr);
  const Matrix x = random_batch(1, 3, 15);
  Matrix z(1, 3);
  Vector logdet(3);
  std::unique_ptr<Tape> tape;
  Rng noise(1);
  flow->forward(x, z, logdet, noise, &tape);
  Matrix x_bar(1, 3);
  Vector theta_bar = Vector::Zero(context.parameters().size());
  CHECK_THROWS_WITH_AS(flow->backward(tape.get(), x, z, Matrix::Ones(1, 3), Vector::Ones(3), x_bar, theta_bar),
                       doctest::Contains("outside its block"), NotSupported);
}

}  // namespace liouville::ffjord_test
