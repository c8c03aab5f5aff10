// Reusable test objectives for optimizers and a check that an optimizer reaches
// their minimum while keeping the Optimizer contract (consecutive iteration
// numbers, counts within bounds, an honest stop reason).
//
//   RosenbrockObjective      f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 (Rosenbrock
//                            1960), minimum 0 at (1, 1), classic start (-1.2, 1).
//   IllConditionedQuadratic  f(x) = 1/2 (x - x*)' A (x - x*), A = Q diag(l) Q'
//                            with eigenvalues l log-spaced in [1, condition] and
//                            a random rotation Q.
#pragma once

#include <Eigen/QR>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include "liouville/core/optimizer.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/types.hpp"

namespace liouville::testing {

class RosenbrockObjective final : public Objective {
 public:
  static Vector start() { return Vector{{-1.2, 1.0}}; }
  static Vector minimizer() { return Vector{{1.0, 1.0}}; }

  Index num_parameters() const override { return 2; }
  Scalar evaluate(ConstVectorRef theta, VectorRef gradient) override {
    ++evaluations_;
    const Scalar x = theta[0];
    const Scalar valley = theta[1] - x * x;
    gradient[0] = -2 * (1 - x) - 400 * x * valley;
    gradient[1] = 200 * valley;
    return (1 - x) * (1 - x) + 100 * valley * valley;
  }
  long evaluations() const { return evaluations_; }

 private:
  long evaluations_ = 0;
};

class IllConditionedQuadratic final : public Objective {
 public:
  IllConditionedQuadratic(Index dim, Scalar condition, std::uint64_t seed = 7) {
    Rng rng(seed);
    Matrix gaussian(dim, dim);
    rng.fill_normal(gaussian);
    const Matrix rotation = Eigen::HouseholderQR<Matrix>(gaussian).householderQ();
    Vector eigenvalues(dim);
    for (Index i = 0; i < dim; ++i)
      eigenvalues[i] = std::pow(condition, dim > 1 ? Scalar(i) / Scalar(dim - 1) : 0);
    hessian_ = rotation * eigenvalues.asDiagonal() * rotation.transpose();
    minimizer_.resize(dim);
    rng.fill_normal(minimizer_);
    start_ = Vector::Zero(dim);
  }

  const Matrix& hessian() const { return hessian_; }
  const Vector& minimizer() const { return minimizer_; }
  const Vector& start() const { return start_; }

  Index num_parameters() const override { return minimizer_.size(); }
  Scalar evaluate(ConstVectorRef theta, VectorRef gradient) override {
    ++evaluations_;
    gradient.noalias() = hessian_ * (theta - minimizer_);
    return 0.5 * (theta - minimizer_).dot(gradient);
  }
  long evaluations() const { return evaluations_; }

 private:
  Matrix hessian_;
  Vector minimizer_;
  Vector start_;
  long evaluations_ = 0;
};

struct MinimumCheckResult {
  Scalar distance = 0;  // ||theta - minimizer|| at the end
  OptimizeResult result;
  std::string problems;  // every violated expectation; empty when the check passes
  bool passed() const { return problems.empty(); }
  std::string report() const {
    std::ostringstream out;
    out << "distance to the minimizer " << distance << " after " << result.iterations << " iterations and "
        << result.evaluations << " evaluations (" << result.message << ")";
    if (!problems.empty()) out << "; problems:" << problems;
    return out.str();
  }
};

// Runs `optimizer` on `objective` from `start` for at most `max_iterations` and
// checks that it ends within `tolerance` of `minimizer` without a line-search
// failure, that the callback saw iterations 1, 2, ... with non-decreasing
// evaluation counts matching the result, and that a claimed convergence is real.
inline MinimumCheckResult check_reaches_minimum(Optimizer& optimizer, Objective& objective, const Vector& start,
                                                const Vector& minimizer, long max_iterations, Scalar tolerance) {
  MinimumCheckResult check;
  std::ostringstream problems;
  Vector theta = start;
  long expected_iteration = 1;
  long last_evaluations = 0;
  check.result = optimizer.minimize(objective, theta, max_iterations, [&](const IterationReport& report) {
    if (report.iteration != expected_iteration)
      problems << " callback iteration " << report.iteration << " where " << expected_iteration << " was due;";
    if (report.evaluations < last_evaluations)
      problems << " evaluation count fell from " << last_evaluations << " to " << report.evaluations << ";";
    if (!std::isfinite(report.loss) || !std::isfinite(report.gradient_norm))
      problems << " non-finite report at iteration " << report.iteration << ";";
    ++expected_iteration;
    last_evaluations = report.evaluations;
    return true;
  });
  const OptimizeResult& result = check.result;
  check.distance = (theta - minimizer).norm();
  if (!(check.distance <= tolerance)) problems << " ended " << check.distance << " from the minimizer;";
  if (result.reason == StopReason::kLineSearchFailure) problems << " line-search failure;";
  if (result.reason == StopReason::kCallback) problems << " stopped by callback although it never asked;";
  if (result.iterations > max_iterations) problems << " " << result.iterations << " iterations > maximum;";
  if (result.iterations != expected_iteration - 1)
    problems << " " << result.iterations << " iterations but " << expected_iteration - 1 << " callbacks;";
  if (result.evaluations < last_evaluations)
    problems << " result reports " << result.evaluations << " evaluations, the callback saw " << last_evaluations
             << ";";
  if (result.message.empty()) problems << " empty stop message;";
  check.problems = problems.str();
  return check;
}

}  // namespace liouville::testing
