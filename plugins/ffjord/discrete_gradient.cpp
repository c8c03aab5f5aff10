#include "discrete_gradient.hpp"

#include <memory>

#include "liouville/core/errors.hpp"

namespace liouville {
namespace {

struct TrajectoryRecord final : SolveRecord {
  Trajectory trajectory;
};

}  // namespace

SolveStats DiscreteGradient::solve(const ODESolver& solver, const OdeSystem& system, Scalar t0, Scalar t1,
                                   MatrixRef y, const IntegrateOptions& options,
                                   std::unique_ptr<SolveRecord>& record) const {
  auto recorded = std::make_unique<TrajectoryRecord>();
  const SolveStats stats = integrate(solver, system, t0, t1, y, options, &recorded->trajectory);
  record = std::move(recorded);
  return stats;
}

SolveStats DiscreteGradient::backward(const ODESolver& solver, const OdeSystem& system, const OdeSystem&,
                                      const SolveRecord& record, MatrixRef y_bar, VectorRef theta_bar) const {
  const auto* recorded = dynamic_cast<const TrajectoryRecord*>(&record);
  if (recorded == nullptr)
    throw NotSupported("discrete gradient: the solve was recorded by another gradient method");
  return integrate_backward(solver, system, recorded->trajectory, y_bar, theta_bar);
}

}  // namespace liouville
