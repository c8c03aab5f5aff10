#include "adjoint_gradient.hpp"

#include <memory>
#include <sstream>

#include "adjoint_system.hpp"
#include "liouville/core/errors.hpp"

namespace liouville {
namespace {

// All the adjoint needs from the forward solve: where it ended.
struct EndPointRecord final : SolveRecord {
  Scalar t0 = 0;
  Scalar t1 = 0;
  Matrix y1;
  Index controlled_rows = 0;
};

}  // namespace

SolveStats AdjointGradient::solve(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1,
                                  MatrixRef y, const IntegrateOptions& options,
                                  std::unique_ptr<SolveRecord>& record) const {
  const SolveStats stats = integrate(solver, system, t0, t1, y, options, nullptr);
  auto kept = std::make_unique<EndPointRecord>();
  kept->t0 = t0;
  kept->t1 = t1;
  kept->y1 = y;
  kept->controlled_rows = options.controlled_rows == -1 ? y.rows() : options.controlled_rows;
  record = std::move(kept);
  return stats;
}

SolveStats AdjointGradient::backward(const ODESolver& solver, const OdeSystem& system,
                                     const OdeSystem& state_dynamics, const SolveRecord& record, MatrixRef y_bar,
                                     VectorRef theta_bar) const {
  const auto* kept = dynamic_cast<const EndPointRecord*>(&record);
  if (kept == nullptr) throw NotSupported("adjoint gradient: the solve was recorded by another gradient method");
  if (y_bar.rows() != kept->y1.rows() || y_bar.cols() != kept->y1.cols()) {
    std::ostringstream out;
    out << "adjoint gradient: the cotangent is " << y_bar.rows() << " x " << y_bar.cols()
        << " but the recorded state is " << kept->y1.rows() << " x " << kept->y1.cols();
    throw ConfigError(out.str());
  }
  if (y_bar.cols() == 0) return {};  // an empty batch adds nothing to theta_bar
  const AdjointSystem adjoint(system, state_dynamics, kept->y1.cols(), kept->controlled_rows, parameters_,
                              theta_bar.size());
  Vector state(adjoint.rows());
  adjoint.pack(kept->y1, y_bar, state);
  IntegrateOptions options;
  options.norm_group_ends = adjoint.norm_group_ends(seminorm_);
  options.controlled_rows = options.norm_group_ends.back();
  options.reverse_pass = true;
  SolveStats stats;
  try {
    stats = integrate(solver, adjoint, kept->t1, kept->t0, state, options, nullptr);
  } catch (const SolverError& error) {
    std::ostringstream out;
    out << "the adjoint solve from t = " << kept->t1 << " back to t = " << kept->t0
        << (seminorm_ ? " (seminorm)" : "") << ": " << error.detail();
    throw SolverError(error.failure(), error.t(), error.h(), error.step(), out.str());
  }
  adjoint.unpack(state, y_bar, theta_bar);
  return stats;
}

}  // namespace liouville
