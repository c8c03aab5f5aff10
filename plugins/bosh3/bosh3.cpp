// The Bogacki-Shampine 3(2) pair: 4 stages, first same as last, order 3 with an
// embedded order-2 error estimate. Coefficients from P. Bogacki and L. F.
// Shampine, "A 3(2) pair of Runge-Kutta formulas", Appl. Math. Lett. 2 (1989)
// 321-325.
#include <liouville/plugin.hpp>

#include "liouville/registry/tableau_solver.hpp"

namespace liouville {
namespace {

struct BogackiShampine3 {
  static constexpr std::string_view kName = "bosh3";
  static constexpr std::string_view kSummary =
      "Bogacki-Shampine 3(2) explicit Runge-Kutta pair (1989): 4 stages, FSAL, adaptive or fixed steps.";

  static ButcherTableau tableau() {
    ButcherTableau t;
    t.c = (Vector(4) << 0, 1.0 / 2, 3.0 / 4, 1).finished();
    t.a = Matrix::Zero(4, 4);
    t.a(1, 0) = 1.0 / 2;
    t.a.row(2).head(2) << 0, 3.0 / 4;
    t.a.row(3).head(3) << 2.0 / 9, 1.0 / 3, 4.0 / 9;
    t.b = t.a.row(3).transpose();
    const Vector b_hat = (Vector(4) << 7.0 / 24, 1.0 / 4, 1.0 / 3, 1.0 / 8).finished();
    t.e = t.b - b_hat;
    t.order = 3;
    t.error_order = 2;
    t.first_same_as_last = true;
    return t;
  }
};

}  // namespace
}  // namespace liouville

LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<liouville::BogackiShampine3>)
