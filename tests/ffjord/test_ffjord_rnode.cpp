// ffjord's RNODE regularizers (kinetic_energy, jacobian_norm): the channels
// against closed forms on a linear field, their independence from step control,
// the gradient of the penalty (discrete and adjoint) against finite differences,
// its path through Chain and DensityModel, and what evaluation leaves out.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "ffjord_test_support.hpp"
#include "liouville/core/bijection.hpp"
#include "liouville/core/chain.hpp"
#include "liouville/core/density_model.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/core/solve_counters.hpp"
#include "liouville/testing/bijection_checks.hpp"

namespace liouville::ffjord_test {
namespace {

Registry& registry() { return plugins({"ffjord", "tsit5", "exact", "hutchinson", "mlp", "standard_normal"}); }

struct FlowSpec {
  double kinetic = 0;
  double jacobian = 0;
  std::string gradient = "discrete";
  std::string trace = "exact";
  bool rademacher = false;  // hutchinson's probe distribution
  double tolerance = 1e-10;
  std::vector<double> tspan{0.0, 1.0};
  bool linear = false;  // a LinearField instead of an mlp [8, 8] with a time input
};

// An ffjord whose parameters depend only on the seed, so that specs differing
// in the regularizer weights or the gradient method give the same map.
struct Flow {
  TestContext context;
  std::shared_ptr<Bijection> flow;

  explicit Flow(const FlowSpec& spec, std::uint64_t seed = 5) : context(registry(), 2, seed) {
    Params field = spec.linear ? linear_params("flow.vector_field")
                               : component_params(registry(), "VectorField", "mlp", "flow.vector_field",
                                                  {{"hidden", Value{std::vector<long>{8, 8}}},
                                                   {"activation", Value{std::string("tanh")}},
                                                   {"time_input", Value{std::string("concat")}}});
    std::map<std::string, Value> trace_values;
    if (spec.trace == "hutchinson")
      trace_values["distribution"] = Value{std::string(spec.rademacher ? "rademacher" : "gaussian")};
    Params params = ffjord_params(registry(), std::move(field), tsit5_adaptive(registry(), spec.tolerance),
                                  trace_params(registry(), spec.trace, trace_values), spec.tspan);
    params.set("kinetic_energy", Value{spec.kinetic});
    params.set("jacobian_norm", Value{spec.jacobian});
    params.set("gradient", Value{spec.gradient});
    flow = context.build<Bijection>(params);
  }

