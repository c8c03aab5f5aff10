// The test objectives of optimizer_checks.hpp: their gradients against finite
// differences, and the quadratic's conditioning.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>

#include "liouville/testing/gradient_check.hpp"
#include "liouville/testing/optimizer_checks.hpp"

namespace liouville::testing {
namespace {

template <class Objective>
ScalarFunction loss_of(Objective& objective) {
  return [&objective](const Vector& x) {
    Vector unused(x.size());
    return objective.evaluate(x, unused);
  };
}

template <class Objective>
void check_objective_gradient(Objective& objective, const Vector& x, const Vector& direction) {
  Vector gradient(x.size());
  objective.evaluate(x, gradient);
  const auto loss = loss_of(objective);
  const GradientCheckResult check = check_gradient(loss, x, gradient);
  CHECK_MESSAGE(check.max_relative_error <= 1e-6, check.report());
  const TaylorResult taylor = taylor_test(loss, x, gradient, direction);
  CHECK_MESSAGE(taylor.passes(), taylor.report());
}

TEST_CASE("Rosenbrock gradient matches finite differences") {
  RosenbrockObjective rosenbrock;
  for (const Vector& x : {RosenbrockObjective::start(), Vector{{0.3, -0.7}}, Vector{{1.5, 2.1}}})
    check_objective_gradient(rosenbrock, x, Vector{{0.6, -0.8}});
  Vector gradient(2);
  CHECK(rosenbrock.evaluate(RosenbrockObjective::minimizer(), gradient) == 0);
  CHECK(gradient.norm() == 0);
}

TEST_CASE("ill-conditioned quadratic: gradient and conditioning") {
  IllConditionedQuadratic quadratic(6, 1e4);
  Rng rng(3);
  Vector x(6), direction(6);
  rng.fill_normal(x);
  rng.fill_normal(direction);
  check_objective_gradient(quadratic, x, direction);

  const Eigen::SelfAdjointEigenSolver<Matrix> eigen(quadratic.hessian());
  CHECK(eigen.eigenvalues().minCoeff() == doctest::Approx(1).epsilon(1e-9));
  CHECK(eigen.eigenvalues().maxCoeff() == doctest::Approx(1e4).epsilon(1e-9));
  // Rotated: the Hessian is not diagonal, so coordinates do not decouple.
  const Matrix off_diagonal = quadratic.hessian() - Matrix(quadratic.hessian().diagonal().asDiagonal());
  CHECK(off_diagonal.norm() > 1);

  Vector gradient(6);
  CHECK(quadratic.evaluate(quadratic.minimizer(), gradient) == 0);
  CHECK(gradient.norm() == 0);
  CHECK(quadratic.evaluations() > 0);
}

}  // namespace
}  // namespace liouville::testing
