// OdeSystem: the right-hand side y' = F(t, y) that a solver integrates.
//
// The state is a rows x batch matrix: rows are channels (for a CNF, the dim
// coordinates of z, then the log-density channel, then regularizer channels),
// columns are independent samples. `rhs_backward` is the reverse mode of `rhs`.
#pragma once

#include "liouville/core/types.hpp"

namespace liouville {

class OdeSystem {
 public:
  OdeSystem() = default;
  OdeSystem(const OdeSystem&) = delete;
  OdeSystem& operator=(const OdeSystem&) = delete;
  virtual ~OdeSystem();

  virtual Index rows() const = 0;

  virtual void rhs(Scalar t, ConstMatrixRef y, MatrixRef dy) const = 0;

  // y_bar = (dF/dy)^T dy_bar (overwritten); theta_bar += (dF/dtheta)^T dy_bar.
  virtual void rhs_backward(Scalar t, ConstMatrixRef y, ConstMatrixRef dy_bar, MatrixRef y_bar,
                            VectorRef theta_bar) const = 0;
};

}  // namespace liouville
