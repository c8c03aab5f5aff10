// Checks any ODESolver can be run through (built in tree or loaded as a plugin):
//
//   empirical_order   fixed-step solves of a problem with a closed-form solution
//                     at step sizes dt_k; the least-squares slope of log(error)
//                     against log(dt) estimates the order of convergence.
//   check_solve_gradient
//                     integrate + integrate_backward on a parametrized nonlinear
//                     system against central finite differences of the same
//                     solve (the recorded step sequence replayed), for y0 and theta.
//
// Reference problems (each an OdeSystem with its exact solution and reverse mode):
//   ExponentialDecay  y' = -y, y(t) = exp(-(t - t0)) y0.
//   NonlinearRotation y' = (1 + |y|^2) J y with J the rotation by pi/2: |y| is
//                     constant, so y(t) is y0 rotated by (1 + |y0|^2)(t - t0).
//   HopfOscillator    the Hopf normal form x' = x(1 - r^2) - (1 + r^2) y,
//                     y' = y(1 - r^2) + (1 + r^2) x, r^2 = x^2 + y^2. In polar form
//                     r' = r(1 - r^2), theta' = 1 + r^2, so with K = 1/r0^2 - 1:
//                     r(t)^2 = 1 / (1 + K exp(-2t)),
//                     theta(t) = theta0 + 2t + log((1 + K exp(-2t)) / (1 + K)) / 2.
//   TanhSystem        y' = tanh(W y + t b), parameters theta = (W column-major, b).
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "liouville/core/butcher_tableau.hpp"
#include "liouville/core/integrate.hpp"
#include "liouville/core/ode_solver.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/testing/gradient_check.hpp"

namespace liouville::testing {

// An ODE problem on [t0, t1] with a closed-form solution.
class ExactProblem : public OdeSystem {
 public:
  virtual std::string name() const = 0;
  virtual Scalar t0() const = 0;
  virtual Scalar t1() const = 0;
  virtual Matrix initial_state() const = 0;
  virtual Matrix solution(Scalar t) const = 0;
};

class ExponentialDecay final : public ExactProblem {
 public:
  std::string name() const override { return "y' = -y"; }
  Index rows() const override { return 1; }
  Scalar t0() const override { return 0; }
  Scalar t1() const override { return 1; }
  Matrix initial_state() const override { return (Matrix(1, 3) << 1.0, -0.5, 2.0).finished(); }
  Matrix solution(Scalar t) const override { return std::exp(-(t - t0())) * initial_state(); }

  void rhs(Scalar, ConstMatrixRef y, MatrixRef dy) const override { dy = -y; }
  void rhs_backward(Scalar, ConstMatrixRef, ConstMatrixRef dy_bar, MatrixRef y_bar, VectorRef) const override {
    y_bar = -dy_bar;
  }
};

class NonlinearRotation final : public ExactProblem {
 public:
  std::string name() const override { return "nonlinear rotation"; }
  Index rows() const override { return 2; }
  Scalar t0() const override { return 0; }
  Scalar t1() const override { return 1; }
  Matrix initial_state() const override { return (Matrix(2, 3) << 1.0, -0.3, 0.8, 0.5, 0.4, -0.6).finished(); }

  Matrix solution(Scalar t) const override {
    const Matrix start = initial_state();
    Matrix y(2, start.cols());
    for (Index j = 0; j < start.cols(); ++j) {
      const Scalar angle = (1 + start.col(j).squaredNorm()) * (t - t0());
      y(0, j) = std::cos(angle) * start(0, j) - std::sin(angle) * start(1, j);
      y(1, j) = std::sin(angle) * start(0, j) + std::cos(angle) * start(1, j);
    }
    return y;
  }

  void rhs(Scalar, ConstMatrixRef y, MatrixRef dy) const override {
    const auto rate = 1.0 + y.colwise().squaredNorm().array();
    dy.row(0) = (-rate * y.row(1).array()).matrix();
    dy.row(1) = (rate * y.row(0).array()).matrix();
  }

  // F = w J y with w = 1 + |y|^2: y_bar = w J^T dy_bar + 2 y <J y, dy_bar>.
  void rhs_backward(Scalar, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar, VectorRef) const override {
    const auto rate = 1.0 + y.colwise().squaredNorm().array();
    const auto turned = (y.row(0).array() * dy_bar.row(1).array() - y.row(1).array() * dy_bar.row(0).array());
    y_bar.row(0) = (rate * dy_bar.row(1).array() + 2.0 * y.row(0).array() * turned).matrix();
    y_bar.row(1) = (-rate * dy_bar.row(0).array() + 2.0 * y.row(1).array() * turned).matrix();
  }
};

class HopfOscillator final : public ExactProblem {
 public:
  std::string name() const override { return "Hopf oscillator"; }
  Index rows() const override { return 2; }
  Scalar t0() const override { return 0; }
  Scalar t1() const override { return 2; }
  // Samples inside, outside and near the limit cycle r = 1.
  Matrix initial_state() const override { return (Matrix(2, 3) << 0.3, -1.2, 0.6, 0.2, 0.9, -0.8).finished(); }

