// The conformance kit for a Bijection: the checks every bijection is run through.
//
//   check_inverse          inverse(forward(x)) ~ x, and the inverse logdet at
//                          z = forward(x) is minus the forward logdet at x;
//                          a NotSupported inverse is reported, not failed.
//   check_forward_logdet   forward's logdet against log|det| of the Jacobian of
//                          forward built column by column with central differences.
//   check_backward         backward's x_bar and theta_bar against check_gradient of
//                          L = <a, z(x)> + <b, logdet(x)> (random a, b), and Taylor
//                          tests in x and in theta (theta perturbed through the
//                          parameter store) judged at the round-off of L.
//                          With penalty_weight w != 0, L also has w times the
//                          regularization penalty the forward pass puts on its
//                          tape (Tape::penalty), and backward gets penalty_bar = w.
//
// Every evaluation uses a copy of the same `noise` generator, so a stochastic
// bijection (Hutchinson probes) is checked as one fixed function. Each check
// returns its numbers and a report(); the caller asserts on them.
#pragma once

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "liouville/core/bijection.hpp"
#include "liouville/core/errors.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/testing/gradient_check.hpp"

namespace liouville::testing {

struct InverseCheck {
  bool supported = true;        // false when inverse threw NotSupported
  double max_abs_error = 0;     // max |inverse(forward(x)) - x|
  double max_logdet_error = 0;  // max |logdet_inverse(z) + logdet_forward(x)|
  std::string report() const {
    if (!supported) return "inverse not supported";
    std::ostringstream out;
    out << "round trip max abs error " << max_abs_error << ", inverse logdet + forward logdet max abs "
        << max_logdet_error;
    return out.str();
  }
};

inline InverseCheck check_inverse(const Bijection& bijection, const Matrix& x, const Rng& noise) {
  InverseCheck result;
  Matrix z(x.rows(), x.cols());
  Vector forward_logdet(x.cols());
  Rng forward_noise = noise;
  bijection.forward(x, z, forward_logdet, forward_noise, nullptr);
  Matrix back(x.rows(), x.cols());
  Vector inverse_logdet(x.cols());
  Rng inverse_noise = noise;
  try {
    bijection.inverse(z, back, inverse_logdet, inverse_noise);
  } catch (const NotSupported&) {
    result.supported = false;
    return result;
  }
  result.max_abs_error = (back - x).cwiseAbs().maxCoeff();
  result.max_logdet_error = (inverse_logdet + forward_logdet).cwiseAbs().maxCoeff();
  return result;
}

struct LogdetCheck {
  double max_abs_error = 0;  // max |logdet - log|det J_fd||
  Index worst_sample = -1;
  double logdet = 0;       // at worst_sample
  double brute_force = 0;  // at worst_sample
  std::string report() const {
    std::ostringstream out;
    out << "logdet max abs error " << max_abs_error << " at sample " << worst_sample << " (forward " << logdet
        << ", finite-difference Jacobian " << brute_force << ")";
    return out.str();
  }
};

// One forward call over all 2 * dim * batch perturbed columns builds every
// sample's Jacobian. Limited to dim <= 16.
inline LogdetCheck check_forward_logdet(const Bijection& bijection, const Matrix& x, const Rng& noise,
                                        double step = 1e-5) {
  const Index dim = x.rows();
  const Index batch = x.cols();
  if (dim > 16)
    throw NotSupported("check_forward_logdet builds Jacobians by brute force; dimension " + std::to_string(dim) +
                       " > 16");
  Matrix z(dim, batch);
  Vector logdet(batch);
  Rng forward_noise = noise;
  bijection.forward(x, z, logdet, forward_noise, nullptr);

  // Column (2 * (j * dim + i) + s) holds sample j with coordinate i moved by +h (s = 0) or -h (s = 1).
  Matrix perturbed(dim, 2 * dim * batch);
  Vector steps(dim * batch);
  for (Index j = 0; j < batch; ++j)
    for (Index i = 0; i < dim; ++i) {
      const Index k = j * dim + i;
      steps[k] = step * std::max(1.0, std::abs(x(i, j)));
      perturbed.col(2 * k) = x.col(j);
      perturbed.col(2 * k + 1) = x.col(j);
      perturbed(i, 2 * k) += steps[k];
      perturbed(i, 2 * k + 1) -= steps[k];
    }
  Matrix images(dim, perturbed.cols());
  Vector ignored(perturbed.cols());
  Rng perturbed_noise = noise;
  bijection.forward(perturbed, images, ignored, perturbed_noise, nullptr);

  LogdetCheck result;
  Matrix jacobian(dim, dim);
  for (Index j = 0; j < batch; ++j) {
    for (Index i = 0; i < dim; ++i) {
      const Index k = j * dim + i;
      jacobian.col(i) = (images.col(2 * k) - images.col(2 * k + 1)) / (2 * steps[k]);
    }
    const Eigen::PartialPivLU<Matrix> lu(jacobian);
    const double brute_force = lu.matrixLU().diagonal().cwiseAbs().array().log().sum();
    const double error = std::abs(logdet[j] - brute_force);
    if (!(error <= result.max_abs_error)) {  // also catches NaN
      result.max_abs_error = error;
      result.worst_sample = j;
      result.logdet = logdet[j];
      result.brute_force = brute_force;
    }
  }
  return result;
}

struct BijectionCheckOptions {
  // check_gradient's relative step: with the rounding noise of an ODE solve
  // (~1e-15 |L|), 1e-5 balances it against the O(h^2) truncation error.
  double gradient_step = 1e-5;
  double gradient_floor = 1e-8;  // check_gradient's floor: smaller entries are compared absolutely
  double taylor_step = 1e-2;     // first step of the Taylor tests
  int taylor_halvings = 5;
  std::uint64_t seed = 20240917;  // the cotangents a, b and the Taylor directions
  double penalty_weight = 0;      // w: L gains w * Tape::penalty
};

struct BackwardCheck {
  GradientCheckResult x_gradient;
  GradientCheckResult theta_gradient;  // empty (worst_index -1) without parameters
  TaylorResult x_taylor;
  TaylorResult theta_taylor;  // empty without parameters
  bool has_parameters = false;
  double loss = 0;
  double noise = 0;  // the round-off of L, for the Taylor verdicts

