// The explicit Euler method: y1 = y0 + h F(t0, y0), 1 stage, order 1, no error
// estimate, so fixed steps only.
#include <liouville/plugin.hpp>

#include "liouville/registry/tableau_solver.hpp"

namespace liouville {
namespace {

struct ExplicitEuler {
  static constexpr std::string_view kName = "euler";
  static constexpr std::string_view kSummary =
      "Explicit Euler method (order 1): 1 stage, fixed steps only (no error estimate).";

  static ButcherTableau tableau() {
    ButcherTableau t;
    t.c = Vector::Zero(1);
    t.a = Matrix::Zero(1, 1);
    t.b = Vector::Ones(1);
    t.order = 1;
    return t;
  }
};

}  // namespace
}  // namespace liouville

LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<liouville::ExplicitEuler>)