  Matrix solution(Scalar t) const override {
    const Matrix start = initial_state();
    Matrix y(2, start.cols());
    for (Index j = 0; j < start.cols(); ++j) {
      const Scalar r0_squared = start.col(j).squaredNorm();
      const Scalar k = 1 / r0_squared - 1;
      const Scalar decay = k * std::exp(-2 * (t - t0()));
      const Scalar r = 1 / std::sqrt(1 + decay);
      const Scalar theta =
          std::atan2(start(1, j), start(0, j)) + 2 * (t - t0()) + 0.5 * std::log((1 + decay) / (1 + k));
      y(0, j) = r * std::cos(theta);
      y(1, j) = r * std::sin(theta);
    }
    return y;
  }

  void rhs(Scalar, ConstMatrixRef y, MatrixRef dy) const override {
    const auto x = y.row(0).array();
    const auto v = y.row(1).array();
    const auto r2 = x.square() + v.square();
    dy.row(0) = (x * (1.0 - r2) - (1.0 + r2) * v).matrix();
    dy.row(1) = (v * (1.0 - r2) + (1.0 + r2) * x).matrix();
  }

  // y_bar = J^T dy_bar with J = [[1 - r2 - 2x^2 - 2xv, -1 - r2 - 2xv - 2v^2],
  //                              [1 + r2 + 2x^2 - 2xv, 1 - r2 - 2v^2 + 2xv]].
  void rhs_backward(Scalar, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar, VectorRef) const override {
    const auto x = y.row(0).array();
    const auto v = y.row(1).array();
    const auto g0 = dy_bar.row(0).array();
    const auto g1 = dy_bar.row(1).array();
    const auto r2 = x.square() + v.square();
    const auto xv = x * v;
    y_bar.row(0) =
        ((1.0 - r2 - 2.0 * x.square() - 2.0 * xv) * g0 + (1.0 + r2 + 2.0 * x.square() - 2.0 * xv) * g1).matrix();
    y_bar.row(1) =
        ((-1.0 - r2 - 2.0 * xv - 2.0 * v.square()) * g0 + (1.0 - r2 - 2.0 * v.square() + 2.0 * xv) * g1).matrix();
  }
};

// y' = tanh(W y + t b) with theta = (W column-major, b); rows x rows weights.
class TanhSystem final : public OdeSystem {
 public:
  TanhSystem(Index rows, std::uint64_t seed) : rows_(rows), theta_(rows * rows + rows) {
    Rng rng(seed);
    Matrix theta(theta_.size(), 1);
    rng.fill_normal(theta);
    theta_ = theta.col(0) / std::sqrt(static_cast<Scalar>(rows));
  }

  Index rows() const override { return rows_; }
  Vector& theta() { return theta_; }
  const Vector& theta() const { return theta_; }

  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override {
    dy.noalias() = weights() * y;
    dy.colwise() += t * bias();
    dy = dy.array().tanh().matrix();
  }

  // With z = W y + t b and g = (1 - tanh(z)^2) dy_bar: y_bar = W^T g,
  // W_bar += g y^T, b_bar += t sum_columns g.
  void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override {
    Matrix g = weights() * y;
    g.colwise() += t * bias();
    g = (1.0 - g.array().tanh().square()) * dy_bar.array();
    y_bar.noalias() = weights().transpose() * g;
    Eigen::Map<Matrix>(theta_bar.data(), rows_, rows_).noalias() += g * y.transpose();
    theta_bar.tail(rows_) += t * g.rowwise().sum();
  }

 private:
  Eigen::Map<const Matrix> weights() const { return {theta_.data(), rows_, rows_}; }
  Eigen::Map<const Vector> bias() const { return {theta_.data() + rows_ * rows_, rows_}; }

  Index rows_;
  Vector theta_;
};

struct OrderResult {
  double order = 0;  // least-squares slope of log(error) against log(dt)
  std::vector<double> dts;
  std::vector<double> errors;  // max |y(t1) - exact| per dt, same order as dts
  std::vector<bool> used;      // false where the error is under the floor

  std::string report() const {
    std::ostringstream out;
    out << "empirical order " << order << " from";
    for (std::size_t k = 0; k < dts.size(); ++k)
      out << " (dt " << dts[k] << ", error " << errors[k] << (used[k] ? "" : ", dropped") << ")";
    return out.str();
  }
};

// Builds a solver that takes fixed steps of size dt (control().adaptive == false).
using FixedStepSolverFactory = std::function<std::shared_ptr<const ODESolver>(Scalar dt)>;

// Errors below `floor` are round-off, not truncation, and are left out of the fit.
inline OrderResult empirical_order(const FixedStepSolverFactory& make_solver, const ExactProblem& problem,
                                   const std::vector<double>& dts, double floor = 1e-13) {
  OrderResult result;
  const Matrix exact = problem.solution(problem.t1());
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const double dt : dts) {
    const auto solver = make_solver(dt);
    Matrix y = problem.initial_state();
    integrate(*solver, problem, problem.t0(), problem.t1(), y, {}, nullptr);
    const double error = (y - exact).cwiseAbs().maxCoeff();
    const bool used = error >= floor;
    result.dts.push_back(dt);
    result.errors.push_back(error);
    result.used.push_back(used);
    if (!used) continue;
    const double x = std::log(dt), v = std::log(error);
    n += 1;
    sx += x;
    sy += v;
    sxx += x * x;
    sxy += x * v;
  }
  result.order = n >= 2 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : std::nan("");
  return result;
}

