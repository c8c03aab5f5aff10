// The explicit Runge-Kutta engine with tableaus built here: validation, one
// step against closed forms, FSAL stage reuse, convergence order, and the
// reverse mode of a step against finite differences.
#include <doctest/doctest.h>

#include <string>

#include "liouville/core/errors.hpp"
#include "liouville/core/integrate.hpp"
#include "liouville/testing/gradient_check.hpp"
#include "liouville/testing/solver_checks.hpp"
#include "solver_fixtures.hpp"

namespace liouville::testing {
namespace {

std::string config_error_of(const ButcherTableau& tableau, const StepControl& control) {
  try {
    ExplicitRungeKutta solver(tableau, control);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST_CASE("ExplicitRungeKutta rejects malformed tableaus and step controls") {
  const StepControl fixed = fixed_steps(0.1);
  ButcherTableau shapes = rk4_tableau();
  shapes.c.resize(3);
  CHECK(config_error_of(shapes, fixed).find("sizes disagree") != std::string::npos);

  ButcherTableau implicit = rk4_tableau();
  implicit.a(1, 1) = 0.25;
  CHECK(config_error_of(implicit, fixed).find("a(1, 1)") != std::string::npos);

  ButcherTableau short_e = heun_euler_tableau();
  short_e.e.resize(1);
  CHECK(config_error_of(short_e, fixed).find("e has 1 entries") != std::string::npos);

  ButcherTableau late_start = rk4_tableau();
  late_start.c(0) = 0.1;
  CHECK(config_error_of(late_start, fixed).find("c(0)") != std::string::npos);

  ButcherTableau not_fsal = rk4_tableau();
  not_fsal.first_same_as_last = true;
  CHECK(config_error_of(not_fsal, fixed).find("first_same_as_last") != std::string::npos);

  ButcherTableau nan_entry = rk4_tableau();
  nan_entry.b(2) = std::nan("");
  CHECK(config_error_of(nan_entry, fixed).find("NaN") != std::string::npos);

  ButcherTableau huge;
  huge.a = Matrix::Zero(65, 65);
  huge.b = Vector::Constant(65, 1.0 / 65);
  huge.c = Vector::Zero(65);
  huge.order = 1;
  CHECK(config_error_of(huge, fixed).find("more than 64 stages") != std::string::npos);

  CHECK(config_error_of(rk4_tableau(), StepControl{}).find("embedded error estimate") != std::string::npos);
  CHECK(config_error_of(rk4_tableau(), fixed_steps(0)).find("dt > 0") != std::string::npos);
  CHECK(config_error_of(heun_euler_tableau(), tolerances(0, 1e-8)).find("rtol") != std::string::npos);
  CHECK(config_error_of(heun_euler_tableau(), tolerances(1e-6, -1)).find("atol") != std::string::npos);
  CHECK(config_error_of(rk4_tableau(), fixed) == "no error");
}

TEST_CASE("a Heun-Euler step on y' = -y matches its closed form") {
  const ExplicitRungeKutta solver(heun_euler_tableau(), tolerances(1e-6, 1e-8));
  const ExponentialDecay problem;
  const Matrix y0 = problem.initial_state();
  for (const Scalar h : {0.1, -0.3}) {
    Matrix stages(1, 2 * y0.cols()), y1(1, y0.cols()), error(1, y0.cols());
    solver.step(problem, 0.2, h, y0, stages, false, y1, error);
    // k1 = -y0, k2 = -(1 - h) y0: y1 = (1 - h + h^2/2) y0, error = h (k2 - k1) / 2 = h^2 y0 / 2.
    CHECK((y1 - (1 - h + h * h / 2) * y0).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((error - (h * h / 2) * y0).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((stages.leftCols(y0.cols()) + y0).cwiseAbs().maxCoeff() == 0);
  }
}

TEST_CASE("first_stage_ready reuses stage 0 and changes nothing else") {
  const ExplicitRungeKutta solver(rk4_tableau(), fixed_steps(0.1));
  TanhSystem tanh_system(3, 11);
  const CountingSystem system(tanh_system);
  Rng rng(3);
  Matrix y0(3, 5);
  rng.fill_normal(y0);
  Matrix stages(3, 4 * 5), y1(3, 5), error(3, 5);
  solver.step(system, 0.3, 0.2, y0, stages, false, y1, error);
  CHECK(system.forward == 4);
  const Matrix fresh = y1;
  stages.rightCols(3 * 5).setConstant(std::nan(""));  // only stage 0 may be read
  solver.step(system, 0.3, 0.2, y0, stages, true, y1, error);
  CHECK(system.forward == 4 + 3);
  CHECK(y1 == fresh);
}

TEST_CASE("strided views step like contiguous matrices") {
  const auto tsit5 = make_tsit5(StepControl{});
  TanhSystem system(3, 13);
  Rng rng(4);
  Matrix y0(3, 5), w(3, 5);
  rng.fill_normal(y0);
  rng.fill_normal(w);
  const Index width = 7 * 5;
  Matrix stages(3, width), y1(3, 5), error(3, 5);
  tsit5->step(system, 0.1, 0.2, y0, stages, false, y1, error);
  Matrix y_bar = w;
  Vector theta_bar = Vector::Zero(system.theta().size());
  tsit5->step_backward(system, 0.1, 0.2, y0, stages, y_bar, theta_bar);

  // The same data as the top rows of taller matrices: a gap between columns.
  Matrix tall_y0 = Matrix::Zero(5, 5), tall_stages = Matrix::Zero(5, width), tall_y1 = Matrix::Zero(5, 5),
         tall_error = Matrix::Zero(5, 5), tall_y_bar = Matrix::Zero(5, 5);
  tall_y0.topRows(3) = y0;
  tsit5->step(system, 0.1, 0.2, tall_y0.topRows(3), tall_stages.topRows(3), false, tall_y1.topRows(3),
              tall_error.topRows(3));
  CHECK((tall_y1.topRows(3) - y1).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((tall_error.topRows(3) - error).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((tall_stages.topRows(3) - stages).cwiseAbs().maxCoeff() < 1e-14);
  CHECK(tall_y1.bottomRows(2).isZero(0));
  tall_y_bar.topRows(3) = w;
  Vector tall_theta_bar = Vector::Zero(system.theta().size());
  tsit5->step_backward(system, 0.1, 0.2, tall_y0.topRows(3), tall_stages.topRows(3), tall_y_bar.topRows(3),
                       tall_theta_bar);
  CHECK((tall_y_bar.topRows(3) - y_bar).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((tall_theta_bar - theta_bar).cwiseAbs().maxCoeff() < 1e-14);
  CHECK(tall_y_bar.bottomRows(2).isZero(0));
}

TEST_CASE("RK4 and Heun-Euler converge at their orders") {
  const std::vector<double> dts = {1.0 / 4, 1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64};
  const ExponentialDecay decay;
  const NonlinearRotation rotation;
  const HopfOscillator hopf;
  const auto rk4 = [](Scalar dt) {
    return std::make_shared<const ExplicitRungeKutta>(rk4_tableau(), fixed_steps(dt));
  };
  const auto heun = [](Scalar dt) {
    return std::make_shared<const ExplicitRungeKutta>(heun_euler_tableau(), fixed_steps(dt));
  };
  for (const ExactProblem* problem : std::vector<const ExactProblem*>{&decay, &rotation, &hopf}) {
    CAPTURE(problem->name());
    const OrderResult rk4_order = empirical_order(rk4, *problem, dts);
    CAPTURE(rk4_order.report());
    CHECK(rk4_order.order == doctest::Approx(4).epsilon(0.05));
    const OrderResult heun_order = empirical_order(heun, *problem, dts);
    CAPTURE(heun_order.report());
    CHECK(heun_order.order == doctest::Approx(2).epsilon(0.1));
  }
}

// Without FSAL, stage 0 = F(t, y) still comes from the starting-step estimate (2
// evaluations) and is kept through rejected attempts; it is evaluated anew after
// each accepted step but the last. Every attempt evaluates stage 1.
TEST_CASE("adaptive stepping works with a non-FSAL pair") {
  const ExplicitRungeKutta solver(heun_euler_tableau(), tolerances(1e-6, 1e-6));
  const NonlinearRotation rotation;
  const CountingSystem system(rotation);
  Matrix y = rotation.initial_state();
  const SolveStats stats = integrate(solver, system, rotation.t0(), rotation.t1(), y, {}, nullptr);
  CHECK(stats.function_evaluations == system.forward);
  CHECK(stats.function_evaluations ==
        2 + (stats.accepted_steps + stats.rejected_steps) + (stats.accepted_steps - 1));
  CHECK(stats.accepted_steps > 50);
  CHECK((y - rotation.solution(rotation.t1())).cwiseAbs().maxCoeff() < 1e-3);
}

TEST_CASE("the reference problems' exact solutions and reverse modes are right") {
  const ExponentialDecay decay;
  const NonlinearRotation rotation;
  const HopfOscillator hopf;
  for (const ExactProblem* problem : std::vector<const ExactProblem*>{&decay, &rotation, &hopf}) {
    CAPTURE(problem->name());
    // The closed form solves the ODE: central difference of y(t) against F(t, y(t)).
    for (const Scalar t : {0.1, 0.7, 1.6}) {
      const Scalar d = 1e-5;
      const Matrix slope = (problem->solution(t + d) - problem->solution(t - d)) / (2 * d);
      const Matrix y = problem->solution(t);
      Matrix dy(y.rows(), y.cols());
      problem->rhs(t, y, dy);
      CHECK((slope - dy).cwiseAbs().maxCoeff() < 1e-8);
    }
    CHECK((problem->solution(problem->t0()) - problem->initial_state()).cwiseAbs().maxCoeff() < 1e-15);

    const Matrix y = problem->solution(0.4);
    Rng rng(5);
    Matrix w(y.rows(), y.cols());
    rng.fill_normal(w);
    auto loss = [&](const Vector& flat) {
      Matrix dy(y.rows(), y.cols());
      problem->rhs(0.4, unflatten(flat, y.rows(), y.cols()), dy);
      return (w.array() * dy.array()).sum();
    };
    Matrix y_bar(y.rows(), y.cols());
    Vector no_parameters(0);
    problem->rhs_backward(0.4, y, w, y_bar, no_parameters);
    const auto result = check_gradient(loss, flatten(y), flatten(y_bar));
    CAPTURE(result.report());
    CHECK(result.max_relative_error <= 1e-6);
  }
}

TEST_CASE("TanhSystem's reverse mode matches finite differences") {
  TanhSystem system(3, 21);
  Rng rng(8);
  Matrix y(3, 4), w(3, 4);
  rng.fill_normal(y);
  rng.fill_normal(w);
  const Scalar t = 0.7;
  auto loss_at = [&](const Matrix& state) {
    Matrix dy(3, 4);
    system.rhs(t, state, dy);
    return (w.array() * dy.array()).sum();
  };
  Matrix y_bar(3, 4);
  Vector theta_bar = Vector::Zero(system.theta().size());
  system.rhs_backward(t, y, w, y_bar, theta_bar);

  auto loss_of_state = [&](const Vector& flat) { return loss_at(unflatten(flat, 3, 4)); };
  const auto state = check_gradient(loss_of_state, flatten(y), flatten(y_bar));
  CAPTURE(state.report());
  CHECK(state.max_relative_error <= 1e-6);

  const Vector theta = system.theta();
  auto loss_of_theta = [&](const Vector& value) {
    system.theta() = value;
    const double loss = loss_at(y);
    system.theta() = theta;
    return loss;
  };
  const auto parameters = check_gradient(loss_of_theta, theta, theta_bar);
  CAPTURE(parameters.report());
  CHECK(parameters.max_relative_error <= 1e-6);
  Matrix direction(theta.size(), 1);
  rng.fill_normal(direction);
  const auto taylor = taylor_test(loss_of_theta, theta, theta_bar, direction.col(0));
  CAPTURE(taylor.report());
  CHECK(taylor.passes());
}

// One step's reverse mode against finite differences, for y0 and theta.
void check_step_backward(const ExplicitRungeKutta& solver, Scalar t0, Scalar h, long expected_backward_calls) {
  TanhSystem tanh_system(3, 31);
  const CountingSystem system(tanh_system);
  Rng rng(9);
  Matrix y0(3, 4), w(3, 4);
  rng.fill_normal(y0);
  rng.fill_normal(w);
  const Index s = solver.num_stages();
  auto loss_at = [&](const Matrix& start) {
    Matrix stages(3, s * 4), y1(3, 4), error(3, 4);
    solver.step(system, t0, h, start, stages, false, y1, error);
    return (w.array() * y1.array()).sum();
  };
  Matrix stages(3, s * 4), y1(3, 4), error(3, 4);
  solver.step(system, t0, h, y0, stages, false, y1, error);
  Matrix y_bar = w;
  Vector theta_bar = Vector::Zero(tanh_system.theta().size());
  solver.step_backward(system, t0, h, y0, stages, y_bar, theta_bar);
  CHECK(system.backward == expected_backward_calls);

  const auto state = check_gradient([&](const Vector& flat) { return loss_at(unflatten(flat, 3, 4)); },
                                    flatten(y0), flatten(y_bar));
  CAPTURE(state.report());
  CHECK(state.max_relative_error <= 1e-6);
  const Vector theta = tanh_system.theta();
  const auto parameters = check_gradient(
      [&](const Vector& value) {
        tanh_system.theta() = value;
        const double loss = loss_at(y0);
        tanh_system.theta() = theta;
        return loss;
      },
      theta, theta_bar);
  CAPTURE(parameters.report());
  CHECK(parameters.max_relative_error <= 1e-6);
}

TEST_CASE("step_backward of a single step matches finite differences") {
  for (const Scalar h : {0.3, -0.45}) {
    CAPTURE(h);
    SUBCASE("RK4") { check_step_backward(ExplicitRungeKutta(rk4_tableau(), fixed_steps(0.1)), 0.2, h, 4); }
    SUBCASE("Heun-Euler") {
      check_step_backward(ExplicitRungeKutta(heun_euler_tableau(), tolerances(1e-6, 1e-8)), 0.2, h, 2);
    }
    SUBCASE("tsit5 (the FSAL stage costs no reverse call)") {
      const auto tsit5 = make_tsit5(fixed_steps(0.1));
      check_step_backward(dynamic_cast<const ExplicitRungeKutta&>(*tsit5), 0.2, h, 6);
    }
  }
}

}  // namespace
}  // namespace liouville::testing
