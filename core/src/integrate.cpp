#include "liouville/core/integrate.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>

#include "liouville/core/errors.hpp"
#include "liouville/core/solve_counters.hpp"

namespace liouville {
namespace {

// Step-size controller constants (Hairer, Norsett and Wanner I, II.4).
constexpr Scalar kSafety = 0.9;
constexpr Scalar kFactorMin = 0.2;
constexpr Scalar kFactorMax = 10;
constexpr Scalar kErrorFloor = 1e-4;  // the previous error entering the PI term
// A step that would leave less than 1% of itself before t1 is stretched to t1.
constexpr Scalar kStretch = 1.01;

// Forwards to the system and counts the calls, so the statistics are exact for
// any solver (FSAL reuse, dead stages in the reverse pass).
class CountingSystem final : public OdeSystem {
 public:
  explicit CountingSystem(const OdeSystem& system) : system_(system) {}

  Index rows() const override { return system_.rows(); }
  void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const override {
    ++calls_;
    system_.rhs(t, y, dy);
  }
  void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                    VectorRef theta_bar) const override {
    ++calls_;
    system_.rhs_backward(t, y, dy_bar, y_bar, theta_bar);
  }
  long calls() const { return calls_; }

 private:
  const OdeSystem& system_;
  mutable long calls_ = 0;
};

struct Location {
  Index row = 0;
  Index col = 0;
};

template <class M>
std::optional<Location> first_non_finite(const Eigen::MatrixBase<M>& m) {
  if (m.allFinite()) return std::nullopt;
  for (Index col = 0; col < m.cols(); ++col)
    for (Index row = 0; row < m.rows(); ++row)
      if (!std::isfinite(m(row, col))) return Location{row, col};
  return std::nullopt;
}

template <class M>
std::string non_finite_detail(const std::string& what, const Location& at, const Eigen::MatrixBase<M>& m) {
  std::ostringstream out;
  out << what << " is " << m(at.row, at.col) << " at row " << at.row << ", column " << at.col;
  return out.str();
}

// Scaled RMS norm (Hairer, Norsett and Wanner I, II.4, (4.10)-(4.11)) of each group of
// controlled rows, sqrt(mean((v / (atol + rtol max(|y0|, |y1|)))^2)), and the largest
// of them. `group_ends` are the groups' last rows + 1; each group is one flat pass.
template <class V, class A, class B>
Scalar scaled_norm(const StepControl& control, const std::vector<Index>& group_ends, const Eigen::MatrixBase<V>& v,
                   const Eigen::MatrixBase<A>& y0, const Eigen::MatrixBase<B>& y1) {
  auto rms = [&](const auto& v, const auto& y0, const auto& y1) {
    return std::sqrt(
        (v.array() / (control.atol + control.rtol * y0.array().abs().max(y1.array().abs()))).square().mean());
  };
  if (group_ends.size() == 1 && group_ends.front() == v.rows())
    return rms(v.derived(), y0.derived(), y1.derived());
  Scalar norm = 0;
  Index start = 0;
  for (const Index end : group_ends) {
    const Index n = end - start;
    norm = std::max(norm, rms(v.middleRows(start, n), y0.middleRows(start, n), y1.middleRows(start, n)));
    start = end;
  }
  return norm;
}

// The state and work buffers of one solve (plain matrices, so whole batches are
// combined as flat arrays) and the bookkeeping shared by the fixed and adaptive loops.
class Stepper {
 public:
  Stepper(const ODESolver& solver, const OdeSystem& system, ConstMatrixRef y, Trajectory* record)
      : solver_(solver),
        system_(system),
        y_(y),
        record_(record),
        batch_(y.cols()),
        stages_(y.rows(), solver.num_stages() * y.cols()),
        y1_(y.rows(), y.cols()),
        error_(y.rows(), y.cols()) {}

  SolveStats& stats() { return stats_; }
  const Matrix& y() const { return y_; }
  Matrix& y1() { return y1_; }
  Matrix& error() { return error_; }
  auto first_stage() { return stages_.leftCols(batch_); }
  long attempts() const { return stats_.accepted_steps + stats_.rejected_steps; }
  // Stage 0 holds F(t, y) once an attempt (or the starting-step estimate) has
  // computed it, and keeps it through rejected attempts, since y does not move.
  // After an accepted step a first-same-as-last method's last stage takes its place.
  void mark_first_stage_ready() { first_stage_ready_ = true; }