  bool passes(double tolerance = 1e-6) const {
    return x_gradient.max_relative_error <= tolerance && x_taylor.passes(noise) &&
           (!has_parameters || (theta_gradient.max_relative_error <= tolerance && theta_taylor.passes(noise)));
  }
  std::string report() const {
    std::ostringstream out;
    out << "L = " << loss << "; x_bar: " << x_gradient.report() << "; Taylor in x: " << x_taylor.report();
    if (has_parameters)
      out << "; theta_bar: " << theta_gradient.report() << "; Taylor in theta: " << theta_taylor.report();
    return out.str();
  }
};

// L = <a, z(x)> + <b, logdet(x)> and its gradient by `backward`, in x and in the
// store's flat parameter vector (restored on exit).
inline BackwardCheck check_backward(const Bijection& bijection, ParameterStore& store, const Matrix& x,
                                    const Rng& noise, const BijectionCheckOptions& options = {}) {
  const Index dim = x.rows();
  const Index batch = x.cols();
  Rng draws(options.seed);
  Matrix a(dim, batch);
  Vector b(batch);
  draws.fill_normal(a);
  draws.fill_normal(b);

  const double w = options.penalty_weight;
  const auto loss = [&](const Matrix& at) {
    Matrix z(dim, batch);
    Vector logdet(batch);
    Rng copy = noise;
    std::unique_ptr<Tape> tape;
    bijection.forward(at, z, logdet, copy, w != 0 ? &tape : nullptr);
    return a.cwiseProduct(z).sum() + b.dot(logdet) + (tape ? w * tape->penalty : 0.0);
  };

  Matrix z(dim, batch);
  Vector logdet(batch);
  std::unique_ptr<Tape> tape;
  Rng copy = noise;
  bijection.forward(x, z, logdet, copy, &tape);
  Matrix x_bar(dim, batch);
  Vector theta_bar = Vector::Zero(store.size());
  const double penalty = tape ? w * tape->penalty : 0.0;
  if (tape) tape->penalty_bar = w;
  bijection.backward(tape.get(), x, z, a, b, x_bar, theta_bar);

  BackwardCheck result;
  result.loss = a.cwiseProduct(z).sum() + b.dot(logdet) + penalty;
  result.noise =
      roundoff(a.cwiseProduct(z).cwiseAbs().sum() + b.cwiseProduct(logdet).cwiseAbs().sum() + std::abs(penalty));
  const ScalarFunction loss_in_x = [&](const Vector& flat) { return loss(unflatten(flat, dim, batch)); };
  result.x_gradient =
      check_gradient(loss_in_x, flatten(x), flatten(x_bar), options.gradient_step, options.gradient_floor);
  Matrix x_direction(dim, batch);
  draws.fill_normal(x_direction);
  result.x_taylor = taylor_test(loss_in_x, flatten(x), flatten(x_bar), flatten(x_direction), options.taylor_step,
                                options.taylor_halvings);

  result.has_parameters = store.size() > 0;
  if (result.has_parameters) {
    // Puts the parameters back even when a perturbed forward throws.
    struct Restore {
      ParameterStore& store;
      const Vector theta;
      ~Restore() { store.values() = theta; }
    } restore{store, store.values()};
    const Vector& theta = restore.theta;
    const ScalarFunction loss_in_theta = [&](const Vector& at) {
      store.values() = at;
      return loss(x);
    };
    result.theta_gradient =
        check_gradient(loss_in_theta, theta, theta_bar, options.gradient_step, options.gradient_floor);
    Vector theta_direction(theta.size());
    draws.fill_normal(theta_direction);
    result.theta_taylor = taylor_test(loss_in_theta, theta, theta_bar, theta_direction, options.taylor_step,
                                      options.taylor_halvings);
  }
  return result;
}

}  // namespace liouville::testing
