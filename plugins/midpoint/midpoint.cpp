// The explicit midpoint rule (Runge 1895): y1 = y0 + h F(t0 + h/2, y0 + h/2
// F(t0, y0)), 2 stages, order 2, no embedded error estimate, so fixed steps
// only (Hairer, Norsett and Wanner, Solving ODEs I, II.1).
#include <liouville/plugin.hpp>

#include "liouville/registry/tableau_solver.hpp"

namespace liouville {
namespace {

struct ExplicitMidpoint {
  static constexpr std::string_view kName = "midpoint";
  static constexpr std::string_view kSummary =
      "Explicit midpoint rule (order 2): 2 stages, fixed steps only (no error estimate).";

  static ButcherTableau tableau() {
    ButcherTableau t;
    t.c = (Vector(2) << 0, 1.0 / 2).finished();
    t.a = Matrix::Zero(2, 2);
    t.a(1, 0) = 1.0 / 2;
    t.b = (Vector(2) << 0, 1).finished();
    t.order = 2;
    return t;
  }
};

}  // namespace
}  // namespace liouville

LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<liouville::ExplicitMidpoint>)
