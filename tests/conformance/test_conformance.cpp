// The conformance suite: every registered plugin of every interface is built from
// an example config and run through the checks of its interface (tests/testing).
// A plugin with required parameters and no example below fails, so no plugin is
// skipped silently.
#include <doctest/doctest.h>

#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>
#include <string>

#include "liouville/core/dataset.hpp"
#include "liouville/core/distribution.hpp"
#include "liouville/core/trace_estimator.hpp"
#include "liouville/registry/config.hpp"
#include "liouville/registry/registry.hpp"
#include "liouville/testing/bijection_conformance.hpp"
#include "liouville/testing/gradient_check.hpp"
#include "liouville/testing/optimizer_checks.hpp"
#include "liouville/testing/solver_checks.hpp"
#include "liouville/testing/vector_field_checks.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

constexpr Index kDim = 2;

// The extra keys each plugin needs besides `type` (its required parameters, and
// settings that keep a check small).
const std::map<std::string, std::string> kExamples = {
    {"ffjord",
     "vector_field: {type: mlp, hidden: [5], time_input: concat}, solver: {type: tsit5, rtol: 1.0e-12, "
     "atol: 1.0e-12}, tspan: [0.0, 0.7]"},
    {"mlp", "hidden: [4, 3], time_input: concat, activation: softplus, output_activation: tanh"},
    {"planar_cnf",
     "units: 3, gate_width: 6, gate_depth: 2, gate_activation: tanh, include_identity: true, "
     "u_constraint: flowjax, init_scale: 0.7"},
    {"normal", "mean: [0.5, -1.0], std: [1.0, 2.0], n: 50"},
    {"adam", "learning_rate: 0.01"},
    {"affine_coupling", "hidden: [4, 3], activation: tanh, scale: exp_tanh"},
    {"invert", "bijection: {type: planar, activation: tanh, init_scale: 0.5}"},
    // The default init (0.01) starts at the identity, where u_hat's |w|^-2 makes
    // the Taylor test's steps too large; tests/planar covers small scales.
    {"planar", "init_scale: 0.5"},
    {"csv", "path: '" LIOUVILLE_SOURCE_DIR "/tests/datafiles/data/train.csv', test_path: '" LIOUVILLE_SOURCE_DIR
            "/tests/datafiles/data/test.csv'"},
    {"npy", "path: '" LIOUVILLE_SOURCE_DIR "/tests/datafiles/data/train.npy', test_path: '" LIOUVILLE_SOURCE_DIR
            "/tests/datafiles/data/test.npy'"},
};

// Further configurations run through their interface's checks besides the
// example (vector fields), for options that change the derivatives.
const std::multimap<std::string, std::string> kVariants = {
    {"mlp", "hidden: [4, 3], time_input: concatsquash, activation: softplus"},
    {"planar_cnf", "units: 2, gate_width: 5, gate_depth: 1, gate_activation: softplus, init_scale: 0.5"},
};

const Registry& registry() {
  static Registry instance = [] {
    Registry r;
    r.load_search_path({LIOUVILLE_TEST_PLUGIN_DIR});
    return r;
  }();
  return instance;
}

// A component of `interface` built from {type: name, <keys>}.
template <class I>
std::shared_ptr<I> build_with(const std::string& name, std::string keys, ParameterStore& store) {
  const std::string text = "subject: {type: " + name + (keys.empty() ? "" : ", " + keys) + "}\n";
  Schema top;
  top.component("subject", I::kInterface).required();
  const Params params = bind(ConfigDocument::from_string(text, "conformance:" + name), top, registry());
  Rng init(17);
  RegistryBuildContext context(registry(), store, init, kDim);
  return context.create<I>(params, "subject");
}

// A component of `interface` built from {type: name, <example>, <extra>}.
template <class I>
std::shared_ptr<I> build(const std::string& name, ParameterStore& store, const std::string& extra = "") {
  auto example = kExamples.find(name);
  std::string keys = example == kExamples.end() ? "" : example->second;
  if (!extra.empty()) keys += (keys.empty() ? "" : ", ") + extra;
  return build_with<I>(name, keys, store);
}

// The example's keys, then each variant's.
std::vector<std::string> configurations(const std::string& name) {
  auto example = kExamples.find(name);
  std::vector<std::string> found{example == kExamples.end() ? "" : example->second};
  const auto [begin, end] = kVariants.equal_range(name);
  for (auto it = begin; it != end; ++it) found.push_back(it->second);
  return found;
}

