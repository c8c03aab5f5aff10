#include "strong_wolfe_line_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace liouville::lbfgs {
namespace {

constexpr Scalar kInfinity = std::numeric_limits<Scalar>::infinity();
constexpr Scalar kNaN = std::numeric_limits<Scalar>::quiet_NaN();
constexpr Scalar kEpsilon = std::numeric_limits<Scalar>::epsilon();
// Zoom trials keep at least this fraction of the bracket width from its ends.
constexpr Scalar kZoomMargin = 0.1;
// Extrapolated steps lie in alpha + [1.1, 4] (alpha - previous alpha), as in
// More and Thuente (1994).
constexpr Scalar kMinExpansion = 1.1;
constexpr Scalar kMaxExpansion = 4.0;

// Minimizer of the cubic matching phi and phi' at a and b (N&W eq. 3.59); NaN
// or infinite when the cubic has none.
Scalar cubic_minimizer(const LinePoint& a, const LinePoint& b) {
  const Scalar d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.alpha - b.alpha);
  const Scalar discriminant = d1 * d1 - a.slope * b.slope;
  if (!(discriminant >= 0)) return kNaN;
  const Scalar d2 = std::copysign(std::sqrt(discriminant), b.alpha - a.alpha);
  return b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2);
}

// Minimizer of the quadratic matching phi(a), phi'(a) and phi(b) (N&W eq. 3.57);
// NaN when that quadratic is not convex.
Scalar quadratic_minimizer(const LinePoint& a, const LinePoint& b) {
  const Scalar h = b.alpha - a.alpha;
  const Scalar curvature = b.value - a.value - a.slope * h;  // h^2 times the leading coefficient
  if (!(curvature > 0)) return kNaN;
  return a.alpha - a.slope * h * h / (2 * curvature);
}

class Search {
 public:
  Search(const LineFunction& phi, const LinePoint& start, const LineSearchOptions& options)
      : phi_(phi), start_(start), options_(options) {}

  // Algorithm 3.5: extrapolate until [previous, current] brackets acceptable steps.
  LineSearchResult run(Scalar alpha) {
    if (!(start_.slope < 0) || !std::isfinite(start_.value)) return finish(LineSearchOutcome::kNotDescent);
    LinePoint previous = start_;
    while (evaluations_ < options_.max_evaluations) {
      const LinePoint current = evaluate(alpha);
      if (acceptable(current)) return finish(LineSearchOutcome::kFound, current);
      if (!sufficient_decrease(current) || current.value >= previous.value) return zoom(previous, current);
      if (current.slope >= 0) return zoom(current, previous);
      alpha = extrapolate(previous, current);
      if (!std::isfinite(alpha)) return finish(LineSearchOutcome::kStepUnbounded);
      previous = current;
    }
    return finish(LineSearchOutcome::kMaxEvaluations);
  }

 private:
  // Algorithm 3.6. Invariants: `low` has the lowest value among the evaluated
  // steps with sufficient decrease, and phi'(low) (high - low) < 0.
  LineSearchResult zoom(LinePoint low, LinePoint high) {
    while (evaluations_ < options_.max_evaluations) {
      if (std::abs(high.alpha - low.alpha) <= kEpsilon * std::max(low.alpha, high.alpha))
        return finish(LineSearchOutcome::kIntervalCollapsed);
      const LinePoint trial = evaluate(interpolate(low, high));
      if (acceptable(trial)) return finish(LineSearchOutcome::kFound, trial);
      if (!sufficient_decrease(trial) || trial.value >= low.value) {
        high = trial;
        continue;
      }
      if (trial.slope * (high.alpha - low.alpha) >= 0) high = low;
      low = trial;
    }
    return finish(LineSearchOutcome::kMaxEvaluations);
  }

  LinePoint evaluate(Scalar alpha) {
    ++evaluations_;
    LinePoint point = phi_(alpha);
    point.alpha = alpha;
    if (!std::isfinite(point.value) || !std::isfinite(point.slope)) {
      point.value = kInfinity;
      point.slope = kNaN;
    }
    return point;
  }

  bool sufficient_decrease(const LinePoint& point) const {
    return point.value <= start_.value + options_.c1 * point.alpha * start_.slope;
  }
  // Both strong Wolfe conditions. Checked before the bracketing tests of
  // Algorithms 3.5 and 3.6, so a step tied with `low` at round-off level (a flat
  // minimum) is still accepted when it qualifies.
  bool acceptable(const LinePoint& point) const {
    return sufficient_decrease(point) && std::abs(point.slope) <= -options_.c2 * start_.slope;
  }

  static Scalar extrapolate(const LinePoint& previous, const LinePoint& current) {
    const Scalar spacing = current.alpha - previous.alpha;
    const Scalar lower = current.alpha + kMinExpansion * spacing;
    const Scalar upper = current.alpha + kMaxExpansion * spacing;
    const Scalar cubic = cubic_minimizer(previous, current);
    return std::isfinite(cubic) ? std::clamp(cubic, lower, upper) : upper;
  }

  // The minimizer of the cubic model, else of the quadratic one, moved at least
  // a margin inside the bracket; the midpoint when neither model has one (an
  // infinite end has no usable model, so it gets bisected).
  static Scalar interpolate(const LinePoint& low, const LinePoint& high) {
    const Scalar left = std::min(low.alpha, high.alpha);
    const Scalar right = std::max(low.alpha, high.alpha);
    const Scalar margin = kZoomMargin * (right - left);
    Scalar trial = cubic_minimizer(low, high);
    if (!std::isfinite(trial)) trial = quadratic_minimizer(low, high);
    if (!std::isfinite(trial)) return left + 0.5 * (right - left);
    return std::clamp(trial, left + margin, right - margin);
  }

  LineSearchResult finish(LineSearchOutcome outcome, const LinePoint& point = {}) const {
    return {outcome, point, evaluations_};
  }

  const LineFunction& phi_;
  const LinePoint start_;
  const LineSearchOptions& options_;
  long evaluations_ = 0;
};

}  // namespace

const char* to_string(LineSearchOutcome outcome) {
  switch (outcome) {
    case LineSearchOutcome::kFound:
      return "found a strong-Wolfe step";
    case LineSearchOutcome::kNotDescent:
      return "not a descent direction";
    case LineSearchOutcome::kMaxEvaluations:
      return "no strong-Wolfe step within the evaluation budget";
    case LineSearchOutcome::kIntervalCollapsed:
      return "the bracket shrank to round-off without a strong-Wolfe step";
    case LineSearchOutcome::kStepUnbounded:
      return "the loss kept decreasing until the step overflowed (is it bounded below?)";
  }
  return "unknown line-search outcome";
}

LineSearchResult strong_wolfe_line_search(const LineFunction& phi, const LinePoint& start, Scalar initial_step,
                                          const LineSearchOptions& options) {
  return Search(phi, start, options).run(initial_step);
}

}  // namespace liouville::lbfgs