// The embedded method of a pair as a method of its own: b_hat = b - e
// propagated, with no error estimate.
inline ButcherTableau embedded_method(const ButcherTableau& pair) {
  ButcherTableau embedded = pair;
  embedded.b = pair.b - pair.e;
  embedded.e.resize(0);
  embedded.order = pair.error_order;
  embedded.error_order = 0;
  embedded.first_same_as_last = false;
  return embedded;
}

// Fixed step sizes 1/n for n = n0, 5 n0/4, ..., 2 n0 (whole steps over the
// reference problems' intervals), with n0 = 64 up to order 5, halved for each
// order above. On NonlinearRotation every error then lies between ~1e-13 (the
// round-off is ~1e-15) and ~1e-1, where the leading error term dominates; at
// n0 = 16, dopri5's local slopes are still 5.6 and 5.2 (its O(h^6) terms are
// large next to its optimized O(h^5) ones).
inline std::vector<double> asymptotic_step_sizes(int order) {
  const double n0 = std::pow(2.0, 6 - std::max(0, order - 5));
  std::vector<double> dts;
  for (const double fraction : {1.0, 1.25, 1.5, 1.75, 2.0}) dts.push_back(1 / (n0 * fraction));
  return dts;
}

// Re-runs recorded steps (same t0, h, FSAL reuse as the driver) from `y0`: the
// function whose exact derivative integrate_backward computes.
inline Matrix replay(const ODESolver& solver, const OdeSystem& system, const Trajectory& trajectory,
                     const Matrix& y0) {
  Matrix y = y0;
  Matrix y1(y.rows(), y.cols()), error(y.rows(), y.cols());
  Matrix stages(y.rows(), solver.num_stages() * y.cols());
  bool ready = false;
  for (const Trajectory::Step& step : trajectory.steps) {
    solver.step(system, step.t0, step.h, y, stages, ready, y1, error);
    y = y1;
    ready = solver.first_same_as_last();
    if (ready) stages.leftCols(y.cols()) = stages.rightCols(y.cols());
  }
  return y;
}

struct SolveGradientCheck {
  GradientCheckResult initial_state;  // dL/dy0
  GradientCheckResult parameters;     // dL/dtheta
  TaylorResult taylor;                // jointly along a random direction in (y0, theta)
  Trajectory trajectory;              // the recorded solve
};

// L = <w, y(t1)> for a random w through integrate (recording), its gradient from
// integrate_backward, and finite differences of the replayed step sequence.
inline SolveGradientCheck check_solve_gradient(const ODESolver& solver, TanhSystem& system, Scalar t0, Scalar t1,
                                               const Matrix& y0, std::uint64_t seed = 7) {
  SolveGradientCheck check;
  Rng rng(seed);
  Matrix w(y0.rows(), y0.cols());
  rng.fill_normal(w);

  Matrix y = y0;
  integrate(solver, system, t0, t1, y, {}, &check.trajectory);
  Matrix y_bar = w;
  Vector theta_bar = Vector::Zero(system.theta().size());
  integrate_backward(solver, system, check.trajectory, y_bar, theta_bar);

  const Vector theta = system.theta();
  auto loss_of_state = [&](const Vector& flat_y0) {
    return (w.array() * replay(solver, system, check.trajectory, unflatten(flat_y0, y0.rows(), y0.cols())).array())
        .sum();
  };
  auto loss_of_theta = [&](const Vector& flat_theta) {
    system.theta() = flat_theta;
    const double loss = loss_of_state(flatten(y0));
    system.theta() = theta;
    return loss;
  };
  check.initial_state = check_gradient(loss_of_state, flatten(y0), flatten(y_bar));
  check.parameters = check_gradient(loss_of_theta, theta, theta_bar);

  const Index n = y0.size();
  Vector joint(n + theta.size()), gradient(n + theta.size());
  joint << flatten(y0), theta;
  gradient << flatten(y_bar), theta_bar;
  Matrix direction(joint.size(), 1);
  rng.fill_normal(direction);
  auto loss_joint = [&](const Vector& x) {
    system.theta() = x.tail(theta.size());
    const double loss = loss_of_state(x.head(n));
    system.theta() = theta;
    return loss;
  };
  check.taylor = taylor_test(loss_joint, joint, gradient, direction.col(0));
  return check;
}

}  // namespace liouville::testing
