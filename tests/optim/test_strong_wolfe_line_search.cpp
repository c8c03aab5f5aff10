// The L-BFGS plugin's strong-Wolfe line search on one-dimensional functions,
// including the test functions of More and Thuente (1994, Table 1 and 2).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "strong_wolfe_line_search.hpp"

namespace liouville::lbfgs {
namespace {

struct Line {
  std::function<Scalar(Scalar)> value;
  std::function<Scalar(Scalar)> slope;
};

// Runs the search on `line` and records every step it evaluated.
struct RecordedSearch {
  LineSearchResult result;
  std::vector<LinePoint> calls;
  LinePoint start;
};

RecordedSearch search(const Line& line, Scalar initial_step, const LineSearchOptions& options) {
  RecordedSearch run;
  run.start = {0, line.value(0), line.slope(0)};
  const LineFunction phi = [&](Scalar alpha) {
    run.calls.push_back({alpha, line.value(alpha), line.slope(alpha)});
    return run.calls.back();
  };
  run.result = strong_wolfe_line_search(phi, run.start, initial_step, options);
  return run;
}

void check_strong_wolfe(const RecordedSearch& run, const LineSearchOptions& options) {
  REQUIRE_MESSAGE(run.result.found(), to_string(run.result.outcome));
  const LinePoint& point = run.result.point;
  CHECK(point.alpha > 0);
  CHECK(point.value <= run.start.value + options.c1 * point.alpha * run.start.slope);
  CHECK(std::abs(point.slope) <= options.c2 * std::abs(run.start.slope));
  REQUIRE(!run.calls.empty());
  CHECK(run.calls.back().alpha == point.alpha);  // the accepted step is the last one evaluated
  CHECK(run.calls.back().value == point.value);
  CHECK(run.result.evaluations == static_cast<long>(run.calls.size()));
  CHECK(run.result.evaluations <= options.max_evaluations);
}

TEST_CASE("a convex quadratic: extrapolation from a short step, zoom from a long one") {
  const Line parabola{[](Scalar a) { return (a - 2) * (a - 2); }, [](Scalar a) { return 2 * (a - 2); }};
  const LineSearchOptions options{1e-4, 0.1, 25};
  for (Scalar initial : {1e-3, 0.5, 3.9, 50.0}) {
    CAPTURE(initial);
    const RecordedSearch run = search(parabola, initial, options);
    check_strong_wolfe(run, options);
    CHECK(run.result.point.alpha == doctest::Approx(2).epsilon(0.1));
  }
  // A step already acceptable is taken at once.
  const RecordedSearch exact = search(parabola, 2.0, options);
  check_strong_wolfe(exact, options);
  CHECK(exact.result.evaluations == 1);
}

TEST_CASE("More-Thuente test functions") {
  // Table 1: phi(a) = -a / (a^2 + b), b = 2, minimizer sqrt(2).
  const Scalar b = 2;
  const Line rational{[b](Scalar a) { return -a / (a * a + b); },
                      [b](Scalar a) { return (a * a - b) / ((a * a + b) * (a * a + b)); }};
  // Table 2: phi(a) = (a + b)^5 - 2 (a + b)^4, b = 0.004, minimizer 1.6.
  const Scalar c = 0.004;
  const Line quintic{[c](Scalar a) { return std::pow(a + c, 5) - 2 * std::pow(a + c, 4); },
                     [c](Scalar a) { return 5 * std::pow(a + c, 4) - 8 * std::pow(a + c, 3); }};
  const LineSearchOptions options{1e-3, 0.1, 25};
  for (const Line* line : {&rational, &quintic}) {
    for (Scalar initial : {1e-3, 1e-1, 1e1, 1e3}) {
      CAPTURE(initial);
      check_strong_wolfe(search(*line, initial, options), options);
    }
  }
}

TEST_CASE("non-finite values count as +infinity and are never accepted") {
  const Scalar nan = std::numeric_limits<Scalar>::quiet_NaN();
  const Scalar inf = std::numeric_limits<Scalar>::infinity();
  for (Scalar bad : {nan, inf, -inf}) {
    CAPTURE(bad);
    // (a - 1)^2, undefined beyond a = 0.3.
    const Line cliff{[bad](Scalar a) { return a < 0.3 ? (a - 1) * (a - 1) : bad; },
                     [](Scalar a) { return 2 * (a - 1); }};
    const LineSearchOptions options{1e-4, 0.9, 25};
    const RecordedSearch run = search(cliff, 1.0, options);
    check_strong_wolfe(run, options);
    CHECK(run.result.point.alpha < 0.3);
    CHECK(run.calls.front().alpha == 1.0);  // it did try the bad region first
  }
  // A finite value with a non-finite slope is just as unusable.
  const Line bad_slope{[](Scalar a) { return (a - 1) * (a - 1); },
                       [nan](Scalar a) { return a < 0.3 ? 2 * (a - 1) : nan; }};
  const LineSearchOptions options{1e-4, 0.9, 25};
  const RecordedSearch run = search(bad_slope, 1.0, options);
  check_strong_wolfe(run, options);
  CHECK(run.result.point.alpha < 0.3);
}

TEST_CASE("no acceptable step: the search fails within its budget") {
  // The slope at 0 claims descent, but the function only increases (a sign-flipped gradient).
  const Line liar{[](Scalar a) { return a; }, [](Scalar a) { return a == 0 ? -1.0 : 1.0; }};
  const LineSearchOptions options{1e-4, 0.9, 12};
  const RecordedSearch run = search(liar, 1.0, options);
  CHECK_FALSE(run.result.found());
  CHECK(run.result.outcome == LineSearchOutcome::kMaxEvaluations);
  CHECK(run.result.evaluations == 12);
  CHECK(run.calls.size() == 12);
  for (const LinePoint& call : run.calls) CHECK(call.alpha > 0);
}

TEST_CASE("a function unbounded below ends the search when the step overflows") {
  const Line ramp{[](Scalar a) { return -a; }, [](Scalar) { return -1.0; }};
  const RecordedSearch budgeted = search(ramp, 1.0, {1e-4, 0.9, 25});
  CHECK(budgeted.result.outcome == LineSearchOutcome::kMaxEvaluations);
  const RecordedSearch unlimited = search(ramp, 1.0, {1e-4, 0.9, 100000});
  CHECK(unlimited.result.outcome == LineSearchOutcome::kStepUnbounded);
  CHECK(unlimited.result.evaluations < 1000);
  for (const LinePoint& call : unlimited.calls) CHECK(std::isfinite(call.alpha));
}

TEST_CASE("a direction that is not a descent direction is refused without evaluating") {
  const Line up{[](Scalar a) { return a * a + a; }, [](Scalar a) { return 2 * a + 1; }};
  const LineSearchOptions options;
  const RecordedSearch run = search(up, 1.0, options);
  CHECK(run.result.outcome == LineSearchOutcome::kNotDescent);
  CHECK(run.calls.empty());
  const LineFunction never = [](Scalar) -> LinePoint {
    FAIL("evaluated");
    return {};
  };
  const Scalar nan = std::numeric_limits<Scalar>::quiet_NaN();
  CHECK(strong_wolfe_line_search(never, {0, 1, nan}, 1, options).outcome == LineSearchOutcome::kNotDescent);
  CHECK(strong_wolfe_line_search(never, {0, nan, -1}, 1, options).outcome == LineSearchOutcome::kNotDescent);
}

}  // namespace
}  // namespace liouville::lbfgs
