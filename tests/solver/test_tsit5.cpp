// The tsit5 plugin loaded through the Registry: its tableau, its order, and the
// adaptive driver (accuracy, tolerance proportionality, reverse time,
// statistics, the recorded steps).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "liouville/core/integrate.hpp"
#include "liouville/testing/order_conditions.hpp"
#include "liouville/testing/solver_checks.hpp"
#include "solver_fixtures.hpp"

namespace liouville::testing {
namespace {

TEST_CASE("tsit5's tableau satisfies the order conditions of a 5(4) pair") {
  const auto solver = make_tsit5(StepControl{});
  CHECK(solver->order() == 5);
  CHECK(solver->error_order() == 4);
  CHECK(solver->num_stages() == 7);
  CHECK(solver->first_same_as_last());
  const ButcherTableau& t = dynamic_cast<const ExplicitRungeKutta&>(*solver).tableau();

  CHECK((t.a.rowwise().sum() - t.c).cwiseAbs().maxCoeff() < 1e-14);
  CHECK(std::abs(t.e.sum()) < 1e-15);
  const std::vector<double> high = order_condition_residuals(t.a, t.b, 5);
  for (std::size_t order = 0; order < 5; ++order) {
    CAPTURE(order + 1);
    CHECK(high[order] < 1e-13);
  }
  const std::vector<double> low = order_condition_residuals(t.a, t.b - t.e, 5);
  for (std::size_t order = 0; order < 4; ++order) {
    CAPTURE(order + 1);
    CHECK(low[order] < 1e-13);
  }
  // The embedded method is of order 4 exactly, so the estimate is O(h^5) and not smaller.
  CHECK(low[4] > 1e-4);
}

// Tsitouras minimized the principal error coefficients: for y' = -y the
// order-6 residual 1/720 - b^T A^4 c is about 3% of 1/720, so the O(h^6)
// terms dominate the local error down to dt ~ 1/16 (local slopes 5.6, 5.4, 5.2
// from dt = 1/4). The step sizes therefore start at 1/16; the round-off of these
// problems is ~1e-16, so errors down to 1e-14 still measure truncation.
TEST_CASE("tsit5 converges at order 5") {
  const std::vector<double> dts = {1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128};
  const auto make = [](Scalar dt) { return make_tsit5(fixed_steps(dt)); };
  const ExponentialDecay decay;
  const NonlinearRotation rotation;
  for (const ExactProblem* problem : std::vector<const ExactProblem*>{&decay, &rotation}) {
    CAPTURE(problem->name());
    const OrderResult result = empirical_order(make, *problem, dts, 1e-14);
    CAPTURE(result.report());
    CHECK(std::count(result.used.begin(), result.used.end(), true) >= 3);
    CHECK(result.order == doctest::Approx(5).epsilon(0.04));
  }
}

double adaptive_error(const ExactProblem& problem, Scalar tolerance) {
  const auto solver = make_tsit5(tolerances(tolerance, tolerance));
  Matrix y = problem.initial_state();
  integrate(*solver, problem, problem.t0(), problem.t1(), y, {}, nullptr);
  return (y - problem.solution(problem.t1())).cwiseAbs().maxCoeff();
}

TEST_CASE("adaptive tsit5 meets tight tolerances and scales with them") {
  const ExponentialDecay decay;
  CHECK(adaptive_error(decay, 1e-10) < 1e-8);
  const HopfOscillator hopf;
  for (const ExactProblem* problem : std::vector<const ExactProblem*>{&decay, &hopf}) {
    for (const Scalar tolerance : {1e-5, 1e-7}) {
      CAPTURE(problem->name());
      CAPTURE(tolerance);
      const double loose = adaptive_error(*problem, tolerance);
      const double tight = adaptive_error(*problem, tolerance / 10);
      CAPTURE(loose);
      CAPTURE(tight);
      CHECK(loose / tight > 3);
      CHECK(loose / tight < 30);
    }
  }
}

TEST_CASE("tsit5 integrates backwards in time") {
  const HopfOscillator hopf;
  for (const StepControl& control : {tolerances(1e-9, 1e-9), fixed_steps(0.01)}) {
    CAPTURE(control.adaptive);
    const auto solver = make_tsit5(control);
    Matrix y = hopf.solution(hopf.t1());
    Trajectory trajectory;
    const SolveStats stats = integrate(*solver, hopf, hopf.t1(), hopf.t0(), y, {}, &trajectory);
    CHECK((y - hopf.initial_state()).cwiseAbs().maxCoeff() < 1e-7);
    REQUIRE(stats.accepted_steps > 1);
    for (const Trajectory::Step& step : trajectory.steps) CHECK(step.h < 0);
  }
}

TEST_CASE("t0 == t1 leaves the state alone and costs nothing") {
  const auto solver = make_tsit5(StepControl{});
  const HopfOscillator hopf;
  Matrix y = hopf.initial_state();
  Trajectory trajectory;
  const SolveStats stats = integrate(*solver, hopf, 0.5, 0.5, y, {}, &trajectory);
  CHECK(y == hopf.initial_state());
  CHECK(stats.function_evaluations == 0);
  CHECK(stats.accepted_steps == 0);
  CHECK(stats.rejected_steps == 0);
  CHECK(trajectory.steps.empty());
}

// Stage 0 comes from the starting-step estimate (2 evaluations) or the first
// step, then from the FSAL stage; every attempt costs the other 6 stages.
TEST_CASE("the statistics account for every function evaluation") {
  const HopfOscillator hopf;
  const CountingSystem system(hopf);
  SUBCASE("automatic first step") {
    const auto solver = make_tsit5(tolerances(1e-8, 1e-8));
    Matrix y = hopf.initial_state();
    const SolveStats stats = integrate(*solver, system, 0, 2, y, {}, nullptr);
    CHECK(stats.function_evaluations == system.forward);
    CHECK(stats.function_evaluations == 2 + 6 * (stats.accepted_steps + stats.rejected_steps));
  }
  SUBCASE("a first step too large, so some steps are rejected") {
    StepControl control = tolerances(1e-8, 1e-8);
    control.dt = 1;
    const auto solver = make_tsit5(control);
    Matrix y = hopf.initial_state();
    const SolveStats stats = integrate(*solver, system, 0, 2, y, {}, nullptr);
    CHECK(stats.rejected_steps > 0);
    CHECK(stats.function_evaluations == system.forward);
    CHECK(stats.function_evaluations == 1 + 6 * (stats.accepted_steps + stats.rejected_steps));
  }
  SUBCASE("fixed steps") {
    const auto solver = make_tsit5(fixed_steps(0.1));
    Matrix y = hopf.initial_state();
    const SolveStats stats = integrate(*solver, system, 0, 2, y, {}, nullptr);
    CHECK(stats.accepted_steps == 20);
    CHECK(stats.rejected_steps == 0);
    CHECK(stats.function_evaluations == 1 + 6 * 20);
  }
}

TEST_CASE("fixed steps are equal and land on t1") {
  const ExponentialDecay decay;
  for (const auto& [step, steps] :
       std::vector<std::pair<double, long>>{{0.1, 10}, {0.3, 4}, {2.0, 1}, {0.25, 4}}) {
    const double dt = step;  // CAPTURE cannot capture a structured binding in clang 14
    CAPTURE(dt);
    const auto solver = make_tsit5(fixed_steps(dt));
    Matrix y = decay.initial_state();
    Trajectory trajectory;
    integrate(*solver, decay, 0, 1, y, {}, &trajectory);
    REQUIRE(static_cast<long>(trajectory.steps.size()) == steps);
    for (const Trajectory::Step& step : trajectory.steps) CHECK(step.h == doctest::Approx(1.0 / steps));
    CHECK(trajectory.steps.back().t0 + trajectory.steps.back().h == doctest::Approx(1).epsilon(1e-15));
  }
}

TEST_CASE("the recorded adaptive steps tile [t0, t1] and hold what was computed") {
  const auto solver = make_tsit5(tolerances(1e-7, 1e-7));
  const HopfOscillator hopf;
  Matrix y = hopf.initial_state();
  Trajectory trajectory;
  const SolveStats stats = integrate(*solver, hopf, 0.25, 1.75, y, {}, &trajectory);
  REQUIRE(static_cast<long>(trajectory.steps.size()) == stats.accepted_steps);
  CHECK(trajectory.steps.front().t0 == 0.25);
  CHECK(trajectory.steps.front().y0 == hopf.initial_state());
  for (std::size_t k = 0; k + 1 < trajectory.steps.size(); ++k)
    CHECK(trajectory.steps[k].t0 + trajectory.steps[k].h == trajectory.steps[k + 1].t0);
  const Trajectory::Step& last = trajectory.steps.back();
  CHECK(std::abs(last.t0 + last.h - 1.75) < 1e-15);
  CHECK(replay(*solver, hopf, trajectory, hopf.initial_state()) == y);
}

TEST_CASE("controlled_rows leaves the other rows out of step control") {
  // y0' = -y0 needs a few steps; the fast oscillation y1' = cos(200 t) many, unless left out.
  class DecayAndOscillation final : public OdeSystem {
   public:
    Index rows() const override { return 2; }
    void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override {
      dy.row(0) = -y.row(0);
      dy.row(1).setConstant(std::cos(200 * t));
    }
    void rhs_backward(Scalar, ConstMatrixRef, ConstMatrixRef dy_bar, MatrixRef y_bar, VectorRef) const override {
      y_bar.row(0) = -dy_bar.row(0);
      y_bar.row(1).setZero();
    }
  } system;
  const auto solver = make_tsit5(tolerances(1e-6, 1e-9));
  Matrix controlled_first = Matrix::Ones(2, 3), controlled_all = Matrix::Ones(2, 3);
  IntegrateOptions first_row;
  first_row.controlled_rows = 1;
  const SolveStats first = integrate(*solver, system, 0, 1, controlled_first, first_row, nullptr);
  const SolveStats all = integrate(*solver, system, 0, 1, controlled_all, {}, nullptr);
  CAPTURE(first.accepted_steps);
  CAPTURE(all.accepted_steps);
  CHECK(5 * first.accepted_steps < all.accepted_steps);
  CHECK((controlled_first.row(0).array() - std::exp(-1.0)).abs().maxCoeff() < 1e-6);
  CHECK((controlled_all.row(1).array() - (1 + std::sin(200.0) / 200)).abs().maxCoeff() < 1e-6);
}

}  // namespace
}  // namespace liouville::testing
