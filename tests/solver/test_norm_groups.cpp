// IntegrateOptions::norm_group_ends: the error norm as the largest of the groups'
// RMS norms, so rows that carry no error do not dilute the control of the others.
#include <doctest/doctest.h>

#include <cmath>

#include "liouville/core/errors.hpp"
#include "liouville/core/integrate.hpp"
#include "solver_fixtures.hpp"

namespace liouville::testing {
namespace {

// Row 0: y' = cos(5 t) y (needs control); rows 1 .. constant_rows: y' = 0 (no error).
class OneLiveRow final : public OdeSystem {
 public:
  explicit OneLiveRow(Index constant_rows) : rows_(1 + constant_rows) {}
  Index rows() const override { return rows_; }
  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override {
    dy.setZero();
    dy.row(0) = std::cos(5 * t) * y.row(0);
  }
  void rhs_backward(Scalar t, ConstMatrixRef, ConstMatrixRef dy_bar, MatrixRef y_bar, VectorRef) const override {
    y_bar.setZero();
    y_bar.row(0) = std::cos(5 * t) * dy_bar.row(0);
  }

 private:
  Index rows_;
};

struct Solve {
  SolveStats stats;
  Matrix y;
};

Solve solve(const OdeSystem& system, const IntegrateOptions& options) {
  const auto solver = make_tsit5(tolerances(1e-8, 1e-8));
  Solve result{{}, Matrix::Ones(system.rows(), 3)};
  result.stats = integrate(*solver, system, 0, 4, result.y, options, nullptr);
  return result;
}

}  // namespace

TEST_CASE("a group without error leaves the step sequence of the other group alone") {
  const OneLiveRow system(99);
  IntegrateOptions live_row_only;
  live_row_only.controlled_rows = 1;
  IntegrateOptions grouped;
  grouped.norm_group_ends = {1, 100};
  const Solve reference = solve(system, live_row_only);
  const Solve mixed = solve(system, grouped);
  const Solve flat = solve(system, {});
  INFO("accepted steps: row 0 alone " << reference.stats.accepted_steps << ", groups "
                                      << mixed.stats.accepted_steps << ", flat " << flat.stats.accepted_steps);
  CHECK(mixed.stats.accepted_steps == reference.stats.accepted_steps);
  CHECK(mixed.stats.rejected_steps == reference.stats.rejected_steps);
  CHECK(mixed.y == reference.y);
  // One RMS over 100 rows divides row 0's error by 10: fewer steps, less accuracy.
  CHECK(flat.stats.accepted_steps < reference.stats.accepted_steps);
}

TEST_CASE("norm_group_ends must increase to controlled_rows") {
  const OneLiveRow system(3);
  Matrix y = Matrix::Ones(4, 2);
  const auto solver = make_tsit5(StepControl{});
  IntegrateOptions options;
  for (const std::vector<Index>& bad : {std::vector<Index>{0, 4}, {2, 2, 4}, {3, 2}, {1, 3}}) {
    options.norm_group_ends = bad;
    CHECK_THROWS_WITH_AS(integrate(*solver, system, 0, 1, y, options, nullptr),
                         doctest::Contains("norm_group_ends"), ConfigError);
  }
  options.norm_group_ends = {1, 4};
  CHECK_NOTHROW(integrate(*solver, system, 0, 1, y, options, nullptr));
}

}  // namespace liouville::testing
