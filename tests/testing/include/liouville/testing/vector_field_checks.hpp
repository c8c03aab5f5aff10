// The conformance kit of the VectorField interface: every vector field is run
// through check_vector_field at a few points.
//
//   auto checks = check_vector_field(field, store, t, z, rng);
//   for (const auto& check : checks) CHECK_MESSAGE(check.passed, check.name << ": " << check.report);
//
// At (t, z) with random v, u, a, w (dim x batch) it checks
//   - jvp's f equals evaluate;
//   - J v against central differences of evaluate along v;
//   - adjointness <u, J v> = <J^T u, v> (J^T u from vjp);
//   - vjp: z_bar, theta_bar, t_bar are the gradients of L1 = <u, f(t, z; theta)>;
//   - jvp_backward: z_bar, theta_bar, t_bar are the gradients of
//     L2 = <a, f> + <w, J v> at fixed v;
//   - with a closed-form divergence (has_divergence()): divergence's f equals
//     evaluate, div equals the sum of the JVP diagonal entries (J e_i)_i, and
//     divergence_backward gives the gradients of L3 = <a, f> + <d, div>;
//     without one: divergence and divergence_backward throw NotSupported;
//   - multiply_adds_per_column is positive and finite;
// each gradient with check_gradient (relative error) and taylor_test. The
// reverse modes must overwrite z_bar (it starts as NaN) and accumulate into
// theta_bar (it starts random). The store's values are restored afterwards.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "liouville/core/errors.hpp"
#include "liouville/core/parameters.hpp"
#include "liouville/core/rng.hpp"
#include "liouville/core/types.hpp"
#include "liouville/core/vector_field.hpp"
#include "liouville/testing/gradient_check.hpp"

