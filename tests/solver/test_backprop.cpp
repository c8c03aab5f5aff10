// Backpropagation through a solve (integrate + integrate_backward): the exact
// gradient of the computed solution, for the initial state and the parameters,
// against finite differences of the same step sequence.
#include <doctest/doctest.h>

#include "liouville/core/errors.hpp"
#include "liouville/core/integrate.hpp"
#include "liouville/testing/gradient_check.hpp"
#include "liouville/testing/solver_checks.hpp"
#include "solver_fixtures.hpp"

namespace liouville::testing {
namespace {

Matrix random_state(Index rows, Index cols, std::uint64_t seed) {
  Matrix y(rows, cols);
  Rng(seed).fill_normal(y);
  return y;
}

void check(const SolveGradientCheck& result) {
  CAPTURE(result.initial_state.report());
  CAPTURE(result.parameters.report());
  CAPTURE(result.taylor.report());
  CHECK(result.initial_state.max_relative_error <= 1e-6);
  CHECK(result.parameters.max_relative_error <= 1e-6);
  CHECK(result.taylor.passes());
}

TEST_CASE("the gradient of an adaptive tsit5 solve matches finite differences of its steps") {
  TanhSystem system(3, 41);
  const Matrix y0 = random_state(3, 4, 12);
  const auto solver = make_tsit5(tolerances(1e-6, 1e-8));
  SUBCASE("forward in time") {
    const SolveGradientCheck result = check_solve_gradient(*solver, system, 0.2, 1.5, y0);
    CHECK(result.trajectory.steps.size() > 3);
    check(result);
  }
  SUBCASE("backward in time") { check(check_solve_gradient(*solver, system, 1.0, -0.5, y0)); }
}

TEST_CASE("replaying the recorded steps reproduces the adaptive solve exactly") {
  TanhSystem system(3, 43);
  const Matrix y0 = random_state(3, 5, 13);
  const auto solver = make_tsit5(tolerances(1e-7, 1e-9));
  Matrix y = y0;
  Trajectory trajectory;
  integrate(*solver, system, 0, 2, y, {}, &trajectory);
  CHECK(replay(*solver, system, trajectory, y0) == y);
}

TEST_CASE("the gradient of a fixed-step solve matches finite differences of integrate itself") {
  TanhSystem tanh_system(2, 47);
  const CountingSystem system(tanh_system);
  const Matrix y0 = random_state(2, 3, 14);
  Matrix w(2, 3);
  Rng(15).fill_normal(w);
  for (const auto& solver :
       {make_tsit5(fixed_steps(0.1)),
        std::shared_ptr<const ODESolver>(std::make_shared<ExplicitRungeKutta>(rk4_tableau(), fixed_steps(0.1)))}) {
    CAPTURE(solver->num_stages());
    auto loss_of_state = [&](const Vector& flat) {
      Matrix y = unflatten(flat, 2, 3);
      integrate(*solver, system, 0, 1, y, {}, nullptr);
      return (w.array() * y.array()).sum();
    };
    Matrix y = y0;
    Trajectory trajectory;
    integrate(*solver, system, 0, 1, y, {}, &trajectory);
    REQUIRE(trajectory.steps.size() == 10);
    Matrix y_bar = w;
    Vector theta_bar = Vector::Zero(tanh_system.theta().size());
    const long before = system.backward;
    const SolveStats stats = integrate_backward(*solver, system, trajectory, y_bar, theta_bar);
    // tsit5's FSAL stage has no reverse pass: 6 calls per step, RK4 4.
    CHECK(stats.function_evaluations == system.backward - before);
    CHECK(stats.function_evaluations == 10 * std::min<Index>(solver->num_stages(), 6));
    CHECK(stats.accepted_steps == 10);

    const auto state = check_gradient(loss_of_state, flatten(y0), flatten(y_bar));
    CAPTURE(state.report());
    CHECK(state.max_relative_error <= 1e-6);
    const Vector theta = tanh_system.theta();
    auto loss_of_theta = [&](const Vector& value) {
      tanh_system.theta() = value;
      const double loss = loss_of_state(flatten(y0));
      tanh_system.theta() = theta;
      return loss;
    };
    const auto parameters = check_gradient(loss_of_theta, theta, theta_bar);
    CAPTURE(parameters.report());
    CHECK(parameters.max_relative_error <= 1e-6);
    Matrix direction(theta.size(), 1);
    Rng(16).fill_normal(direction);
    const auto taylor = taylor_test(loss_of_theta, theta, theta_bar, direction.col(0));
    CAPTURE(taylor.report());
    CHECK(taylor.passes());
  }
}

TEST_CASE("theta_bar accumulates and an empty trajectory is the identity") {
  TanhSystem system(2, 49);
  const auto solver = make_tsit5(fixed_steps(0.25));
  Matrix y = random_state(2, 3, 17);
  Trajectory trajectory;
  integrate(*solver, system, 0, 1, y, {}, &trajectory);
  const Matrix w = random_state(2, 3, 18);
  Matrix y_bar = w;
  Vector once = Vector::Zero(system.theta().size());
  integrate_backward(*solver, system, trajectory, y_bar, once);
  y_bar = w;
  Vector twice = once;
  integrate_backward(*solver, system, trajectory, y_bar, twice);
  CHECK((twice - 2 * once).cwiseAbs().maxCoeff() < 1e-14);

  y_bar = w;
  Vector untouched = Vector::Zero(system.theta().size());
  const SolveStats stats = integrate_backward(*solver, system, Trajectory{}, y_bar, untouched);
  CHECK(y_bar == w);
  CHECK(untouched.isZero(0));
  CHECK(stats.function_evaluations == 0);

  Matrix wrong_shape(2, 4);
  CHECK_THROWS_AS(integrate_backward(*solver, system, trajectory, wrong_shape, untouched), ConfigError);
}

}  // namespace
}  // namespace liouville::testing