std::vector<std::string> names(std::string_view interface) {
  std::vector<std::string> found = registry().names(interface);
  REQUIRE_MESSAGE(!found.empty(), "no " << interface << " plugin is registered");
  return found;
}

}  // namespace

TEST_CASE("every plugin library in the build folder loads") {
  for (const LoadFailure& failure : registry().failures())
    FAIL_CHECK(failure.path.string() << ": " << failure.reason);
}

TEST_CASE("bijections: invertible, log-determinant and gradients") {
  for (const std::string& name : names(Bijection::kInterface)) {
    CAPTURE(name);
    ParameterStore store;
    const auto bijection = build<Bijection>(name, store);
    Matrix x(kDim, 4);
    Rng(3).fill_normal(x);
    const Rng noise(5);
    BijectionTolerances tolerances;
    tolerances.round_trip = 1e-9;
    tolerances.logdet = 1e-7;
    tolerances.inverse_required = false;
    check_bijection_conformance(*bijection, store, x, noise, tolerances);
  }
}

TEST_CASE("vector fields: JVP, VJP, adjointness and the reverse mode of the JVP") {
  for (const std::string& name : names(VectorField::kInterface)) {
    for (const std::string& keys : configurations(name)) {
      CAPTURE(name);
      CAPTURE(keys);
      ParameterStore store;
      const auto field = build_with<VectorField>(name, keys, store);
      Matrix z(kDim, 6);
      Rng rng(8);
      rng.fill_normal(z);
      for (const VectorFieldCheck& check : check_vector_field(*field, store, 0.3, z, rng))
        CHECK_MESSAGE(check.passed, check.name << ": " << check.report);
    }
  }
}

TEST_CASE("ODE solvers: empirical order within 0.2 of the declared order") {
  for (const std::string& name : names(ODESolver::kInterface)) {
    CAPTURE(name);
    ParameterStore store;
    // Every solver takes fixed steps; some (rk4, euler, ...) only those.
    const auto fixed_steps = [](Scalar dt) {
      std::ostringstream keys;
      keys << "adaptive: false, dt: " << std::setprecision(17) << dt;
      return keys.str();
    };
    const int order = build<ODESolver>(name, store, fixed_steps(0.1))->order();
    const FixedStepSolverFactory fixed = [&](Scalar dt) -> std::shared_ptr<const ODESolver> {
      return build<ODESolver>(name, store, fixed_steps(dt));
    };
    const OrderResult result = empirical_order(fixed, NonlinearRotation(), asymptotic_step_sizes(order), 1e-14);
    CHECK_MESSAGE(std::abs(result.order - order) <= 0.2, result.report());
  }
}

TEST_CASE("trace estimators: unbiased for the exact trace, with a correct reverse mode") {
  // On two fields with their own exact divergence: mlp (all unit tangents in one
  // pass) and planar_cnf (closed form). The exact estimator's one-JVP-per-dimension
  // path is checked against them in tests/planar_cnf/test_exact_divergence.cpp.
  for (const std::string field_name : {"mlp", "planar_cnf"}) {
    CAPTURE(field_name);
    ParameterStore store;
    const auto field = build<VectorField>(field_name, store);
    for (const std::string& name : names(TraceEstimator::kInterface)) {
      CAPTURE(name);
      const auto trace = build<TraceEstimator>(name, store);
      // One point repeated over many columns: the mean estimate must match the exact trace.
      const Index samples = 20000;
      Matrix z = Vector{{0.3, -0.7}}.replicate(1, samples);
      Rng rng(4);
      const Matrix probes = trace->draw_probes(kDim, samples, rng);
      Matrix f(kDim, samples);
      Vector estimate(samples);
      trace->evaluate(*field, probes, 0.2, z, f, estimate);
      Matrix jv(kDim, 1), unit = Matrix::Zero(kDim, 1), f1(kDim, 1);
      double exact = 0;
      for (Index i = 0; i < kDim; ++i) {
        unit.setZero();
        unit(i, 0) = 1;
        field->jvp(0.2, z.leftCols(1), unit, f1, jv);
        exact += jv(i, 0);
      }
      const double mean = estimate.mean();
      const double standard_error = std::sqrt((estimate.array() - mean).square().sum() / (samples - 1) / samples);
      CHECK_MESSAGE(std::abs(mean - exact) <= 4 * standard_error + 1e-12, "mean " << mean << ", exact " << exact);

      // Reverse mode in z for L = <a, f> + <b, trace> with the probes held fixed.
      const Index batch = 3;
      Matrix z_small(kDim, batch), a(kDim, batch);
      Vector b(batch);
      Rng(9).fill_normal(z_small);
      Rng(10).fill_normal(a);
      Rng(11).fill_normal(b);
      Rng probe_rng(12);
      const Matrix small_probes = trace->draw_probes(kDim, batch, probe_rng);
      const auto loss = [&](const Vector& flat) {
        Matrix f_out(kDim, batch);
        Vector tr(batch);
        trace->evaluate(*field, small_probes, 0.2, unflatten(flat, kDim, batch), f_out, tr);
        return a.cwiseProduct(f_out).sum() + b.dot(tr);
      };
      Matrix z_bar(kDim, batch);
      Vector theta_bar = Vector::Zero(store.size());
      trace->backward(*field, small_probes, 0.2, z_small, a, b, z_bar, theta_bar);
      const auto check = check_gradient(loss, flatten(z_small), flatten(z_bar), 1e-5);
      CHECK_MESSAGE(check.max_relative_error < 1e-6, check.report());
    }
  }
}