  void attempt(Scalar t, Scalar h) {
    solver_.step(system_, t, h, y_, stages_, first_stage_ready_, y1_, error_);
    mark_first_stage_ready();
    // F at the accepted state (t, y): no step size can repair it.
    if (auto at = first_non_finite(first_stage()))
      throw SolverError(SolverFailure::kNonFinite, t, h, attempts(),
                        non_finite_detail("the vector field F(t, y) at the current state", *at, first_stage()));
  }

  void accept(Scalar t, Scalar h) {
    if (record_ != nullptr) record_->steps.push_back(Trajectory::Step{t, h, y_, stages_});
    y_.swap(y1_);  // y1_ is scratch until the next attempt
    if (solver_.first_same_as_last()) first_stage() = stages_.rightCols(batch_);
    first_stage_ready_ = solver_.first_same_as_last();
    ++stats_.accepted_steps;
  }

  void reject() { ++stats_.rejected_steps; }

 private:
  const ODESolver& solver_;
  const OdeSystem& system_;
  Matrix y_;
  Trajectory* record_;
  Index batch_;
  Matrix stages_;
  Matrix y1_;
  Matrix error_;
  SolveStats stats_;
  bool first_stage_ready_ = false;
};

void integrate_fixed(const ODESolver& solver, Stepper& stepper, Scalar t0, Scalar t1) {
  const StepControl& control = solver.control();
  const Scalar span = t1 - t0;
  const double steps = std::ceil(std::abs(span) / control.dt - 1e-9);
  if (steps > static_cast<double>(control.max_steps)) {
    std::ostringstream out;
    out << "fixed step dt = " << control.dt << " needs " << steps << " steps over [" << t0 << ", " << t1
        << "], more than max_steps = " << control.max_steps;
    throw SolverError(SolverFailure::kMaxSteps, t0, control.dt, 0, out.str());
  }
  const long n = std::max(1L, static_cast<long>(steps));
  for (long k = 0; k < n; ++k) {
    // Grid points t0 + span k / n, the last one exactly t1.
    const Scalar t = t0 + span * static_cast<Scalar>(k) / static_cast<Scalar>(n);
    const Scalar next = k + 1 == n ? t1 : t0 + span * static_cast<Scalar>(k + 1) / static_cast<Scalar>(n);
    stepper.attempt(t, next - t);
    if (auto at = first_non_finite(stepper.y1()))
      throw SolverError(SolverFailure::kNonFinite, t, next - t, stepper.attempts(),
                        non_finite_detail("the new state y(t + h)", *at, stepper.y1()));
    stepper.accept(t, next - t);
  }
}

// Starting step size (Hairer, Norsett and Wanner I, II.4, "Starting Step Size"); leaves F(t0, y0)
// in stage 0 and uses y1/error as work space. Two function evaluations.
Scalar initial_step(const ODESolver& solver, const OdeSystem& system, Stepper& stepper, Scalar t0, Scalar t1,
                    const std::vector<Index>& group_ends) {
  const StepControl& control = solver.control();
  const Matrix& y = stepper.y();
  const Scalar direction = t1 > t0 ? 1 : -1;
  auto f0 = stepper.first_stage();
  system.rhs(t0, y, f0);
  if (auto at = first_non_finite(f0))
    throw SolverError(SolverFailure::kNonFinite, t0, 0, 0,
                      non_finite_detail("the vector field F(t0, y0) at the initial state", *at, f0));
  stepper.mark_first_stage_ready();

  const Scalar d0 = scaled_norm(control, group_ends, y, y, y);
  const Scalar d1 = scaled_norm(control, group_ends, f0, y, y);
  Scalar h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
  h0 = std::min(h0, std::abs(t1 - t0));
  Matrix& y_probe = stepper.y1();
  Matrix& f1 = stepper.error();
  y_probe = y + (direction * h0) * f0;
  system.rhs(t0 + direction * h0, y_probe, f1);
  f1 -= f0;
  const Scalar d2 = scaled_norm(control, group_ends, f1, y, y) / h0;
  const Scalar d = std::max(d1, d2);
  // h1^(p + 1) max(d1, d2) = 0.01 with p the order of the error estimate, whose
  // local error is O(h^(p + 1)) (the IORD of Hairer's HINIT: 5 for DOPRI5).
  const Scalar h1 = d <= 1e-15 ? std::max(1e-6, 1e-3 * h0) : std::pow(0.01 / d, 1.0 / (solver.error_order() + 1));
  const Scalar h = std::min(100 * h0, h1);
  return direction * (std::isfinite(h) ? h : h0);
}

void integrate_adaptive(const ODESolver& solver, const OdeSystem& system, Stepper& stepper, Scalar t0, Scalar t1,
                        const std::vector<Index>& group_ends) {
  const StepControl& control = solver.control();
  const Scalar span = t1 - t0;
  const Scalar h_min = control.dt_min * std::abs(span);
  // PI controller (Gustafsson, Lundh and Soderlind, BIT 28, 1988) with the exponents
  // of Hairer and Wanner II, IV.2 for a local error of order k,
  //   h_new = h * safety * err^(-alpha) * err_previous^beta,
  // or the integral controller (torchdiffeq's and diffrax's default): beta = 0, alpha = 1/k.
  const Scalar k = solver.error_order() + 1;
  const bool integral = control.controller == StepController::kIntegral;
  const Scalar alpha = integral ? 1 / k : 0.7 / k;
  const Scalar beta = integral ? 0 : 0.4 / k;

  Scalar h =
      control.dt > 0 ? std::copysign(control.dt, span) : initial_step(solver, system, stepper, t0, t1, group_ends);
  Scalar t = t0;
  Scalar previous_error = 1;
  bool previous_rejected = false;
  std::optional<std::string> non_finite;  // why the last step was rejected, if for NaN/Inf
  while (true) {
    if (stepper.attempts() >= control.max_steps) {
      std::ostringstream out;
      out << "max_steps = " << control.max_steps << " steps taken (" << stepper.stats().accepted_steps
          << " accepted) before reaching t1 = " << t1;
      throw SolverError(SolverFailure::kMaxSteps, t, h, stepper.attempts(), out.str());
    }
    const bool last = std::abs(t1 - t) <= kStretch * std::abs(h);
    if (last) h = t1 - t;

    stepper.attempt(t, h);
    const bool finite = stepper.y1().allFinite() && stepper.error().allFinite();
    const Scalar error = finite ? scaled_norm(control, group_ends, stepper.error(), stepper.y(), stepper.y1()) : 0;
    Scalar factor;
    if (finite && error <= 1) {
      stepper.accept(t, h);
      if (last) return;
      t += h;
      factor = kSafety * std::pow(error, -alpha) * std::pow(previous_error, beta);
      factor = std::clamp(factor, kFactorMin, previous_rejected ? 1.0 : kFactorMax);
      previous_error = std::max(error, kErrorFloor);
      previous_rejected = false;
      non_finite.reset();
    } else {
      stepper.reject();
      if (finite) {
        factor = std::max(kFactorMin, kSafety * std::pow(error, -1 / k));
        non_finite.reset();
      } else {
        // Shrink past NaN/Inf as diffrax does; remember where it appeared.
        factor = kFactorMin;
        const bool state = !stepper.y1().allFinite();
        const Matrix& where = state ? stepper.y1() : stepper.error();
        non_finite = non_finite_detail(state ? "the trial state y(t + h)" : "the error estimate of the trial step",
                                       *first_non_finite(where), where);
      }
      previous_rejected = true;
    }
    const Scalar h_next = h * factor;
    if (std::abs(h_next) < h_min) {
      std::ostringstream out;
      out << "the step size fell below dt_min * |t1 - t0| = " << h_min;
      if (non_finite)
        throw SolverError(SolverFailure::kNonFinite, t, h_next, stepper.attempts(),
                          *non_finite + ", and stayed non-finite as " + out.str());
      throw SolverError(SolverFailure::kStepSizeUnderflow, t, h_next, stepper.attempts(),
                        out.str() + " with finite values; the problem may be stiff or blow up near t");
    }
    h = h_next;
  }
}

// Adds a solve's work to the process-wide totals, also when it fails.
class SolveTotal {
 public:
  SolveTotal(const CountingSystem& counted, Stepper& stepper, bool reverse_pass)
      : counted_(counted), stepper_(stepper), reverse_pass_(reverse_pass) {}
  ~SolveTotal() {
    if (reverse_pass_)
      add_backward_solve(result());
    else
      add_forward_solve(result());
  }
  SolveStats result() const {
    SolveStats stats = stepper_.stats();
    stats.function_evaluations = counted_.calls();
    return stats;
  }