namespace liouville::testing {

struct VectorFieldCheck {
  std::string name;  // "vjp theta_bar: finite differences"
  bool passed = false;
  std::string report;
};

struct VectorFieldCheckOptions {
  double tolerance = 1e-6;               // relative error of a derivative against finite differences
  double adjoint_tolerance = 1e-10;      // |<u, J v> - <J^T u, v>| relative to the sum of |terms|
  double consistency_tolerance = 1e-12;  // jvp's f against evaluate, relative to max |f|
  double divergence_tolerance = 1e-12;   // div against sum_i (J e_i)_i, relative to max(1, sum_i |(J e_i)_i|)
  double step = 1e-5;                    // finite-difference step, relative to max(1, |x_i|)
  double taylor_h0 = 1e-2;               // first Taylor step along a unit direction
  // Central differences of L resolve a derivative no better than the round-off
  // of L over the step, about noise_factor * eps * (sum of |terms of L|) / step;
  // gradient entries below that level over `tolerance` are compared absolutely
  // (check_gradient's floor).
  double noise_factor = 10;
};

namespace detail {

inline Vector normal_vector(Index size, Rng& rng) {
  Matrix draws(size, 1);
  rng.fill_normal(draws);
  return draws.col(0);
}

inline Vector unit_direction(Index size, Rng& rng) { return normal_vector(size, rng).normalized(); }

// The finite-difference and Taylor checks of one gradient. `scale` is the sum
// of |terms| of the scalar function at x (its round-off level over eps).
inline void check_one_gradient(std::vector<VectorFieldCheck>& checks, const std::string& name,
                               const ScalarFunction& f, const Vector& x, const Vector& gradient,
                               const Vector& direction, double scale, const VectorFieldCheckOptions& options) {
  const double eps = std::numeric_limits<double>::epsilon();
  const double floor = std::max(1e-8, options.noise_factor * eps * scale / (options.step * options.tolerance));
  const GradientCheckResult fd = check_gradient(f, x, gradient, options.step, floor);
  std::ostringstream report_fd;
  report_fd << fd.report() << " (entries below " << floor << " compared absolutely)";
  checks.push_back({name + ": finite differences", fd.max_relative_error <= options.tolerance, report_fd.str()});

  std::string report;
  bool passed = false;
  for (const double h0 : {options.taylor_h0, options.taylor_h0 / 10}) {
    const TaylorResult taylor = taylor_test(f, x, gradient, direction, h0);
    passed = taylor.passes(roundoff(scale));
    std::ostringstream step;
    step << (report.empty() ? "" : "; ") << "h0 " << h0 << ": " << taylor.report();
    report += step.str();
    if (passed) break;
  }
  checks.push_back({name + ": Taylor test", passed, report});
}

// The gradient checks of a scalar function L(t, z, theta) in each of z, theta
// and t, given its analytic gradients.
struct ScalarObjective {
  std::function<double(Scalar, const Matrix&)> value;  // at the store's current theta
  std::function<double(Scalar, const Matrix&)> scale;  // sum of |terms|
};

inline void check_all_gradients(std::vector<VectorFieldCheck>& checks, const std::string& prefix,
                                const ScalarObjective& objective, ParameterStore& store, Scalar t, const Matrix& z,
                                const Matrix& z_bar, const Vector& theta_bar, Scalar t_bar, Rng& rng,
                                const VectorFieldCheckOptions& options) {
  const Vector theta = store.values();
  const double scale = objective.scale(t, z);

  const ScalarFunction of_z = [&](const Vector& x) {
    return objective.value(t, unflatten(x, z.rows(), z.cols()));
  };
  check_one_gradient(checks, prefix + " z_bar", of_z, flatten(z), flatten(z_bar), unit_direction(z.size(), rng),
                     scale, options);

  const ScalarFunction of_theta = [&](const Vector& x) {
    store.values() = x;
    const double value = objective.value(t, z);
    store.values() = theta;
    return value;
  };
  check_one_gradient(checks, prefix + " theta_bar", of_theta, theta, theta_bar, unit_direction(theta.size(), rng),
                     scale, options);

  const ScalarFunction of_t = [&](const Vector& x) { return objective.value(x[0], z); };
  check_one_gradient(checks, prefix + " t_bar", of_t, Vector::Constant(1, t), Vector::Constant(1, t_bar),
                     Vector::Ones(1), scale, options);
}

// The divergence checks of a field with has_divergence(); see the header comment.
inline void check_divergence(std::vector<VectorFieldCheck>& checks, const VectorField& field,
                             ParameterStore& store, Scalar t, const Matrix& z, const Matrix& f_evaluate, Rng& rng,
                             const VectorFieldCheckOptions& options) {
  const Index dim = z.rows();
  const Index batch = z.cols();
  const auto divergence = [&](Scalar time, const Matrix& at, Matrix& f) {
    Vector div(batch);
    field.divergence(time, at, f, div);
    return div;
  };
  Matrix f(dim, batch);
  const Vector div = divergence(t, z, f);
  {
    const double error = (f - f_evaluate).cwiseAbs().maxCoeff();
    const double size = std::max(1.0, f_evaluate.cwiseAbs().maxCoeff());
    std::ostringstream report;
    report << "max |f_divergence - f_evaluate| = " << error << " (max |f| " << size << ")";
    checks.push_back(
        {"divergence f equals evaluate", error <= options.consistency_tolerance * size, report.str()});
  }
  {
    Vector trace = Vector::Zero(batch);
    Vector magnitude = Vector::Zero(batch);
    Matrix unit = Matrix::Zero(dim, batch), f_jvp(dim, batch), jv(dim, batch);
    for (Index i = 0; i < dim; ++i) {
      unit.row(i).setOnes();
      field.jvp(t, z, unit, f_jvp, jv);
      trace += jv.row(i).transpose();
      magnitude += jv.row(i).cwiseAbs().transpose();
      unit.row(i).setZero();
    }
    const Vector error = (div - trace).cwiseAbs().cwiseQuotient(magnitude.cwiseMax(1.0));
    std::ostringstream report;
    report << "max |div - sum_i (J e_i)_i| / max(1, sum_i |(J e_i)_i|) = " << error.maxCoeff();
    checks.push_back({"divergence equals the JVP diagonal sum", error.maxCoeff() <= options.divergence_tolerance,
                      report.str()});
  }

  // divergence_backward: the gradient of L3 = <a, f> + <d, div>.
  Matrix a(dim, batch);
  Vector d = normal_vector(batch, rng);
  rng.fill_normal(a);
  const auto terms = [&](Scalar time, const Matrix& at) {
    Matrix f_at(dim, batch);
    const Vector div_at = divergence(time, at, f_at);
    Matrix all(dim + 1, batch);
    all << a.cwiseProduct(f_at), d.cwiseProduct(div_at).transpose();
    return all;
  };
  Matrix z_bar = Matrix::Constant(dim, batch, std::numeric_limits<double>::quiet_NaN());
  const Vector theta_start = normal_vector(store.size(), rng);
  Vector theta_bar = theta_start;
  const Scalar t_bar = field.divergence_backward(t, z, a, d, z_bar, theta_bar);
  const ScalarObjective third{[&](Scalar time, const Matrix& at) { return terms(time, at).sum(); },
                              [&](Scalar time, const Matrix& at) { return terms(time, at).cwiseAbs().sum(); }};
  check_all_gradients(checks, "divergence_backward", third, store, t, z, z_bar, theta_bar - theta_start, t_bar,
                      rng, options);
}

// A field without a closed-form divergence must say so by throwing NotSupported.
inline void check_no_divergence(std::vector<VectorFieldCheck>& checks, const VectorField& field, const Matrix& z) {
  Matrix f(z.rows(), z.cols()), z_bar(z.rows(), z.cols());
  Vector div(z.cols()), theta_bar;
  const auto throws_not_supported = [](const auto& call) {
    try {
      call();
    } catch (const NotSupported&) {
      return true;
    } catch (...) {
      return false;
    }
    return false;
  };
  checks.push_back({"divergence throws NotSupported without has_divergence()",
                    throws_not_supported([&] { field.divergence(0.0, z, f, div); }), "has_divergence() is false"});
  checks.push_back({"divergence_backward throws NotSupported without has_divergence()",
                    throws_not_supported([&] { field.divergence_backward(0.0, z, f, div, z_bar, theta_bar); }),
                    "has_divergence() is false"});
}

}  // namespace detail

inline std::vector<VectorFieldCheck> check_vector_field(const VectorField& field, ParameterStore& store, Scalar t,
                                                        const Matrix& z, Rng& rng,
                                                        const VectorFieldCheckOptions& options = {}) {
  std::vector<VectorFieldCheck> checks;
  const Index dim = z.rows();
  const Index batch = z.cols();
  const Vector theta = store.values();
  Matrix v(dim, batch), u(dim, batch), a(dim, batch), w(dim, batch);
  rng.fill_normal(v);
  rng.fill_normal(u);
  rng.fill_normal(a);
  rng.fill_normal(w);

  const auto evaluate = [&](Scalar time, const Matrix& at) {
    Matrix f(dim, batch);
    field.evaluate(time, at, f);
    return f;
  };
  Matrix f(dim, batch), jv(dim, batch);
  field.jvp(t, z, v, f, jv);
  const Matrix f_evaluate = evaluate(t, z);

  {
    const double error = (f - f_evaluate).cwiseAbs().maxCoeff();
    const double size = std::max(1.0, f_evaluate.cwiseAbs().maxCoeff());
    std::ostringstream report;
    report << "max |f_jvp - f_evaluate| = " << error << " (max |f| " << size << ")";
    checks.push_back({"jvp f equals evaluate", error <= options.consistency_tolerance * size, report.str()});
  }
  {
    const double h = options.step * std::max(1.0, z.cwiseAbs().maxCoeff());
    const Matrix numeric = (evaluate(t, z + h * v) - evaluate(t, z - h * v)) / (2 * h);
    const double error = (jv - numeric).cwiseAbs().maxCoeff();
    const double size = std::max(jv.cwiseAbs().maxCoeff(), 1e-8);
    std::ostringstream report;
    report << "max |Jv - finite difference| = " << error << ", max |Jv| = " << size;
    checks.push_back({"jvp Jv: finite differences", error <= options.tolerance * size, report.str()});
  }

  // vjp: the gradient of L1 = <u, f>.
  Matrix z_bar = Matrix::Constant(dim, batch, std::numeric_limits<double>::quiet_NaN());
  const Vector theta_start = detail::normal_vector(theta.size(), rng);
  Vector theta_bar = theta_start;
  const Scalar t_bar = field.vjp(t, z, u, z_bar, theta_bar);
  {
    const double lhs = u.cwiseProduct(jv).sum();
    const double rhs = z_bar.cwiseProduct(v).sum();
    const double size = u.cwiseProduct(jv).cwiseAbs().sum() + z_bar.cwiseProduct(v).cwiseAbs().sum();
    const double error = std::abs(lhs - rhs) / std::max(size, 1e-300);
    std::ostringstream report;
    report << "<u, Jv> = " << lhs << ", <J^T u, v> = " << rhs << ", relative difference " << error;
    checks.push_back({"adjointness of jvp and vjp", error <= options.adjoint_tolerance, report.str()});
  }
  const detail::ScalarObjective first{
      [&](Scalar time, const Matrix& at) { return u.cwiseProduct(evaluate(time, at)).sum(); },
      [&](Scalar time, const Matrix& at) { return u.cwiseProduct(evaluate(time, at)).cwiseAbs().sum(); }};
  detail::check_all_gradients(checks, "vjp", first, store, t, z, z_bar, theta_bar - theta_start, t_bar, rng,
                              options);

  // jvp_backward: the gradient of L2 = <a, f> + <w, J v> at fixed v.
  const auto jvp_terms = [&](Scalar time, const Matrix& at) {
    Matrix f_at(dim, batch), jv_at(dim, batch);
    field.jvp(time, at, v, f_at, jv_at);
    Matrix terms(dim, 2 * batch);
    terms << a.cwiseProduct(f_at), w.cwiseProduct(jv_at);
    return terms;
  };
  z_bar.setConstant(std::numeric_limits<double>::quiet_NaN());
  theta_bar = theta_start;
  const Scalar t_bar_second = field.jvp_backward(t, z, v, a, w, z_bar, theta_bar);
  const detail::ScalarObjective second{
      [&](Scalar time, const Matrix& at) { return jvp_terms(time, at).sum(); },
      [&](Scalar time, const Matrix& at) { return jvp_terms(time, at).cwiseAbs().sum(); }};
  detail::check_all_gradients(checks, "jvp_backward", second, store, t, z, z_bar, theta_bar - theta_start,
                              t_bar_second, rng, options);

  {
    const double cost = field.multiply_adds_per_column();
    std::ostringstream report;
    report << "multiply_adds_per_column() = " << cost;
    checks.push_back(
        {"multiply_adds_per_column is positive and finite", std::isfinite(cost) && cost > 0, report.str()});
  }

  if (field.has_divergence())
    detail::check_divergence(checks, field, store, t, z, f_evaluate, rng, options);
  else
    detail::check_no_divergence(checks, field, z);

  store.values() = theta;
  return checks;
}

}  // namespace liouville::testing
