#include "liouville/core/butcher_tableau.hpp"

#include <cmath>
#include <cstdint>
#include <sstream>
#include <utility>
#include <vector>

#include "liouville/core/errors.hpp"

namespace liouville {
namespace {

// A work matrix reused across calls on the same thread, so a step allocates
// nothing once the sizes are known. Nested solves (a right-hand side that itself
// integrates) lease different matrices from the pool, which keeps the stepper
// re-entrant.
class Scratch {
 public:
  Scratch() {
    std::vector<Matrix>& spare = pool();
    if (!spare.empty()) {
      matrix_ = std::move(spare.back());
      spare.pop_back();
    }
  }
  ~Scratch() { pool().push_back(std::move(matrix_)); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  Matrix& sized(Index rows, Index cols) {
    matrix_.resize(rows, cols);
    return matrix_;
  }

 private:
  static std::vector<Matrix>& pool() {
    thread_local std::vector<Matrix> spare;
    return spare;
  }
  Matrix matrix_;
};

// The reverse pass keeps one bit per stage (live or not) in a 64-bit mask;
// practical methods have at most a few dozen stages.
constexpr Index kMaxStages = 64;

// out += scale * sum_{j < count} w_j k_j, skipping zero weights.
template <class Out, class Weights, class Stages>
void add_stages(Out& out, Scalar scale, const Weights& w, const Stages& stages, Index count) {
  const Index batch = out.cols();
  for (Index j = 0; j < count; ++j)
    if (w(j) != 0) out.noalias() += (scale * w(j)) * stages.middleCols(j * batch, batch);
}

// Without gaps between columns a batch can be combined as one flat array. A
// strided view with few rows and many columns is processed column by column,
// several times slower, so contiguous arguments are passed on as plain maps.
bool contiguous(ConstMatrixRef m) { return m.outerStride() == m.rows() || m.cols() <= 1; }
Eigen::Map<const Matrix> plain(ConstMatrixRef m) { return {m.data(), m.rows(), m.cols()}; }
Eigen::Map<Matrix> plain(MatrixRef m) { return {m.data(), m.rows(), m.cols()}; }

template <class ConstView, class View>
void run_step(const ButcherTableau& t, const OdeSystem& system, Scalar t0, Scalar h, const ConstView& y0,
              View stages, bool first_stage_ready, View y1, View error) {
  const Index s = t.b.size();
  const Index batch = y0.cols();
  if (!first_stage_ready) system.rhs(t0, y0, stages.leftCols(batch));
  Scratch scratch;
  Matrix& input = scratch.sized(y0.rows(), batch);
  for (Index i = 1; i < s; ++i) {
    input = y0;
    add_stages(input, h, t.a.row(i), stages, i);
    system.rhs(t0 + t.c(i) * h, input, stages.middleCols(i * batch, batch));
  }
  y1 = y0;
  add_stages(y1, h, t.b, stages, s);
  if (t.e.size() != 0) {
    error.setZero();
    add_stages(error, h, t.e, stages, s);
  }
}

// Reverse mode of a step with h fixed. With Y_i = y0 + h sum_{j<i} a_ij k_j,
// k_i = F(t0 + c_i h, Y_i) and y1 = y0 + h sum_i b_i k_i, going backwards:
//   k_bar_i = h b_i y1_bar + h sum_{m>i} a_mi Y_bar_m,   Y_bar_i = J_i^T k_bar_i,
//   y0_bar = y1_bar + sum_i Y_bar_i.
template <class ConstView, class View>
void run_step_backward(const ButcherTableau& t, const OdeSystem& system, Scalar t0, Scalar h, const ConstView& y0,
                       const ConstView& stages, View y_bar, VectorRef theta_bar) {
  const Index s = t.b.size();
  const Index rows = y0.rows();
  const Index batch = y0.cols();

  // A stage with no path to y1 (e.g. the FSAL stage) needs no reverse pass.
  std::uint64_t live = 0;
  auto is_live = [&](Index i) { return ((live >> i) & 1) != 0; };
  for (Index i = s - 1; i >= 0; --i) {
    bool used = t.b(i) != 0;
    for (Index m = i + 1; m < s && !used; ++m) used = is_live(m) && t.a(m, i) != 0;
    if (used) live |= std::uint64_t{1} << i;
  }

  Scratch input_scratch, k_bar_scratch, y_bar_scratch;
  Matrix& input = input_scratch.sized(rows, batch);
  Matrix& k_bar = k_bar_scratch.sized(rows, batch);
  Matrix& stage_y_bar = y_bar_scratch.sized(rows, s * batch);  // Y_bar_i in columns [i*batch, (i+1)*batch)
  auto stage_y_bar_of = [&](Index i) { return stage_y_bar.middleCols(i * batch, batch); };

  for (Index i = s - 1; i >= 0; --i) {
    if (!is_live(i)) continue;
    k_bar.noalias() = (h * t.b(i)) * y_bar;
    for (Index m = i + 1; m < s; ++m)
      if (is_live(m) && t.a(m, i) != 0) k_bar.noalias() += (h * t.a(m, i)) * stage_y_bar_of(m);
    input = y0;
    add_stages(input, h, t.a.row(i), stages, i);
    system.rhs_backward(t0 + t.c(i) * h, input, k_bar, stage_y_bar_of(i), theta_bar);
  }
  for (Index i = 0; i < s; ++i)
    if (is_live(i)) y_bar += stage_y_bar_of(i);
}

std::string tableau_error(const std::string& what) { return "Butcher tableau: " + what; }

void validate(const ButcherTableau& t) {
  const Index s = t.b.size();
  if (s == 0) throw ConfigError(tableau_error("b is empty; a method needs at least one stage"));
  if (s > kMaxStages) throw ConfigError(tableau_error("more than 64 stages are not supported"));
  if (t.a.rows() != s || t.a.cols() != s || t.c.size() != s) {
    std::ostringstream out;
    out << "sizes disagree: b has " << s << " stages but a is " << t.a.rows() << " x " << t.a.cols()
        << " and c has " << t.c.size() << " entries";
    throw ConfigError(tableau_error(out.str()));
  }
  if (t.e.size() != 0 && t.e.size() != s) {
    std::ostringstream out;
    out << "e has " << t.e.size() << " entries; it must be empty or have one per stage (" << s << ")";
    throw ConfigError(tableau_error(out.str()));
  }
  if (!t.a.allFinite() || !t.b.allFinite() || !t.c.allFinite() || !t.e.allFinite())
    throw ConfigError(tableau_error("a coefficient is NaN or infinite"));
  for (Index i = 0; i < s; ++i)
    for (Index j = i; j < s; ++j)
      if (t.a(i, j) != 0) {
        std::ostringstream out;
        out << "a(" << i << ", " << j << ") = " << t.a(i, j)
            << " is on or above the diagonal; an explicit method needs a strictly lower-triangular a";
        throw ConfigError(tableau_error(out.str()));
      }
  if (t.c(0) != 0) throw ConfigError(tableau_error("c(0) must be 0: the first stage is F(t0, y0)"));
  if (t.order < 1) throw ConfigError(tableau_error("order must be at least 1"));
  if ((t.e.size() == 0) != (t.error_order == 0))
    throw ConfigError(tableau_error("error_order must be positive exactly when an embedded method (e) is given"));
  if (t.error_order < 0) throw ConfigError(tableau_error("error_order must not be negative"));
  if (t.first_same_as_last) {
    // The last stage is F(t0 + h, y0 + h sum_j b_j k_j) = F(t1, y1).
    const bool last_row_is_b = (t.a.row(s - 1).transpose() - t.b).cwiseAbs().maxCoeff() <= 1e-14;
    if (s < 2 || t.c(s - 1) != 1 || t.b(s - 1) != 0 || !last_row_is_b)
      throw ConfigError(
          tableau_error("first_same_as_last needs c(s-1) = 1, b(s-1) = 0 and the last row of a equal to b"));
  }
}

void validate(const StepControl& control, const ButcherTableau& tableau) {
  auto fail = [](const std::string& what) { throw ConfigError("step control: " + what); };
  if (!(control.dt >= 0) || !std::isfinite(control.dt)) fail("dt must be finite and >= 0");
  if (!(control.rtol > 0)) fail("rtol must be > 0");
  if (!(control.atol > 0)) fail("atol must be > 0");
  if (!(control.dt_min > 0)) fail("dt_min must be > 0");
  if (control.max_steps < 1) fail("max_steps must be >= 1");
  if (!control.adaptive && control.dt == 0) fail("adaptive: false needs a step size dt > 0");
  if (control.adaptive && tableau.e.size() == 0)
    fail("adaptive stepping needs an embedded error estimate, which this method lacks; use adaptive: false");
}

}  // namespace

ExplicitRungeKutta::ExplicitRungeKutta(ButcherTableau tableau, StepControl control)
    : tableau_(std::move(tableau)), control_(control) {
  validate(tableau_);
  validate(control_, tableau_);
}

ExplicitRungeKutta::~ExplicitRungeKutta() = default;

void ExplicitRungeKutta::step(const OdeSystem& system, Scalar t0, Scalar h, ConstMatrixRef y0, MatrixRef stages,
                              bool first_stage_ready, MatrixRef y1, MatrixRef error) const {
  if (contiguous(y0) && contiguous(stages) && contiguous(y1) && contiguous(error))
    run_step(tableau_, system, t0, h, plain(y0), plain(stages), first_stage_ready, plain(y1), plain(error));
  else
    run_step(tableau_, system, t0, h, y0, stages, first_stage_ready, y1, error);
}

void ExplicitRungeKutta::step_backward(const OdeSystem& system, Scalar t0, Scalar h, ConstMatrixRef y0,
                                       ConstMatrixRef stages, MatrixRef y_bar, VectorRef theta_bar) const {
  if (contiguous(y0) && contiguous(stages) && contiguous(y_bar))
    run_step_backward(tableau_, system, t0, h, plain(y0), plain(stages), plain(y_bar), theta_bar);
  else
    run_step_backward(tableau_, system, t0, h, y0, stages, y_bar, theta_bar);
}

}  // namespace liouville
