// The lbfgs optimizer plugin, built through the registry.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "liouville/testing/optimizer_checks.hpp"
#include "optimizer_factory.hpp"
#include "recording_objective.hpp"

namespace liouville::testing {
namespace {

constexpr Scalar kNaN = std::numeric_limits<Scalar>::quiet_NaN();

TEST_CASE("lbfgs: needs a deterministic full-batch objective") {
  const OptimizerNeeds needs = make_optimizer("lbfgs")->needs();
  CHECK(needs.deterministic_objective);
  CHECK(needs.full_batch);
}

TEST_CASE("lbfgs: Rosenbrock from (-1.2, 1) converges by the gradient tolerance") {
  auto lbfgs = make_optimizer("lbfgs");
  RosenbrockObjective rosenbrock;
  const MinimumCheckResult check = check_reaches_minimum(*lbfgs, rosenbrock, RosenbrockObjective::start(),
                                                         RosenbrockObjective::minimizer(), 100, 1e-6);
  CHECK_MESSAGE(check.passed(), check.report());
  CHECK(check.result.reason == StopReason::kGradientTolerance);
  CHECK(check.result.converged());
  CHECK(check.result.evaluations == rosenbrock.evaluations());
  CHECK(check.result.gradient_norm <= std::sqrt(2.0) * 1e-8);
  CHECK(check.result.message.find("||g||_inf = ") != std::string::npos);
  CHECK(check.result.message.find(std::to_string(check.result.iterations) + " iterations") != std::string::npos);
  MESSAGE("lbfgs on Rosenbrock: " << check.report());
}

// Each accepted iterate is the last evaluation before its callback; consecutive
// ones must satisfy the strong Wolfe conditions along their step s (both sides
// scale with the unknown step length, so s itself serves as the direction).
void check_wolfe_along_the_path(const std::string& fields, Scalar c1, Scalar c2) {
  auto lbfgs = make_optimizer("lbfgs", fields);
  RosenbrockObjective rosenbrock;
  RecordingObjective recording(rosenbrock);
  std::vector<long> accepted{1};
  Vector theta = RosenbrockObjective::start();
  const OptimizeResult result = lbfgs->minimize(recording, theta, 200, [&](const IterationReport& report) {
    accepted.push_back(report.evaluations);
    CHECK(recording.evaluations()[report.evaluations - 1].loss == report.loss);
    return true;
  });
  REQUIRE(result.reason == StopReason::kGradientTolerance);
  REQUIRE(accepted.size() > 10);
  for (std::size_t k = 0; k + 1 < accepted.size(); ++k) {
    CAPTURE(k);
    const Evaluation& from = recording.evaluations()[accepted[k] - 1];
    const Evaluation& to = recording.evaluations()[accepted[k + 1] - 1];
    const Vector s = to.theta - from.theta;
    const Scalar slope = from.gradient.dot(s);
    CHECK(slope < 0);
    CHECK(to.loss <= from.loss + c1 * slope);
    CHECK(std::abs(to.gradient.dot(s)) <= c2 * std::abs(slope));
  }
  CHECK(theta == recording.evaluations()[accepted.back() - 1].theta);
}

TEST_CASE("lbfgs: accepted steps satisfy the strong Wolfe conditions") {
  SUBCASE("defaults") { check_wolfe_along_the_path("", 1e-4, 0.9); }
  SUBCASE("tight curvature") { check_wolfe_along_the_path("c1: 0.01, c2: 0.1", 0.01, 0.1); }
}

TEST_CASE("lbfgs: ill-conditioned quadratic (condition 1e4, dimension 50)") {
  auto lbfgs = make_optimizer("lbfgs");
  IllConditionedQuadratic quadratic(50, 1e4);
  const MinimumCheckResult check =
      check_reaches_minimum(*lbfgs, quadratic, quadratic.start(), quadratic.minimizer(), 2000, 1e-6);
  CHECK_MESSAGE(check.passed(), check.report());
  CHECK(check.result.reason == StopReason::kGradientTolerance);
  MESSAGE("lbfgs on the quadratic: " << check.report());
}

TEST_CASE("lbfgs: a loss that is NaN beyond a region makes it back off, and it still converges") {
  // f = sum_i (w_i x_i - log x_i): NaN for x_i < 0, minimum at x_i = 1 / w_i.
  const Vector w{{1.0, 3.0, 10.0, 30.0, 100.0}};
  long nan_evaluations = 0;
  RecordingObjective objective(5, [&](const Vector& x, Vector& gradient) {
    gradient = w - x.cwiseInverse();
    const Scalar loss = w.dot(x) - x.array().log().sum();
    if (std::isnan(loss)) ++nan_evaluations;
    return loss;
  });
  auto lbfgs = make_optimizer("lbfgs");
  const MinimumCheckResult check =
      check_reaches_minimum(*lbfgs, objective, Vector::Constant(5, 0.9), w.cwiseInverse(), 200, 1e-6);
  CHECK_MESSAGE(check.passed(), check.report());
  CHECK(check.result.converged());
  CHECK(nan_evaluations > 0);  // the region was actually hit
  MESSAGE("NaN evaluations: " << nan_evaluations << "; " << check.report());
}

TEST_CASE("lbfgs: a sign-flipped gradient ends in a line-search failure, never in convergence") {
  RosenbrockObjective rosenbrock;
  RecordingObjective liar(2, [&](const Vector& x, Vector& gradient) {
    const Scalar loss = rosenbrock.evaluate(x, gradient);
    gradient = -gradient;
    return loss;
  });
  auto lbfgs = make_optimizer("lbfgs");
  Vector theta = RosenbrockObjective::start();
  long callbacks = 0;
  const OptimizeResult result = lbfgs->minimize(liar, theta, 100, [&](const IterationReport&) {
    ++callbacks;
    return true;
  });
  CHECK(result.reason == StopReason::kLineSearchFailure);
  CHECK_FALSE(result.converged());
  CHECK(result.iterations == 0);
  CHECK(callbacks == 0);
  CHECK(theta == RosenbrockObjective::start());
  CHECK(result.loss == liar.evaluations().front().loss);
  // The first search is already along -g: there is nothing to retry.
  CHECK(result.evaluations == 1 + 25);
  CHECK(result.message.find("line-search failure") != std::string::npos);
}

TEST_CASE("lbfgs: after a failed quasi-Newton search it retries along -g, then returns the last iterate") {
  // After three iterations every new point looks worse than the current one.
  RosenbrockObjective rosenbrock;
  bool poisoned = false;
  RecordingObjective objective(2, [&](const Vector& x, Vector& gradient) {
    return rosenbrock.evaluate(x, gradient) + (poisoned ? 1.0 : 0.0);
  });
  auto lbfgs = make_optimizer("lbfgs", "max_line_search: 7");
  Vector theta = RosenbrockObjective::start();
  Scalar last_loss = kNaN;
  long evaluations_when_poisoned = 0;
  const OptimizeResult result = lbfgs->minimize(objective, theta, 100, [&](const IterationReport& report) {
    last_loss = report.loss;
    if (report.iteration == 3) {
      poisoned = true;
      evaluations_when_poisoned = report.evaluations;
    }
    return true;
  });
  CHECK(result.reason == StopReason::kLineSearchFailure);
  CHECK(result.iterations == 3);
  CHECK(result.evaluations == evaluations_when_poisoned + 7 + 7);  // quasi-Newton search, then -g
  CHECK(result.loss == last_loss);
  CHECK(theta == objective.evaluations()[evaluations_when_poisoned - 1].theta);
}

TEST_CASE("lbfgs: the callback stops it") {
  auto lbfgs = make_optimizer("lbfgs");
  RosenbrockObjective rosenbrock;
  Vector theta = RosenbrockObjective::start();
  long callbacks = 0;
  const OptimizeResult result = lbfgs->minimize(rosenbrock, theta, 100, [&](const IterationReport& report) {
    ++callbacks;
    return report.iteration < 4;
  });
  CHECK(result.reason == StopReason::kCallback);
  CHECK_FALSE(result.converged());
  CHECK(result.iterations == 4);
  CHECK(callbacks == 4);
  CHECK(result.evaluations == rosenbrock.evaluations());
}

TEST_CASE("lbfgs: max_iterations is respected exactly") {
  auto lbfgs = make_optimizer("lbfgs");
  for (long max_iterations : {0L, 1L, 5L}) {
    CAPTURE(max_iterations);
    RosenbrockObjective rosenbrock;
    Vector theta = RosenbrockObjective::start();
    long callbacks = 0;
    const OptimizeResult result = lbfgs->minimize(rosenbrock, theta, max_iterations, [&](const IterationReport&) {
      ++callbacks;
      return true;
    });
    CHECK(result.reason == StopReason::kMaxIterations);
    CHECK(result.iterations == max_iterations);
    CHECK(callbacks == max_iterations);
    CHECK(result.evaluations == rosenbrock.evaluations());
    CHECK((max_iterations == 0) == (theta == RosenbrockObjective::start()));
    Vector gradient(2);
    CHECK(result.loss == rosenbrock.evaluate(theta, gradient));
  }
}

TEST_CASE("lbfgs: a stalled loss stops by the function tolerance") {
  // A large constant offset: the relative change of the loss stalls long before
  // the gradient reaches 0, so with gradient_tolerance 0 this is the stop.
  IllConditionedQuadratic quadratic(10, 100);
  RecordingObjective offset(
      10, [&](const Vector& x, Vector& gradient) { return 1e6 + quadratic.evaluate(x, gradient); });
  auto lbfgs = make_optimizer("lbfgs", "gradient_tolerance: 0.0, function_tolerance: 1e-12");
  Vector theta = quadratic.start();
  const OptimizeResult result = lbfgs->minimize(offset, theta, 500, {});
  CHECK_MESSAGE(result.reason == StopReason::kNoProgress, result.message);
  CHECK(result.converged());
  CHECK((theta - quadratic.minimizer()).norm() <= 1e-2);
  CHECK(result.message.find("no progress: the loss changed") != std::string::npos);
}

TEST_CASE("lbfgs: steps below the step tolerance stop it") {
  auto lbfgs = make_optimizer("lbfgs", "gradient_tolerance: 0.0, function_tolerance: 0.0, step_tolerance: 1e-3");
  RosenbrockObjective rosenbrock;
  RecordingObjective recording(rosenbrock);
  Vector theta = RosenbrockObjective::start();
  Vector previous = theta;
  Scalar last_step = 0;
  const OptimizeResult result = lbfgs->minimize(recording, theta, 200, [&](const IterationReport& report) {
    const Vector& accepted = recording.evaluations()[report.evaluations - 1].theta;
    last_step = (accepted - previous).lpNorm<Eigen::Infinity>();
    previous = accepted;
    return true;
  });
  CHECK_MESSAGE(result.reason == StopReason::kNoProgress, result.message);
  CHECK(result.message.find("no progress: the step") != std::string::npos);
  CHECK(last_step <= 1e-3 * std::max(1.0, theta.lpNorm<Eigen::Infinity>()));
  CHECK(last_step > 0);
}

TEST_CASE("lbfgs: bad input is refused with a clear error") {
  auto lbfgs = make_optimizer("lbfgs");
  RosenbrockObjective rosenbrock;
  Vector wrong_size = Vector::Zero(3);
  CHECK_THROWS_AS(lbfgs->minimize(rosenbrock, wrong_size, 10, {}), ConfigError);
  Vector theta = RosenbrockObjective::start();
  CHECK_THROWS_AS(lbfgs->minimize(rosenbrock, theta, -1, {}), ConfigError);

  RecordingObjective nan_start(2, [](const Vector&, Vector& gradient) {
    gradient.setZero();
    return kNaN;
  });
  CHECK_THROWS_WITH_AS(lbfgs->minimize(nan_start, theta, 10, {}), doctest::Contains("initial point"),
                       NumericalError);
  RecordingObjective bad_gradient(2, [](const Vector&, Vector& gradient) {
    gradient << 1, kNaN;
    return 1.0;
  });
  CHECK_THROWS_WITH_AS(lbfgs->minimize(bad_gradient, theta, 10, {}), doctest::Contains("parameter index 1"),
                       NumericalError);
  for (const char* bad :
       {"c1: 0.5, c2: 0.4", "history: 0", "max_line_search: 0", "c2: 1.0", "step_tolerance: -1"}) {
    CAPTURE(bad);
    const std::string key = std::string(bad).substr(0, std::string(bad).find(':'));
    CHECK_THROWS_WITH_AS(make_optimizer("lbfgs", bad), doctest::Contains(key.c_str()), ConfigError);
  }
}

}  // namespace
}  // namespace liouville::testing
