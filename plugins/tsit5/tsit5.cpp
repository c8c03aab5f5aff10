// Tsitouras' 5(4) pair: 7 stages, first same as last, order 5 with an embedded
// order-4 error estimate. Coefficients from Ch. Tsitouras, "Runge-Kutta pairs of
// order 5(4) satisfying only the first column simplifying assumption", Comput.
// Math. Appl. 62 (2011) 770-775, Table 1. e = b - b_hat is the error row as
// tabulated there (its sign is immaterial to the error norm); the tests check
// that b has order 5 and b - e order 4.
#include <liouville/plugin.hpp>

#include "liouville/registry/tableau_solver.hpp"

namespace liouville {
namespace {

struct Tsitouras5 {
  static constexpr std::string_view kName = "tsit5";
  static constexpr std::string_view kSummary =
      "Tsitouras 5(4) explicit Runge-Kutta pair (2011): 7 stages, FSAL, adaptive or fixed steps.";

  static ButcherTableau tableau() {
    ButcherTableau t;
    t.c.resize(7);
    t.c << 0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1;
    t.a = Matrix::Zero(7, 7);
    t.a(1, 0) = 0.161;
    t.a.row(2).head(2) << -0.008480655492356989, 0.335480655492357;
    t.a.row(3).head(3) << 2.897153057105493, -6.359448489975075, 4.3622954328695815;
    t.a.row(4).head(4) << 5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525;
    t.a.row(5).head(5) << 5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401,
        -0.028269050394068383;
    t.a.row(6).head(6) << 0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081,
        2.324710524099774;
    t.b = t.a.row(6).transpose();
    t.e.resize(7);
    t.e << -0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995, -0.1447110071732629,
        0.5823571654525552, -0.45808210592918697, 1.0 / 66.0;
    t.order = 5;
    t.error_order = 4;
    t.first_same_as_last = true;
    return t;
  }
};

}  // namespace
}  // namespace liouville

LIOUVILLE_REGISTER(liouville::ODESolver, liouville::TableauSolver<liouville::Tsitouras5>)
