// The adaptive driver's step-size controllers follow their formulas: from the
// error norm of each accepted step (recomputed here from its recorded start),
// the next step is
//   pi:        h * clamp(0.9 err^(-0.7/k) max(err_previous, 1e-4)^(0.4/k), 0.2, 10)
//   integral:  h * clamp(0.9 err^(-1/k), 0.2, 10)
// with k = 5 for tsit5's 5(4) pair, except for the last step, cut to end at t1.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "liouville/core/integrate.hpp"
#include "liouville/testing/solver_checks.hpp"
#include "solver_fixtures.hpp"

namespace liouville::testing {
namespace {

// The scaled RMS norm of a step's error estimate (Hairer, Norsett and Wanner I, II.4).
Scalar step_error(const ODESolver& solver, const OdeSystem& system, const Trajectory::Step& step) {
  const StepControl& control = solver.control();
  Matrix stages(step.y0.rows(), solver.num_stages() * step.y0.cols()), y1(step.y0.rows(), step.y0.cols()),
      error(step.y0.rows(), step.y0.cols());
  solver.step(system, step.t0, step.h, step.y0, stages, false, y1, error);
  const auto scale = control.atol + control.rtol * step.y0.array().abs().max(y1.array().abs());
  return std::sqrt((error.array() / scale).square().mean());
}

void check_controller(StepController controller) {
  StepControl control = tolerances(1e-7, 1e-7);
  control.controller = controller;
  const auto solver = make_tsit5(control);
  const NonlinearRotation rotation;
  Matrix y = rotation.initial_state();
  Trajectory trajectory;
  const SolveStats stats = integrate(*solver, rotation, rotation.t0(), rotation.t1(), y, {}, &trajectory);
  REQUIRE(stats.rejected_steps == 0);  // every step follows from the one before
  REQUIRE(trajectory.steps.size() >= 4);
  const Scalar k = 5;
  Scalar previous = 1;
  for (std::size_t s = 0; s + 2 < trajectory.steps.size(); ++s) {
    const Scalar error = step_error(*solver, rotation, trajectory.steps[s]);
    const Scalar factor = controller == StepController::kIntegral
                              ? 0.9 * std::pow(error, -1 / k)
                              : 0.9 * std::pow(error, -0.7 / k) * std::pow(previous, 0.4 / k);
    previous = std::max(error, 1e-4);
    CAPTURE(s);
    CHECK(trajectory.steps[s + 1].h == doctest::Approx(trajectory.steps[s].h * std::clamp(factor, 0.2, 10.0)));
  }
}

TEST_CASE("the PI controller follows h * 0.9 err^(-0.7/k) err_previous^(0.4/k)") {
  check_controller(StepController::kPi);
}

TEST_CASE("the integral controller follows h * 0.9 err^(-1/k) and takes fewer steps on a short span") {
  check_controller(StepController::kIntegral);
  // After a very accurate first step it grows the step faster than PI, which
  // pays off when the span holds only a few steps (FFJORD's T = 0.5).
  StepControl control = tolerances(1e-5, 1e-5);
  const HopfOscillator hopf;
  Matrix pi_state = hopf.initial_state(), integral_state = pi_state;
  const SolveStats pi = integrate(*make_tsit5(control), hopf, 0, 0.5, pi_state, {}, nullptr);
  control.controller = StepController::kIntegral;
  const SolveStats integral = integrate(*make_tsit5(control), hopf, 0, 0.5, integral_state, {}, nullptr);
  CAPTURE(pi.accepted_steps);
  CAPTURE(integral.accepted_steps);
  CHECK(integral.accepted_steps < pi.accepted_steps);
  CHECK((integral_state - hopf.solution(0.5)).cwiseAbs().maxCoeff() < 1e-4);
}

}  // namespace
}  // namespace liouville::testing
