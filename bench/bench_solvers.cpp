// The registered ODE solvers side by side: stages, FSAL, the declared orders and
// the orders measured with fixed steps (b on the nonlinear rotation, the
// embedded b_hat on the Hopf oscillator, step sizes from asymptotic_step_sizes),
// and the work of adaptive solves of the Hopf oscillator over [0, 2] (function
// evaluations, accepted and rejected steps, the error at t = 2). Prints figures;
// asserts nothing.
//
//   bench_solvers
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "liouville/core/butcher_tableau.hpp"
#include "liouville/core/integrate.hpp"
#include "liouville/registry/registry.hpp"
#include "liouville/testing/solver_checks.hpp"

using namespace liouville;
using namespace liouville::testing;

namespace {

// `name` with its schema defaults, then those of `values` its schema declares.
std::shared_ptr<const ExplicitRungeKutta> make(const Registry& registry, const std::string& name,
                                               const std::map<std::string, Value>& values) {
  const RegisteredComponent* component = registry.find(ODESolver::kInterface, name);
  Params params("solver", name);
  for (const auto& spec : component->schema.entries())
    if (spec->default_value()) params.set(spec->name(), *spec->default_value());
  for (const auto& [key, value] : values)
    if (component->schema.find(key) != nullptr) params.set(key, value);
  ParameterStore store;
  Rng rng(1);
  RegistryBuildContext context(registry, store, rng, 1);
  return std::dynamic_pointer_cast<const ExplicitRungeKutta>(
      registry.create(ODESolver::kInterface, params, context));
}

double fixed_order(const ButcherTableau& tableau, const ExactProblem& problem) {
  const auto make_fixed = [&](Scalar dt) {
    StepControl control;
    control.adaptive = false;
    control.dt = dt;
    return std::make_shared<const ExplicitRungeKutta>(tableau, control);
  };
  return empirical_order(make_fixed, problem, asymptotic_step_sizes(tableau.order), 1e-14).order;
}

}  // namespace

int main() {
  Registry registry;
  registry.load_search_path();
  const NonlinearRotation rotation;
  const HopfOscillator hopf;
  std::printf("%-9s %6s %4s %9s %9s %9s %9s\n", "solver", "stages", "FSAL", "order", "measured", "embedded",
              "measured");
  for (const std::string& name : registry.names(ODESolver::kInterface)) {
    const auto solver = make(registry, name, {{"adaptive", Value{false}}, {"dt", Value{0.1}}});
    if (!solver) continue;
    const ButcherTableau& t = solver->tableau();
    std::printf("%-9s %6ld %4s %9d %9.3f", name.c_str(), static_cast<long>(t.b.size()),
                t.first_same_as_last ? "yes" : "no", t.order, fixed_order(t, rotation));
    if (t.error_order > 0) {
      std::printf(" %9d %9.3f", t.error_order, fixed_order(embedded_method(t), hopf));
    } else {
      std::printf(" %9s %9s", "-", "-");
    }
    std::printf("\n");
  }

  std::printf("\nadaptive, Hopf oscillator on [0, 2], 3 samples, rtol = atol = tol\n");
  std::printf("%-9s %7s %7s %9s %9s %11s\n", "solver", "tol", "nfe", "accepted", "rejected", "max error");
  for (const std::string& name : registry.names(ODESolver::kInterface)) {
    const auto fixed = make(registry, name, {{"adaptive", Value{false}}, {"dt", Value{0.1}}});
    if (!fixed || fixed->error_order() == 0) continue;  // fixed steps only
    for (const double tolerance : {1e-4, 1e-6, 1e-8}) {
      const auto solver = make(registry, name, {{"rtol", Value{tolerance}}, {"atol", Value{tolerance}}});
      Matrix y = hopf.initial_state();
      const SolveStats stats = integrate(*solver, hopf, hopf.t0(), hopf.t1(), y, {}, nullptr);
      std::printf("%-9s %7.0e %7ld %9ld %9ld %11.3e\n", name.c_str(), tolerance, stats.function_evaluations,
                  stats.accepted_steps, stats.rejected_steps,
                  (y - hopf.solution(hopf.t1())).cwiseAbs().maxCoeff());
    }
  }
  return 0;
}
