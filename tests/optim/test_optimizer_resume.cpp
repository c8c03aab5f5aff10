// Optimizers continue a minimize() call from a reported state (checkpoints).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "liouville/testing/optimizer_checks.hpp"
#include "optimizer_factory.hpp"

namespace liouville::testing {
namespace {

struct Trace {
  std::vector<Scalar> losses;
  OptimizerState state_at_stop;
};

// Runs `optimizer` from `theta` to `iterations`, keeping the state reported at iteration `keep`.
Trace run(Optimizer& optimizer, Vector& theta, long iterations, long keep,
          const OptimizerState* resume = nullptr) {
  RosenbrockObjective rosenbrock;
  Trace trace;
  MinimizeOptions options{iterations, {}, resume};
  optimizer.minimize(rosenbrock, theta, options, [&](const IterationReport& report) {
    REQUIRE(report.state);
    CHECK(report.state().iterations == report.iteration);
    trace.losses.push_back(report.loss);
    if (report.iteration == keep) trace.state_at_stop = report.state();
    return true;
  });
  return trace;
}

// 2N iterations in one go and N, then N more resumed by a fresh optimizer from
// the reported state, give the same losses and iterate bit for bit.
void check_resume_retraces(const std::string& type, const std::string& params, long n) {
  CAPTURE(type);
  auto optimizer = make_optimizer(type, params);
  Vector straight = RosenbrockObjective::start();
  const Trace whole = run(*optimizer, straight, 2 * n, n);
  REQUIRE(whole.losses.size() == static_cast<std::size_t>(2 * n));

  Vector interrupted = RosenbrockObjective::start();
  const Trace first = run(*optimizer, interrupted, n, n);
  auto fresh = make_optimizer(type, params);
  const Trace second = run(*fresh, interrupted, 2 * n, 0, &first.state_at_stop);

  std::vector<Scalar> joined = first.losses;
  joined.insert(joined.end(), second.losses.begin(), second.losses.end());
  CHECK(joined == whole.losses);
  CHECK(interrupted == straight);
  CHECK(first.state_at_stop.vectors == whole.state_at_stop.vectors);
  CHECK(first.state_at_stop.scalars == whole.state_at_stop.scalars);
}

TEST_CASE("adam and lbfgs: a resumed run retraces the uninterrupted one") {
  check_resume_retraces("adam", "learning_rate: 1e-2", 40);
  check_resume_retraces("lbfgs", "history: 4", 12);  // the memory is full and wraps before the stop
}

TEST_CASE("adam: a state that does not fit is refused naming the entry") {
  auto adam = make_optimizer("adam");
  Vector theta = RosenbrockObjective::start();
  const Trace trace = run(*adam, theta, 3, 3);
  RosenbrockObjective rosenbrock;
  auto resume_with = [&](const OptimizerState& state) {
    MinimizeOptions options{5, {}, &state};
    adam->minimize(rosenbrock, theta, options, nullptr);
  };
  OptimizerState missing = trace.state_at_stop;
  missing.vectors.erase("v");
  CHECK_THROWS_WITH_AS(resume_with(missing), doctest::Contains("no vector 'v'"), DataError);
  OptimizerState short_m = trace.state_at_stop;
  short_m.vectors["m"] = Vector::Zero(1);
  CHECK_THROWS_WITH_AS(resume_with(short_m), doctest::Contains("'m' has 1 entries"), DataError);
  OptimizerState no_power = trace.state_at_stop;
  no_power.scalars.erase("beta1_power");
  CHECK_THROWS_WITH_AS(resume_with(no_power), doctest::Contains("no scalar 'beta1_power'"), DataError);
}

TEST_CASE("lbfgs: a state that does not fit is refused naming the entry") {
  auto lbfgs = make_optimizer("lbfgs", "history: 3");
  Vector theta = RosenbrockObjective::start();
  const Trace trace = run(*lbfgs, theta, 6, 6);
  REQUIRE(trace.state_at_stop.vectors.count("s2") == 1);
  RosenbrockObjective rosenbrock;
  auto resume_with = [&](const OptimizerState& state) {
    MinimizeOptions options{9, {}, &state};
    lbfgs->minimize(rosenbrock, theta, options, nullptr);
  };
  OptimizerState no_gradient = trace.state_at_stop;
  no_gradient.vectors.erase("gradient");
  CHECK_THROWS_WITH_AS(resume_with(no_gradient), doctest::Contains("no vector 'gradient'"), DataError);
  OptimizerState too_many = trace.state_at_stop;
  too_many.vectors["s3"] = too_many.vectors["s2"];
  too_many.vectors["y3"] = too_many.vectors["y2"];
  CHECK_THROWS_WITH_AS(resume_with(too_many), doctest::Contains("4 curvature pairs, history is 3"), DataError);
  OptimizerState flipped = trace.state_at_stop;
  flipped.vectors["y1"] = -flipped.vectors["y1"];
  CHECK_THROWS_WITH_AS(resume_with(flipped), doctest::Contains("pair 1 has s'y <= 0"), DataError);
  OptimizerState no_loss = trace.state_at_stop;
  no_loss.scalars.erase("loss");
  CHECK_THROWS_WITH_AS(resume_with(no_loss), doctest::Contains("no scalar 'loss'"), DataError);
}

}  // namespace
}  // namespace liouville::testing
