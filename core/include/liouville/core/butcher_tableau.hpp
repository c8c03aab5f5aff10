// An explicit Runge-Kutta method as a Butcher tableau, and the engine that runs it.
//
//   k_i = F(t0 + c_i h, y0 + h sum_{j<i} a_ij k_j),   y1 = y0 + h sum_i b_i k_i,
//   error = h sum_i e_i k_i   with e = b - b_hat (the embedded lower-order weights).
// Plugins (tsit5, dopri5, ...) only supply a tableau and the step control; the
// step, its error estimate and its reverse mode are the same code for all.
#pragma once

#include <vector>

#include "liouville/core/ode_solver.hpp"

namespace liouville {

struct ButcherTableau {
  Matrix a;  // s x s, strictly lower triangular
  Vector b;  // s
  Vector c;  // s
  Vector e;  // s, b - b_hat; empty without an embedded method
  int order = 0;
  int error_order = 0;
  bool first_same_as_last = false;  // the last stage is F(t1, y1)
};

class ExplicitRungeKutta : public ODESolver {
 public:
  // Throws ConfigError if the tableau is malformed (shapes, not explicit).
  ExplicitRungeKutta(ButcherTableau tableau, StepControl control);
  ~ExplicitRungeKutta() override;

  int order() const override { return tableau_.order; }
  int error_order() const override { return tableau_.error_order; }
  Index num_stages() const override { return tableau_.b.size(); }
  bool first_same_as_last() const override { return tableau_.first_same_as_last; }
  const StepControl& control() const override { return control_; }
  const ButcherTableau& tableau() const { return tableau_; }

  void step(const OdeSystem& system, Scalar t0, Scalar h, ConstMatrixRef y0, MatrixRef stages,
            bool first_stage_ready, MatrixRef y1, MatrixRef error) const override;
  void step_backward(const OdeSystem& system, Scalar t0, Scalar h, ConstMatrixRef y0, ConstMatrixRef stages,
                     MatrixRef y_bar, VectorRef theta_bar) const override;

 private:
  ButcherTableau tableau_;
  StepControl control_;
};

}  // namespace liouville
