// The shared gradient-check helper: every hand-written derivative in Liouville is
// checked with it, in double precision.
//
//   check_gradient   central finite differences of a scalar function, entry by
//                    entry, against the analytic gradient; reports the worst
//                    relative error |a - n| / max(|a|, |n|, floor) and where.
//   taylor_test      along a direction d, e1(h) = |f(x+hd) - f(x)| must decay as
//                    O(h) and e2(h) = |f(x+hd) - f(x) - h <d, g>| as O(h^2): as h
//                    halves, the ratios approach 2 and 4 (InvertibleNetworks.jl).
//                    TaylorResult::passes(noise) is the one verdict of the kit.
//
// Vector-valued maps are checked through a scalar projection L(x) = <w, F(x)>
// with a random w, whose gradient is the reverse mode applied to w.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::testing {

using ScalarFunction = std::function<double(const Vector&)>;

struct GradientCheckResult {
  double max_relative_error = 0;
  Index worst_index = -1;
  double analytic = 0;  // at worst_index
  double numeric = 0;   // at worst_index
  std::string report() const {
    std::ostringstream out;
    out << "max relative error " << max_relative_error << " at index " << worst_index << " (analytic " << analytic
        << ", finite difference " << numeric << ")";
    return out.str();
  }
};

// Central differences with step h_i = step * max(1, |x_i|). `floor` keeps the
// relative error meaningful where both derivatives are ~0.
inline GradientCheckResult check_gradient(const ScalarFunction& f, const Vector& x, const Vector& analytic,
                                          double step = 1e-6, double floor = 1e-8) {
  GradientCheckResult result;
  Vector probe = x;
  for (Index i = 0; i < x.size(); ++i) {
    const double h = step * std::max(1.0, std::abs(x[i]));
    probe[i] = x[i] + h;
    const double up = f(probe);
    probe[i] = x[i] - h;
    const double down = f(probe);
    probe[i] = x[i];
    const double numeric = (up - down) / (2 * h);
    const double scale = std::max({std::abs(analytic[i]), std::abs(numeric), floor});
    const double error = std::abs(analytic[i] - numeric) / scale;
    if (!(error <= result.max_relative_error)) {  // also catches NaN
      result.max_relative_error = error;
      result.worst_index = i;
      result.analytic = analytic[i];
      result.numeric = numeric;
    }
  }
  return result;
}

// The round-off of a sum whose terms add up to `scale` in absolute value:
// 1e3 ulps of it (of 1 at least), room for the rounding of long chains.
inline double roundoff(double scale) {
  return 1e3 * std::numeric_limits<double>::epsilon() * std::max(scale, 1.0);
}

struct TaylorResult {
  double slope = 0;  // <d, g>
  std::vector<double> first_order_errors;
  std::vector<double> second_order_errors;
  // ratios[k] = errors[k] / errors[k+1]
  std::vector<double> first_order_ratios;
  std::vector<double> second_order_ratios;

  // `noise` bounds the absolute round-off of f near x. When every second-order
  // error is within it, f is affine (or constant) along d to round-off and the
  // ratios are noise: then h <d, g> predicting each step f(x + hd) - f(x) to
  // within `noise` is the test (a slope off by more than noise / h0 fails).
  // Otherwise the median ratios must be within 0.2 of 2 and 0.4 of 4.
  bool passes(double noise = 0) const {
    if (!second_order_errors.empty() &&
        std::all_of(second_order_errors.begin(), second_order_errors.end(), [&](double e) { return e <= noise; }))
      return true;
    return near(first_order_ratios, 2.0, 0.2) && near(second_order_ratios, 4.0, 0.4);
  }
  std::string report() const {
    std::ostringstream out;
    out << "slope " << slope << "; first-order ratios";
    for (double r : first_order_ratios) out << ' ' << r;
    out << "; second-order errors";
    for (double e : second_order_errors) out << ' ' << e;
    out << " (ratios";
    for (double r : second_order_ratios) out << ' ' << r;
    out << ')';
    return out.str();
  }

 private:
  static bool near(std::vector<double> ratios, double target, double tolerance) {
    if (ratios.empty()) return false;
    std::sort(ratios.begin(), ratios.end());
    return std::abs(ratios[ratios.size() / 2] - target) <= tolerance;
  }
};

// Taylor test along `direction` starting at step h0, halving `halvings` times.
// Choose h0 so that the second-order error stays well above round-off
// (about 1e-10 * |f|) at the smallest step.
inline TaylorResult taylor_test(const ScalarFunction& f, const Vector& x, const Vector& gradient,
                                const Vector& direction, double h0 = 1e-2, int halvings = 5) {
  TaylorResult result;
  const double f0 = f(x);
  result.slope = gradient.dot(direction);
  double h = h0;
  for (int k = 0; k <= halvings; ++k, h /= 2) {
    const double fh = f(x + h * direction);
    result.first_order_errors.push_back(std::abs(fh - f0));
    result.second_order_errors.push_back(std::abs(fh - f0 - h * result.slope));
  }
  for (int k = 0; k < halvings; ++k) {
    result.first_order_ratios.push_back(result.first_order_errors[k] / result.first_order_errors[k + 1]);
    result.second_order_ratios.push_back(result.second_order_errors[k] / result.second_order_errors[k + 1]);
  }
  return result;
}

// Flattens a matrix column-major (the layout of every batch in Liouville).
inline Vector flatten(const Matrix& m) { return Eigen::Map<const Vector>(m.data(), m.size()); }
inline Matrix unflatten(const Vector& v, Index rows, Index cols) {
  return Eigen::Map<const Matrix>(v.data(), rows, cols);
}

}  // namespace liouville::testing
