// The Dormand-Prince 5(4) pair: 7 stages, first same as last, order 5 with an
// embedded order-4 error estimate (local extrapolation: the order-5 solution is
// propagated). Coefficients from J. R. Dormand and P. J. Prince, "A family of
// embedded Runge-Kutta formulae", J. Comput. Appl. Math. 6 (1980) 19-26, as
// tabulated in Hairer, Norsett and Wanner, Solving ODEs I, II.5, Table 5.2.
#include <liouville/plugin.hpp>

#include "liouville/registry/tableau_solver.hpp"

namespace liouville {
namespace {

struct DormandPrince5 {
  static constexpr std::string_view kName = "dopri5";
  static constexpr std::string_view kSummary =
      "Dormand-Prince 5(4) explicit Runge-Kutta pair (1980): 7 stages, FSAL, adaptive or fixed steps.";

  static ButcherTableau tableau() {
    ButcherTableau t;
    t.c.resize(7);
    t.c << 0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1;
    t.a = Matrix::Zero(7, 7);
    t.a(1, 0) = 1.0 / 5;
    t.a.row(2).head(2) << 3.0 / 40, 9.0 / 40;
    t.a.row(3).head(3) << 44.0 / 45, -56.0 / 15, 32.0 / 9;
    t.a.row(4).head(4) << 19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729;
    t.a.row(5).head(5) << 9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656;
    t.a.row(6).head(6) << 35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84;
    t.b = t.a.row(6).transpose();
    Vector b_hat(7);
    b_hat << 5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40;
    t.e = t.b - b_hat;
    t.order = 5;
    t.error_order = 4;
    t.first_same_as_last = true;
    return t;
  }
};

}  // namespace
}  // namespace liouville

LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<liouville::DormandPrince5>)