 private:
  const CountingSystem& counted_;
  Stepper& stepper_;
  bool reverse_pass_;
};

}  // namespace

SolveStats& SolveStats::operator+=(const SolveStats& other) {
  function_evaluations += other.function_evaluations;
  accepted_steps += other.accepted_steps;
  rejected_steps += other.rejected_steps;
  return *this;
}

SolveStats integrate(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1, MatrixRef y,
                     const IntegrateOptions& options, Trajectory* record) {
  if (y.rows() != system.rows()) {
    std::ostringstream out;
    out << "integrate: the state has " << y.rows() << " rows but the ODE system has " << system.rows();
    throw ConfigError(out.str());
  }
  if (!std::isfinite(t0) || !std::isfinite(t1)) throw ConfigError("integrate: t0 and t1 must be finite");
  const Index controlled_rows = options.controlled_rows == -1 ? y.rows() : options.controlled_rows;
  if (controlled_rows < 1 || controlled_rows > y.rows()) {
    std::ostringstream out;
    out << "integrate: controlled_rows = " << options.controlled_rows << " must be -1 (all) or in [1, " << y.rows()
        << "]";
    throw ConfigError(out.str());
  }
  std::vector<Index> group_ends = options.norm_group_ends;
  if (group_ends.empty()) group_ends.push_back(controlled_rows);
  for (std::size_t g = 0; g < group_ends.size(); ++g) {
    const Index start = g == 0 ? 0 : group_ends[g - 1];
    const bool last = g + 1 == group_ends.size();
    if (group_ends[g] <= start || (last && group_ends[g] != controlled_rows)) {
      std::ostringstream out;
      out << "integrate: norm_group_ends must increase from above 0 to controlled_rows = " << controlled_rows
          << "; entry " << g << " is " << group_ends[g];
      throw ConfigError(out.str());
    }
  }
  const StepControl& control = solver.control();
  if (control.adaptive && solver.error_order() == 0)
    throw ConfigError("integrate: adaptive stepping needs a solver with an embedded error estimate");
  if (!control.adaptive && !(control.dt > 0)) throw ConfigError("integrate: fixed stepping needs dt > 0");
  if (t0 == t1 || y.cols() == 0) return {};
  if (auto at = first_non_finite(y))
    throw SolverError(SolverFailure::kNonFinite, t0, 0, 0, non_finite_detail("the initial state", *at, y));

  const CountingSystem counted(system);
  Stepper stepper(solver, counted, y, record);
  const SolveTotal total(counted, stepper, options.reverse_pass);
  if (control.adaptive)
    integrate_adaptive(solver, counted, stepper, t0, t1, group_ends);
  else
    integrate_fixed(solver, stepper, t0, t1);
  y = stepper.y();  // a failed solve leaves y as it was
  return total.result();
}

SolveStats integrate_backward(const ODESolver& solver, const OdeSystem& system, const Trajectory& trajectory,
                              MatrixRef y_bar, VectorRef theta_bar) {
  if (!trajectory.steps.empty()) {
    const Matrix& y0 = trajectory.steps.front().y0;
    if (y_bar.rows() != y0.rows() || y_bar.cols() != y0.cols()) {
      std::ostringstream out;
      out << "integrate_backward: the cotangent is " << y_bar.rows() << " x " << y_bar.cols()
          << " but the recorded state is " << y0.rows() << " x " << y0.cols();
      throw ConfigError(out.str());
    }
  }
  const CountingSystem counted(system);
  for (auto step = trajectory.steps.rbegin(); step != trajectory.steps.rend(); ++step)
    solver.step_backward(counted, step->t0, step->h, step->y0, step->stages, y_bar, theta_bar);
  SolveStats stats;
  stats.function_evaluations = counted.calls();
  stats.accepted_steps = static_cast<long>(trajectory.steps.size());
  add_backward_solve(stats);
  return stats;
}

}  // namespace liouville
