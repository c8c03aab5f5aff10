// Shared by the solver tests: tableaus built in the test (classic RK4, the
// Heun-Euler 2(1) pair), the tsit5 plugin loaded through the Registry, and a
// system that counts its calls.
#pragma once

#include <memory>
#include <string>

#include "liouville/core/butcher_tableau.hpp"
#include "liouville/core/ode_system.hpp"
#include "liouville/registry/registry.hpp"

namespace liouville::testing {

inline ButcherTableau rk4_tableau() {
  ButcherTableau t;
  t.a = Matrix::Zero(4, 4);
  t.a(1, 0) = 0.5;
  t.a(2, 1) = 0.5;
  t.a(3, 2) = 1;
  t.b = (Vector(4) << 1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6).finished();
  t.c = (Vector(4) << 0, 0.5, 0.5, 1).finished();
  t.order = 4;
  return t;
}

// Heun's method (order 2) with explicit Euler (order 1) embedded: e = b - b_hat.
inline ButcherTableau heun_euler_tableau() {
  ButcherTableau t;
  t.a = Matrix::Zero(2, 2);
  t.a(1, 0) = 1;
  t.b = (Vector(2) << 0.5, 0.5).finished();
  t.c = (Vector(2) << 0, 1).finished();
  t.e = (Vector(2) << -0.5, 0.5).finished();
  t.order = 2;
  t.error_order = 1;
  return t;
}

inline StepControl fixed_steps(Scalar dt) {
  StepControl control;
  control.adaptive = false;
  control.dt = dt;
  return control;
}

inline StepControl tolerances(Scalar rtol, Scalar atol) {
  StepControl control;
  control.rtol = rtol;
  control.atol = atol;
  return control;
}

// The tsit5 plugin built from explicit Params (every step-control key given).
inline std::shared_ptr<const ODESolver> make_tsit5(const StepControl& control) {
  static Registry registry;
  static ParameterStore store;
  static Rng rng(1);
  static RegistryBuildContext context(registry, store, rng, 1);
  registry.load_library(std::string(LIOUVILLE_TEST_PLUGIN_DIR) + "/liouville_tsit5.so");
  Params params("solver", "tsit5");
  params.set("adaptive", Value{control.adaptive});
  params.set("dt", Value{control.dt});
  params.set("rtol", Value{control.rtol});
  params.set("atol", Value{control.atol});
  params.set("dt_min", Value{control.dt_min});
  params.set("max_steps", Value{control.max_steps});
  params.set("controller",
             Value{std::string(control.controller == StepController::kIntegral ? "integral" : "pi")});
  auto solver =
      std::dynamic_pointer_cast<const ODESolver>(registry.create(ODESolver::kInterface, params, context));
  if (!solver) throw PluginError("tsit5 did not build an ODESolver");
  return solver;
}

// Forwards to a system and counts rhs and rhs_backward calls.
class CountingSystem final : public OdeSystem {
 public:
  explicit CountingSystem(const OdeSystem& system) : system_(system) {}
  Index rows() const override { return system_.rows(); }
  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override {
    ++forward;
    system_.rhs(t, y, dy);
  }
  void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override {
    ++backward;
    system_.rhs_backward(t, y, dy_bar, y_bar, theta_bar);
  }
  mutable long forward = 0;
  mutable long backward = 0;

 private:
  const OdeSystem& system_;
};

}  // namespace liouville::testing
