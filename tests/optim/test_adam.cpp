// The adam optimizer plugin, built through the registry.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "liouville/testing/optimizer_checks.hpp"
#include "optimizer_factory.hpp"
#include "recording_objective.hpp"

namespace liouville::testing {
namespace {

constexpr Scalar kNaN = std::numeric_limits<Scalar>::quiet_NaN();

// f = c'x: the gradient c is the same everywhere.
RecordingObjective linear(const Vector& c) {
  return RecordingObjective(c.size(), [c](const Vector& x, Vector& gradient) {
    gradient = c;
    return c.dot(x);
  });
}

TEST_CASE("adam: takes a stochastic mini-batch objective") {
  const OptimizerNeeds needs = make_optimizer("adam")->needs();
  CHECK_FALSE(needs.deterministic_objective);
  CHECK_FALSE(needs.full_batch);
}

TEST_CASE("adam: with bias correction every step on a constant gradient is -lr sign(g)") {
  // |c_i| >= 10 keeps the epsilon in the denominator below 1e-12 of the step.
  const Vector c{{10.0, -25.0, 2e3, -1e2}};
  const Vector start{{0.3, -1.2, 2.0, 0.0}};
  const Vector sign = c.cwiseSign();
  const Scalar lr = 1e-3;
  for (const char* betas : {"beta1: 0.9, beta2: 0.999", "beta1: 0.5, beta2: 0.9"}) {
    CAPTURE(betas);
    auto adam = make_optimizer("adam", "learning_rate: 1.0e-3, " + std::string(betas));
    RecordingObjective objective = linear(c);
    Vector theta = start;
    adam->minimize(objective, theta, 1, {});
    CHECK((theta - (start - lr * sign)).lpNorm<Eigen::Infinity>() <= 1e-12);
    // Bias-corrected moments of a constant gradient are m_hat = c, v_hat = c^2 at every step.
    const Vector step = lr * c.array() / (c.array().abs() + 1e-8);
    adam->minimize(objective, theta, 9, {});  // the moments restart at every call
    CHECK((theta - (start - 10 * step)).lpNorm<Eigen::Infinity>() <= 1e-15);
  }
}

TEST_CASE("adam: weight decay is decoupled from the gradient") {
  const Scalar lr = 1e-2;
  const Scalar decay = 0.1;
  auto adam = make_optimizer("adam", "learning_rate: 0.01, weight_decay: 0.1");
  const Vector start{{1.5, -2.0, 0.25, 0.0}};

  SUBCASE("zero gradient: pure geometric decay") {
    RecordingObjective flat = linear(Vector::Zero(4));
    Vector theta = start;
    adam->minimize(flat, theta, 20, {});
    CHECK((theta - std::pow(1 - lr * decay, 20) * start).norm() <= 1e-14);
  }
  SUBCASE("constant gradient: decay, then the unchanged Adam step") {
    // An L2 penalty folded into the gradient would change the moments, hence the step.
    const Vector c{{10.0, -10.0, 10.0, -10.0}};
    RecordingObjective objective = linear(c);
    Vector theta = start;
    adam->minimize(objective, theta, 5, {});
    const Vector step = lr * c.array() / (c.array().abs() + 1e-8);
    Vector expected = start;
    for (int t = 0; t < 5; ++t) expected = (1 - lr * decay) * expected - step;
    CHECK((theta - expected).norm() <= 1e-15);
  }
}

TEST_CASE("adam: minimizes Rosenbrock") {
  auto adam = make_optimizer("adam", "learning_rate: 1e-2");
  RosenbrockObjective rosenbrock;
  const MinimumCheckResult check = check_reaches_minimum(*adam, rosenbrock, RosenbrockObjective::start(),
                                                         RosenbrockObjective::minimizer(), 10000, 1e-3);
  CHECK_MESSAGE(check.passed(), check.report());
  CHECK(check.result.reason == StopReason::kMaxIterations);
  CHECK(check.result.evaluations == check.result.iterations);
  MESSAGE("adam on Rosenbrock: " << check.report());
}

TEST_CASE("adam: minimizes a convex quadratic") {
  auto adam = make_optimizer("adam", "learning_rate: 1e-2");
  IllConditionedQuadratic quadratic(10, 100);
  const MinimumCheckResult check =
      check_reaches_minimum(*adam, quadratic, quadratic.start(), quadratic.minimizer(), 3000, 1e-3);
  CHECK_MESSAGE(check.passed(), check.report());
  MESSAGE("adam on the quadratic: " << check.report());
}

TEST_CASE("adam: one evaluation per iteration, max_iterations exact, callback stop") {
  auto adam = make_optimizer("adam");
  for (long max_iterations : {0L, 1L, 7L}) {
    CAPTURE(max_iterations);
    RosenbrockObjective rosenbrock;
    Vector theta = RosenbrockObjective::start();
    long callbacks = 0;
    const OptimizeResult result = adam->minimize(rosenbrock, theta, max_iterations, [&](const IterationReport& r) {
      ++callbacks;
      CHECK(r.iteration == callbacks);
      CHECK(r.evaluations == callbacks);
      return true;
    });
    CHECK(result.reason == StopReason::kMaxIterations);
    CHECK(result.iterations == max_iterations);
    CHECK(result.evaluations == max_iterations);
    CHECK(rosenbrock.evaluations() == max_iterations);
    CHECK(callbacks == max_iterations);
    CHECK((max_iterations == 0) == (theta == RosenbrockObjective::start()));
  }

  RecordingObjective recording = linear(Vector{{1.0, -2.0}});
  Vector theta = Vector::Zero(2);
  const OptimizeResult stopped =
      adam->minimize(recording, theta, 10, [](const IterationReport& report) { return report.iteration < 4; });
  CHECK(stopped.reason == StopReason::kCallback);
  CHECK_FALSE(stopped.converged());
  CHECK(stopped.iterations == 4);
  CHECK(recording.evaluations().size() == 4);
  // The reported loss is the one at the point where the gradient was evaluated.
  CHECK(stopped.loss == recording.evaluations().back().loss);
  // Reaching max_iterations takes precedence over a stop asked at the last iteration.
  const OptimizeResult last = adam->minimize(recording, theta, 3, [](const IterationReport&) { return false; });
  CHECK(last.reason == StopReason::kCallback);
  CHECK(last.iterations == 1);
  const OptimizeResult at_max = adam->minimize(recording, theta, 1, [](const IterationReport&) { return false; });
  CHECK(at_max.reason == StopReason::kMaxIterations);
}

TEST_CASE("adam: a non-finite loss or gradient throws and leaves theta as it was") {
  auto adam = make_optimizer("adam", "learning_rate: 0.1");
  const Vector c{{1.0, -2.0, 3.0}};
  SUBCASE("NaN loss") {
    int calls = 0;
    RecordingObjective objective(3, [&](const Vector& x, Vector& gradient) {
      gradient = c;
      return ++calls < 3 ? c.dot(x) : kNaN;
    });
    Vector theta{{0.3, 0.0, 0.0}};
    CHECK_THROWS_WITH_AS(adam->minimize(objective, theta, 10, {}), "adam: iteration 3: the loss is NaN",
                         NumericalError);
    REQUIRE(objective.evaluations().size() == 3);
    CHECK(theta == objective.evaluations().back().theta);
  }
  SUBCASE("infinite gradient entry") {
    RecordingObjective objective(3, [&](const Vector& x, Vector& gradient) {
      gradient = c;
      gradient[2] = std::numeric_limits<Scalar>::infinity();
      return c.dot(x);
    });
    Vector theta{{0.3, 0.0, 0.0}};
    const Vector start = theta;
    CHECK_THROWS_WITH_AS(adam->minimize(objective, theta, 10, {}),
                         "adam: iteration 1: the gradient is not finite at parameter index 2", NumericalError);
    CHECK(theta == start);
  }
}

TEST_CASE("adam: bad input is refused with a clear error") {
  auto adam = make_optimizer("adam");
  RosenbrockObjective rosenbrock;
  Vector theta = Vector::Zero(3);
  CHECK_THROWS_WITH_AS(adam->minimize(rosenbrock, theta, 10, {}), doctest::Contains("3"), ConfigError);
  CHECK(rosenbrock.evaluations() == 0);
  for (const char* bad : {"learning_rate: 0", "beta1: 1.0", "beta2: -0.1", "epsilon: 0", "weight_decay: -1"}) {
    CAPTURE(bad);
    const std::string key = std::string(bad).substr(0, std::string(bad).find(':'));
    CHECK_THROWS_WITH_AS(make_optimizer("adam", bad), doctest::Contains(key.c_str()), ConfigError);
  }
}

}  // namespace
}  // namespace liouville::testing