TEST_CASE("optimizers: reach the minimum of an ill-conditioned quadratic and of Rosenbrock") {
  for (const std::string& name : names(Optimizer::kInterface)) {
    CAPTURE(name);
    ParameterStore store;
    const auto optimizer = build<Optimizer>(name, store);
    IllConditionedQuadratic quadratic(10, 100);
    const auto on_quadratic =
        check_reaches_minimum(*optimizer, quadratic, quadratic.start(), quadratic.minimizer(), 20000, 1e-4);
    CHECK_MESSAGE(on_quadratic.passed(), on_quadratic.report());
    RosenbrockObjective rosenbrock;
    const auto on_rosenbrock = check_reaches_minimum(*optimizer, rosenbrock, RosenbrockObjective::start(),
                                                     RosenbrockObjective::minimizer(), 20000, 1e-3);
    CHECK_MESSAGE(on_rosenbrock.passed(), on_rosenbrock.report());
  }
}

TEST_CASE("distributions: normalized on a grid, gradient of the log-density, samples") {
  for (const std::string& name : names(Distribution::kInterface)) {
    CAPTURE(name);
    ParameterStore store;
    const auto distribution = build<Distribution>(name, store);
    REQUIRE(distribution->dim() == kDim);
    // Midpoint rule on [-8, 8]^2.
    const Index points = 200;
    const double width = 16.0 / points;
    Matrix grid(kDim, points * points);
    for (Index k = 0; k < points * points; ++k)
      grid.col(k) << -8 + width * (k % points + 0.5), -8 + width * (k / points + 0.5);
    Vector log_p(grid.cols());
    distribution->log_density(grid, log_p);
    CHECK(log_p.array().exp().sum() * width * width == doctest::Approx(1.0).epsilon(1e-3));

    Matrix z(kDim, 3);
    Rng(2).fill_normal(z);
    Matrix gradient(kDim, 3);
    distribution->log_density_gradient(z, gradient);
    const auto total = [&](const Vector& flat) {
      Vector values(3);
      distribution->log_density(unflatten(flat, kDim, 3), values);
      return values.sum();
    };
    const auto check = check_gradient(total, flatten(z), flatten(gradient));
    CHECK_MESSAGE(check.max_relative_error < 1e-6, check.report());

    Rng rng(6);
    Matrix samples(kDim, 20000);
    distribution->sample(rng, samples);
    CHECK(samples.allFinite());
  }
}

TEST_CASE("datasets: training data of the declared shape, reproducible, with consistent densities") {
  for (const std::string& name : names(Dataset::kInterface)) {
    CAPTURE(name);
    ParameterStore store;
    const auto dataset = build<Dataset>(name, store);
    Rng first(1), again(1);
    const Matrix data = dataset->training_data(first);
    CHECK(data.rows() == dataset->dim());
    CHECK(data.cols() > 0);
    CHECK(data.allFinite());
    CHECK(data == dataset->training_data(again));
    if (dataset->can_sample()) {
      Rng rng(2);
      CHECK(dataset->sample(7, rng).cols() == 7);
    } else {
      Rng rng(2);
      CHECK_THROWS_AS(dataset->sample(7, rng), NotSupported);
    }
    if (dataset->has_log_density()) {
      Vector log_p(data.cols());
      dataset->log_density(data, log_p);
      CHECK(log_p.allFinite());
    }
  }
}
