// Heun's method (the explicit trapezoidal rule, order 2) with explicit Euler
// (order 1) embedded: 2 stages, y1 = y0 + h (k1 + k2) / 2 and the error
// estimate h (k2 - k1) / 2 (Heun 1900; Hairer, Norsett and Wanner, Solving ODEs I, II.1).
#include <liouville/plugin.hpp>

#include "liouville/registry/tableau_solver.hpp"

namespace liouville {
namespace {

struct HeunEuler {
  static constexpr std::string_view kName = "heun";
  static constexpr std::string_view kSummary =
      "Heun's method (order 2) with embedded Euler (order 1): 2 stages, adaptive or fixed steps.";

  static ButcherTableau tableau() {
    ButcherTableau t;
    t.c = (Vector(2) << 0, 1).finished();
    t.a = Matrix::Zero(2, 2);
    t.a(1, 0) = 1;
    t.b = (Vector(2) << 1.0 / 2, 1.0 / 2).finished();
    const Vector b_hat = (Vector(2) << 1, 0).finished();
    t.e = t.b - b_hat;
    t.order = 2;
    t.error_order = 1;
    return t;
  }
};

}  // namespace
}  // namespace liouville

LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<liouville::HeunEuler>)
