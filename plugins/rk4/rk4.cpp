// The classical fourth-order Runge-Kutta method (Kutta 1901): 4 stages, no
// embedded error estimate, so fixed steps only (Hairer, Norsett and Wanner,
// Solving ODEs I, II.1).
#include <liouville/plugin.hpp>

#include "liouville/registry/tableau_solver.hpp"

namespace liouville {
namespace {

struct ClassicalRungeKutta4 {
  static constexpr std::string_view kName = "rk4";
  static constexpr std::string_view kSummary =
      "Classical fourth-order Runge-Kutta method: 4 stages, fixed steps only (no error estimate).";

  static ButcherTableau tableau() {
    ButcherTableau t;
    t.c = (Vector(4) << 0, 1.0 / 2, 1.0 / 2, 1).finished();
    t.a = Matrix::Zero(4, 4);
    t.a(1, 0) = 1.0 / 2;
    t.a(2, 1) = 1.0 / 2;
    t.a(3, 2) = 1;
    t.b = (Vector(4) << 1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6).finished();
    t.order = 4;
    return t;
  }
};

}  // namespace
}  // namespace liouville

LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<liouville::ClassicalRungeKutta4>)
