// How solves fail: each failure has its own type and a message that says what
// happened and where; a NaN never looks like a stiff problem.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "liouville/core/errors.hpp"
#include "liouville/core/integrate.hpp"
#include "liouville/testing/solver_checks.hpp"
#include "solver_fixtures.hpp"

namespace liouville::testing {
namespace {

// y' = -y up to t = 0.5, NaN at (row 1, column 2) after.
class NanAfterHalf final : public OdeSystem {
 public:
  Index rows() const override { return 2; }
  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override {
    dy = -y;
    if (t > 0.5) dy(1, 2) = std::numeric_limits<Scalar>::quiet_NaN();
  }
  void rhs_backward(Scalar, ConstMatrixRef, ConstMatrixRef dy_bar, MatrixRef y_bar, VectorRef) const override {
    y_bar = -dy_bar;
  }
};

// y' = y^2: y(t) = 1 / (1 - t) from y(0) = 1 blows up at t = 1.
class Blowup final : public OdeSystem {
 public:
  Index rows() const override { return 1; }
  void rhs(Scalar, ConstMatrixRef y, MatrixRef dy) const override { dy = y.array().square().matrix(); }
  void rhs_backward(Scalar, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar, VectorRef) const override {
    y_bar = (2 * y.array() * dy_bar.array()).matrix();
  }
};

SolverError solve_failure(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1, Matrix y) {
  try {
    integrate(solver, system, t0, t1, y, {}, nullptr);
  } catch (const SolverError& error) {
    return error;
  }
  FAIL("the solve did not fail");
  return SolverError(SolverFailure::kMaxSteps, 0, 0, 0, "");
}

bool says(const SolverError& error, const std::string& text) {
  return std::string(error.what()).find(text) != std::string::npos;
}

TEST_CASE("a NaN vector field is reported as non-finite, not as underflow") {
  const NanAfterHalf system;
  const auto solver = make_tsit5(tolerances(1e-6, 1e-8));
  const SolverError error = solve_failure(*solver, system, 0, 1, Matrix::Ones(2, 3));
  INFO(std::string(error.what()));
  CHECK(error.failure() == SolverFailure::kNonFinite);
  CHECK(error.t() <= 0.5);
  CHECK(error.t() > 0.5 - 1e-3);
  CHECK(says(error, "non-finite values"));
  CHECK(says(error, "row 1, column 2"));
  CHECK(says(error, "stayed non-finite as the step size fell below dt_min"));
}

TEST_CASE("a NaN in a fixed-step solve stops at the step that produced it") {
  const NanAfterHalf system;
  const auto solver = make_tsit5(fixed_steps(0.1));
  const SolverError error = solve_failure(*solver, system, 0, 1, Matrix::Ones(2, 3));
  INFO(std::string(error.what()));
  CHECK(error.failure() == SolverFailure::kNonFinite);
  CHECK(error.t() == doctest::Approx(0.5));
  CHECK(says(error, "the new state y(t + h)"));
  CHECK(says(error, "at row 1, column 2"));
}

TEST_CASE("a NaN at the current state is reported at once") {
  const NanAfterHalf system;
  const auto solver = make_tsit5(StepControl{});
  const SolverError error = solve_failure(*solver, system, 0.75, 1, Matrix::Ones(2, 3));
  INFO(std::string(error.what()));
  CHECK(error.failure() == SolverFailure::kNonFinite);
  CHECK(error.t() == 0.75);
  CHECK(says(error, "F(t0, y0)"));

  Matrix bad = Matrix::Ones(2, 3);
  bad(0, 1) = std::numeric_limits<Scalar>::infinity();
  const SolverError initial = solve_failure(*solver, system, 0, 0.25, bad);
  CHECK(initial.failure() == SolverFailure::kNonFinite);
  CHECK(says(initial, "the initial state is inf at row 0, column 1"));
}

TEST_CASE("a blow-up ends in underflow or non-finite values near the singularity") {
  const Blowup system;
  const auto solver = make_tsit5(tolerances(1e-6, 1e-8));
  const SolverError error = solve_failure(*solver, system, 0, 2, Matrix::Ones(1, 1));
  INFO(std::string(error.what()));
  CHECK((error.failure() == SolverFailure::kStepSizeUnderflow || error.failure() == SolverFailure::kNonFinite));
  CHECK(std::abs(error.t() - 1) < 1e-3);
  if (error.failure() == SolverFailure::kStepSizeUnderflow) CHECK(says(error, "dt_min"));
}

TEST_CASE("max_steps stops a solve that needs more steps") {
  const HopfOscillator hopf;
  StepControl control = tolerances(1e-10, 1e-10);
  control.max_steps = 100;
  const auto solver = make_tsit5(control);
  const SolverError error = solve_failure(*solver, hopf, 0, 200, hopf.initial_state());
  INFO(std::string(error.what()));
  CHECK(error.failure() == SolverFailure::kMaxSteps);
  CHECK(error.step() == 100);
  CHECK(error.t() > 0);
  CHECK(error.t() < 200);
  CHECK(says(error, "max_steps = 100"));

  control = fixed_steps(1e-3);
  control.max_steps = 100;
  const SolverError fixed = solve_failure(*make_tsit5(control), hopf, 0, 1, hopf.initial_state());
  INFO(std::string(fixed.what()));
  CHECK(fixed.failure() == SolverFailure::kMaxSteps);
  CHECK(says(fixed, "needs 1000 steps"));
}

TEST_CASE("integrate rejects inconsistent arguments") {
  const HopfOscillator hopf;
  const auto solver = make_tsit5(StepControl{});
  Matrix wrong_rows = Matrix::Ones(3, 2);
  CHECK_THROWS_WITH_AS(integrate(*solver, hopf, 0, 1, wrong_rows, {}, nullptr),
                       "integrate: the state has 3 rows but the ODE system has 2", ConfigError);
  Matrix y = hopf.initial_state();
  IntegrateOptions options;
  options.controlled_rows = 3;
  CHECK_THROWS_AS(integrate(*solver, hopf, 0, 1, y, options, nullptr), ConfigError);
  options.controlled_rows = 0;
  CHECK_THROWS_AS(integrate(*solver, hopf, 0, 1, y, options, nullptr), ConfigError);
  CHECK_THROWS_AS(integrate(*solver, hopf, 0, std::nan(""), y, {}, nullptr), ConfigError);
  CHECK(y == hopf.initial_state());
}

}  // namespace
}  // namespace liouville::testing