  ParameterStore& parameters() { return context.parameters(); }
};

struct Forward {
  Matrix z;
  Vector logdet;
  std::unique_ptr<Tape> tape;
};

Forward run_forward(const Bijection& flow, const Matrix& x, const Rng& noise, bool record) {
  Forward out{Matrix(x.rows(), x.cols()), Vector(x.cols()), nullptr};
  Rng copy = noise;
  flow.forward(x, out.z, out.logdet, copy, record ? &out.tape : nullptr);
  return out;
}

}  // namespace

TEST_CASE("rnode channels on a linear field match their closed forms") {
  // A = a I + w R (R the quarter turn) scales every vector by s = sqrt(a^2 + w^2)
  // and rotates it, so |A v| = s |v| for any v and |z(t)| = e^{a t} |z0|:
  //   E = int_0^T s^2 e^{2 a t} |z0|^2 dt = s^2 |z0|^2 (e^{2 a T} - 1) / (2 a),
  //   J = int_0^T |A eps|^2 dt = T s^2 |eps|^2.
  const double a = -0.3;
  const double w = 1.1;
  const double s2 = a * a + w * w;
  const double length = 1.5;
  const Matrix x = random_batch(2, 4, 1);
  const Rng noise(2);
  const auto set_field = [&](Flow& flow) {
    flow.context.linear().a().mutable_value() << a, -w, w, a;
    flow.context.linear().b().mutable_value().setZero();
  };
  const Vector squared_norms = x.colwise().squaredNorm().transpose();
  const double mean_energy = s2 * squared_norms.mean() * (std::exp(2 * a * length) - 1) / (2 * a);

  SUBCASE("kinetic energy, exact trace") {
    FlowSpec spec;
    spec.linear = true;
    spec.kinetic = 1;
    spec.tspan = {0.0, length};
    Flow flow(spec);
    set_field(flow);
    const Forward out = run_forward(*flow.flow, x, noise, true);
    INFO("mean E = " << out.tape->penalty << ", closed form " << mean_energy);
    CHECK(std::abs(out.tape->penalty - mean_energy) <= 1e-8 * mean_energy);
    // The same map with a weight of 0.25: the penalty scales with it.
    spec.kinetic = 0.25;
    Flow weighted(spec);
    set_field(weighted);
    CHECK(std::abs(run_forward(*weighted.flow, x, noise, true).tape->penalty - 0.25 * mean_energy) <=
          1e-8 * mean_energy);
  }
  SUBCASE("Jacobian norm with Rademacher probes: |eps|^2 = dim for every draw") {
    FlowSpec spec;
    spec.linear = true;
    spec.jacobian = 1;
    spec.trace = "hutchinson";
    spec.rademacher = true;
    spec.tspan = {0.0, length};
    Flow flow(spec);
    set_field(flow);
    const Forward out = run_forward(*flow.flow, x, noise, true);
    CHECK(std::abs(out.tape->penalty - length * s2 * 2) <= 1e-9);
  }
  SUBCASE("Jacobian norm with the exact trace: a Gaussian probe drawn once per solve") {
    FlowSpec spec;
    spec.linear = true;
    spec.kinetic = 0.5;
    spec.jacobian = 2;
    spec.tspan = {0.0, length};
    Flow flow(spec);
    set_field(flow);
    const Forward out = run_forward(*flow.flow, x, noise, true);
    // The exact trace draws nothing, so the probe is the first dim x batch normal draw.
    Matrix probe(2, x.cols());
    Rng draws = noise;
    draws.fill_normal(probe);
    const double mean_jacobian = length * s2 * probe.colwise().squaredNorm().mean();
    const double expected = 0.5 * mean_energy + 2 * mean_jacobian;
    INFO("penalty " << out.tape->penalty << ", closed form " << expected);
    CHECK(std::abs(out.tape->penalty - expected) <= 1e-8 * expected);
  }
}

TEST_CASE("rnode channels stay out of step control: the same steps and the same z") {
  for (const std::string trace : {"exact", "hutchinson"}) {
    CAPTURE(trace);
    FlowSpec plain;
    plain.trace = trace;
    plain.tolerance = 1e-5;
    plain.tspan = {0.0, 2.0};
    FlowSpec regularized = plain;
    regularized.kinetic = 0.01;
    regularized.jacobian = 0.01;
    Flow off(plain);
    Flow on(regularized);
    REQUIRE(off.parameters().values() == on.parameters().values());
    const Matrix x = 2 * random_batch(2, 16, 3);
    const Rng noise(4);

    const SolveTotals before_off = solve_totals();
    const Forward out_off = run_forward(*off.flow, x, noise, true);
    const SolveTotals before_on = solve_totals();
    const Forward out_on = run_forward(*on.flow, x, noise, true);
    const SolveTotals after = solve_totals();
    const long steps_off = before_on.forward.accepted_steps - before_off.forward.accepted_steps;
    const long steps_on = after.forward.accepted_steps - before_on.forward.accepted_steps;
    const long rejected_off = before_on.forward.rejected_steps - before_off.forward.rejected_steps;
    const long rejected_on = after.forward.rejected_steps - before_on.forward.rejected_steps;
    INFO("accepted " << steps_off << " vs " << steps_on << ", rejected " << rejected_off << " vs " << rejected_on);
    CHECK(steps_off > 3);
    CHECK(steps_on == steps_off);
    CHECK(rejected_on == rejected_off);
    CHECK(out_on.z == out_off.z);
    CHECK(out_on.logdet == out_off.logdet);
    CHECK(out_off.tape->penalty == 0);
    CHECK(out_on.tape->penalty > 0);
  }
}

TEST_CASE("rnode penalty gradient against finite differences and Taylor tests") {
  const Matrix x = random_batch(2, 3, 5);
  const Rng noise(6);
  testing::BijectionCheckOptions options;
  options.penalty_weight = 1.3;
  struct Case {
    const char* gradient;
    const char* trace;
    double kinetic;
    double jacobian;
  };
  for (const Case c : {Case{"discrete", "exact", 0.7, 0.4}, Case{"discrete", "hutchinson", 0.7, 0.4},
                       Case{"discrete", "exact", 0.0, 0.9}, Case{"adjoint", "exact", 0.7, 0.4},
                       Case{"adjoint", "hutchinson", 0.5, 0.0}}) {
    CAPTURE(c.gradient);
    CAPTURE(c.trace);
    CAPTURE(c.kinetic);
    CAPTURE(c.jacobian);
    FlowSpec spec;
    spec.gradient = c.gradient;
    spec.trace = c.trace;
    spec.kinetic = c.kinetic;
    spec.jacobian = c.jacobian;
    Flow flow(spec);
    const testing::BackwardCheck check = testing::check_backward(*flow.flow, flow.parameters(), x, noise, options);
    CHECK_MESSAGE(check.passes(1e-6), check.report());
    // The penalty's own gradient is not negligible next to the rest of L.
    Flow plain_flow(FlowSpec{.gradient = c.gradient, .trace = c.trace});
    const testing::BackwardCheck plain =
        testing::check_backward(*plain_flow.flow, plain_flow.parameters(), x, noise);
    CHECK(std::abs(check.loss - plain.loss) > 1e-3);
  }
}

TEST_CASE("rnode: without a penalty cotangent backward is the plain reverse mode (conformance)") {
  FlowSpec spec;
  spec.trace = "hutchinson";
  spec.kinetic = 0.5;
  spec.jacobian = 0.5;
  Flow flow(spec);
  const testing::BackwardCheck check =
      testing::check_backward(*flow.flow, flow.parameters(), random_batch(2, 3, 7), Rng(8));
  CHECK_MESSAGE(check.passes(1e-6), check.report());
}

TEST_CASE("rnode penalty through a chain (store and recompute) and a DensityModel") {
  FlowSpec spec;
  spec.trace = "hutchinson";
  spec.kinetic = 0.3;
  spec.jacobian = 0.2;
  Flow flow(spec);
  const Matrix x = random_batch(2, 4, 9);
  const Rng noise(10);
  const double single = run_forward(*flow.flow, x, noise, true).tape->penalty;
  REQUIRE(single > 0);
  testing::BijectionCheckOptions options;
  options.penalty_weight = 1;
  for (const ChainMemory memory : {ChainMemory::kStore, ChainMemory::kRecompute}) {
    CAPTURE(memory == ChainMemory::kStore);
    // The same layer twice (tied weights): each adds its penalty and its gradient.
    const Chain chain({flow.flow, flow.flow}, memory);
    const Forward out = run_forward(chain, x, noise, true);
    CHECK(out.tape->penalty > single);
    const testing::BackwardCheck check = testing::check_backward(chain, flow.parameters(), x, noise, options);
    CHECK_MESSAGE(check.passes(1e-6), check.report());
  }
}

TEST_CASE("rnode through DensityModel: the penalty apart from nll, both in the gradient, none in evaluation") {
  FlowSpec spec;
  spec.trace = "hutchinson";
  spec.kinetic = 0.3;
  spec.jacobian = 0.2;
  Flow flow(spec);
  const Matrix x = random_batch(2, 5, 11);
  const Rng noise(12);
  const DensityModel model(
      flow.context.build<Distribution>(component_params(registry(), "Distribution", "standard_normal", "base")),
      flow.flow);
  ParameterStore& store = flow.parameters();
  const Vector theta = store.values();

  Vector gradient = Vector::Zero(store.size());
  Rng copy = noise;
  const LikelihoodTerms terms = model.negative_log_likelihood(x, copy, gradient);
  CHECK(terms.penalty == run_forward(*flow.flow, x, noise, true).tape->penalty);
  CHECK(terms.penalty > 0);
  // Evaluation (no tape) gives the likelihood alone.
  copy = noise;
  CHECK(std::abs(terms.nll + model.log_density(x, copy).mean()) <= 1e-12 * std::abs(terms.nll));

  const testing::ScalarFunction loss = [&](const Vector& at) {
    store.values() = at;
    Vector unused = Vector::Zero(at.size());
    Rng fixed = noise;
    const LikelihoodTerms t = model.negative_log_likelihood(x, fixed, unused);
    return t.nll + t.penalty;
  };
  const testing::GradientCheckResult check = testing::check_gradient(loss, theta, gradient, 1e-5);
  store.values() = theta;
  CHECK_MESSAGE(check.max_relative_error <= 1e-6, check.report());
}

TEST_CASE("rnode configuration: the regularizers need t1 > t0") {
  const auto& checks = registry().find("Bijection", "ffjord")->schema.checks();
  Params params = ffjord_params(registry(), linear_params("flow.vector_field"), tsit5_fixed(registry(), 0.1),
                                trace_params(registry(), "exact"), {1.0, 0.0});
  const auto messages = [&] {
    std::string all;
    for (const auto& check : checks)
      if (const auto message = check(params)) all += *message + "\n";
    return all;
  };
  CHECK(messages().empty());
  params.set("jacobian_norm", Value{0.01});
  CHECK(messages().find("jacobian_norm: the regularizers integrate forward in time") != std::string::npos);
  params.set("tspan", Value{std::vector<double>{0.0, 1.0}});
  CHECK(messages().empty());
}

}  // namespace liouville::ffjord_test
